"""The web sign-up (allauth's form) and the API sign-up create accounts with
one service, neighbors.services.user_signup, so both apply the same rules
(issue 11, item 5)."""

import re

import pytest
from django.core.exceptions import ValidationError

from neighbors import services
from neighbors.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "jardin-partage-2026"


def _web_signup(client, *, email, display_name="Grace", password=PASSWORD):
    return client.post(
        "/accounts/signup/",
        {
            "email": email,
            "password1": password,
            "password2": password,
            "display_name": display_name,
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )


def _api_signup(api, *, email, display_name="Grace", password=PASSWORD):
    return api.post(
        "/api/v1/auth/signup",
        {"email": email, "password": password, "display_name": display_name},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )


@pytest.fixture
def signups(monkeypatch):
    """Every call of the sign-up service, with its arguments."""
    calls = []
    real = services.user_signup

    def spy(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(services, "user_signup", spy)
    return calls


def test_a_web_signup_is_made_by_the_service(client, signups, mailoutbox):
    response = _web_signup(client, email=" Grace.Hopper@Example.org ", display_name="  Grace  ")
    assert response.status_code == 302, response.content.decode()[:2000]

    (call,) = signups
    assert call["display_name"] == "Grace" and call["request"] is not None
    assert call["send_verification"] is False  # allauth's login stage sends the code
    user = User.objects.get()
    assert (user.email, user.display_name) == ("grace.hopper@example.org", "Grace")
    assert user.check_password(PASSWORD)
    address = user.emailaddress_set.get()
    assert (address.email, address.primary, address.verified) == (user.email, True, False)
    # One email, with the code: the service did not send one of its own.
    (mail,) = mailoutbox
    assert mail.to == [user.email]
    assert re.search(r"^\s*[0-9]{6}\s*$", mail.body, re.MULTILINE)


def test_an_api_signup_makes_the_same_account(api, signups, mailoutbox):
    response = _api_signup(api, email="Grace.Hopper@Example.org", display_name="  Grace  ")
    assert response.status_code == 201, response.content
    assert len(signups) == 1
    user = User.objects.get()
    assert (user.email, user.display_name) == ("grace.hopper@example.org", "Grace")
    address = user.emailaddress_set.get()
    assert (address.email, address.primary, address.verified) == (user.email, True, False)
    assert len(mailoutbox) == 1


def test_the_service_password_rules_hold_on_the_web_too(client, api, settings):
    """The service checks the password against the whole new account, its
    display name included; allauth's own form knows only the address."""
    settings.AUTH_PASSWORD_VALIDATORS = [
        {
            "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
            "OPTIONS": {"user_attributes": ("email", "display_name")},
        }
    ]
    refusal = "The password is too similar to the display name."
    fields = {"display_name": "Marguerite Duras", "password": "MargueriteDuras"}

    api_answer = _api_signup(api, email="neighbour-42@example.org", **fields)
    assert api_answer.status_code == 400
    assert api_answer.json()["fields"]["password"] == [refusal]

    web_answer = _web_signup(client, email="neighbour-42@example.org", **fields)
    assert web_answer.status_code == 200
    assert web_answer.context["form"].errors["password1"] == [refusal]
    assert refusal in web_answer.content.decode()
    assert not User.objects.exists()


def test_the_service_text_check_holds_on_the_web_too(client, monkeypatch):
    """Whatever the service refuses, the web form shows under its field."""
    refusal = "Not a name for this test."
    real_check = services.texts_check

    def stricter(**texts):
        if texts.get("display_name") == "Refused":
            raise ValidationError({"display_name": [refusal]})
        real_check(**texts)

    monkeypatch.setattr(services, "texts_check", stricter)
    response = _web_signup(client, email="someone@example.org", display_name="Refused")
    assert response.status_code == 200
    assert response.context["form"].errors["display_name"] == [refusal]
    assert not User.objects.exists()


def test_an_address_taken_during_the_signup_gets_the_usual_answer(client, monkeypatch, mailoutbox):
    """Taken between the form's check and the save: no error page, no
    second account, the same answer as for an address taken before."""
    fresh = _web_signup(type(client)(), email="first@example.org")
    real_check = services.user_signup_check
    taken = []

    def check_then_taken(**fields):
        result = real_check(**fields)
        if not taken:
            taken.append(UserFactory(email=fields["email"]))
        return result

    monkeypatch.setattr(services, "user_signup_check", check_then_taken)
    response = _web_signup(client, email="raced@example.org")
    assert response.status_code == 302 and response.url == fresh.url
    assert list(User.objects.filter(email="raced@example.org")) == taken
