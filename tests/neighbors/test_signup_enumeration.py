"""Sign-up never tells whether an address already has an account (issue 10,
finding 9): knowing that someone uses a mutual-aid app can put them at risk.
A taken address gets the same answer as a new one, and its owner an email."""

import re

import pytest

from neighbors.models import User

pytestmark = pytest.mark.django_db


def _signup(client, email):
    return client.post(
        "/accounts/signup/",
        {
            "email": email,
            "password1": "jardin-partage-2026",
            "password2": "jardin-partage-2026",
            "display_name": "Grace",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )


def _shape(response) -> str:
    """The page without what differs by nature (tokens, the address typed)."""
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r"[\w.+-]+@example\.org", "EMAIL", html)


def test_a_taken_address_gets_the_same_answer_and_its_owner_an_email(client, resident, mailoutbox):
    fresh = _signup(client, "new.neighbour@example.org")
    assert fresh.status_code == 302
    fresh_page = client.get(fresh.url, HTTP_ACCEPT_LANGUAGE="en")
    (code_mail,) = mailoutbox
    assert code_mail.to == ["new.neighbour@example.org"]
    assert re.search(r"^\s*[0-9]{6}\s*$", code_mail.body, re.MULTILINE)

    other = type(client)()
    taken = _signup(other, resident.email.upper())
    assert taken.status_code == 302 and taken.url == fresh.url
    taken_page = other.get(taken.url, HTTP_ACCEPT_LANGUAGE="en")
    assert taken_page.status_code == fresh_page.status_code == 200
    assert _shape(taken_page) == _shape(fresh_page)

    # No second account; the owner is told someone tried, with no code.
    assert User.objects.filter(email__iexact=resident.email).count() == 1
    owner_mail = mailoutbox[-1]
    assert owner_mail.to == [resident.email]
    assert not re.search(r"^\s*[0-9]{6}\s*$", owner_mail.body, re.MULTILINE)


def test_the_emailed_code_signs_the_new_neighbour_in(client, mailoutbox):
    response = _signup(client, "new.neighbour@example.org")
    code = re.search(r"^\s*([0-9]{6})\s*$", mailoutbox[0].body, re.MULTILINE).group(1)
    wrong = client.post(response.url, {"code": "000000" if code != "000000" else "111111"})
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session
    right = client.post(response.url, {"code": code})
    assert right.status_code == 302 and right.url == "/welcome/home/"
    user = User.objects.get(email="new.neighbour@example.org")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert user.emailaddress_set.get().verified


def test_no_code_opens_the_taken_account(client, resident, mailoutbox):
    response = _signup(client, resident.email)
    for attempt in ("000000", "123456"):
        client.post(response.url, {"code": attempt})
    assert "_auth_user_id" not in client.session
