"""Sign-up and profile through the HTML forms, with the stand-in geocoder."""

import re

import pytest

from neighbors.models import HomeMove, User

pytestmark = pytest.mark.django_db


def profile_form(user, **changes):
    data = {
        "display_name": user.display_name or "Rose",
        "lat": "",
        "lng": "",
        "walk_radius_m": "1000",
        "save": "1",
    }
    data.update(changes)
    return data


def test_sign_up_with_the_form_then_land_on_where_do_you_live(client, mailoutbox):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "Rose@Example.org",
            "password1": "tulipes-et-roses-7",
            "password2": "tulipes-et-roses-7",
            "display_name": "Rose",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    # The emailed code first (tests/neighbors/test_signup_enumeration.py says why).
    assert response.status_code == 302
    assert response.url == "/accounts/confirm-email/"
    user = User.objects.get()
    assert (user.email, user.display_name) == ("rose@example.org", "Rose")
    (mail,) = mailoutbox
    code = re.search(r"^\s*([0-9]{6})\s*$", mail.body, re.MULTILINE).group(1)
    confirmed = client.post(response.url, {"code": code})
    assert confirmed.status_code == 302 and confirmed.url == "/welcome/home/"
    page = client.get(confirmed.url, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert b"Where do you live?" in page.content
    # Signed up in English: her emails will be in English.
    assert User.objects.get().language == "en"


def test_profile_form_saves_the_home(client, resident):
    client.force_login(resident)
    response = client.post(
        "/profile/",
        profile_form(
            resident,
            lat="48.8601",
            lng="2.3802",
            walk_radius_m="1500",
            skills=["groceries", "diy"],
            languages=["fr", "en"],
        ),
    )
    assert response.status_code == 302
    resident.refresh_from_db()
    assert (round(resident.home.y, 4), round(resident.home.x, 4)) == (48.8601, 2.3802)
    assert resident.walk_radius_m == 1500
    assert sorted(s.slug for s in resident.skills.all()) == ["diy", "groceries"]
    assert resident.languages == ["fr", "en"]


def test_saving_without_a_home_warns_instead_of_saying_saved(client, resident):
    client.force_login(resident)
    form = profile_form(resident, lat="", lng="")
    response = client.post("/profile/", form, follow=True, HTTP_ACCEPT_LANGUAGE="fr")
    html = response.content.decode()
    assert "Votre profil est enregistré" not in html
    assert 'class="message warning"' in html and "pas encore indiqué" in html
    resident.refresh_from_db()
    assert resident.home is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"lat": "91", "lng": "2.3"}, "lat"),
        ({"lat": "48.8", "lng": "500"}, "lng"),
        ({"lat": "nan", "lng": "2.3"}, "lat"),
        ({"lat": "48.8", "lng": ""}, "lng"),
        ({"walk_radius_m": "-5"}, "walk_radius_m"),
        ({"walk_radius_m": "100000"}, "walk_radius_m"),
        ({"skills": ["juggling"]}, "skills"),
        ({"display_name": ""}, "display_name"),
    ],
)
def test_bad_profile_form_shows_errors_and_saves_nothing(client, resident, changes, field):
    client.force_login(resident)
    response = client.post(
        "/profile/", profile_form(resident, **changes), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert b'role="alert"' in response.content
    resident.refresh_from_db()
    assert resident.home is None and resident.walk_radius_m == 1000
    assert not HomeMove.objects.exists()


def test_find_address_places_the_pin_without_saving(client, resident, geocoder):
    client.force_login(resident)
    response = client.post(
        "/profile/",
        {"address": "12 rue Oberkampf, Paris", "find_address": "1"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert (form.initial["lat"], form.initial["lng"]) == (48.86472, 2.36981)
    assert b"Found: 12, Rue Oberkampf" in response.content
    assert geocoder.queries[-1]["path"] == "/search"
    assert geocoder.queries[-1]["countrycodes"] == "fr"
    resident.refresh_from_db()
    assert resident.home is None  # saved only when the user presses Save


@pytest.mark.parametrize(
    ("mode", "address", "message"),
    [
        ("ok", "nowhere street 99", b"No place matches this address"),
        ("error", "12 rue Oberkampf, Paris", b"not available right now"),
        ("slow", "12 rue Oberkampf, Paris", b"not available right now"),
    ],
)
def test_geocoder_failures_are_clear_and_save_nothing(
    client, resident, geocoder, mode, address, message
):
    geocoder.mode = mode
    client.force_login(resident)
    response = client.post(
        "/profile/", {"address": address, "find_address": "1"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert message in response.content
    resident.refresh_from_db()
    assert resident.home is None


def test_profile_requires_login(client):
    response = client.get("/profile/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_login_failures_are_rate_limited(client, resident, password):
    for _ in range(5):
        client.post("/accounts/login/", {"login": resident.email, "password": "wrong"})
    response = client.post(
        "/accounts/login/",
        {"login": resident.email, "password": password},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    # Even the right password is refused once the limit is reached.
    assert b"Too many failed login attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_pages_in_french_and_english(client):
    fr = client.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    en = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="fr">' in fr and '<html lang="en">' in en
    assert "Help in your neighbourhood" in en
    assert "Help in your neighbourhood" not in fr


def test_language_switch_sticks(client):
    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/"}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 302
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<html lang="en">' in page
