"""The step after sign-up ("Where do you live?"), errors said where the
person is, and the language emails are written in."""

import pytest

from neighbors.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_home_step_finds_the_address_then_saves_and_offers_the_next_step(client, geocoder):
    user = UserFactory(display_name="Jeanne")
    client.force_login(user)
    page = client.get("/welcome/home/", HTTP_ACCEPT_LANGUAGE="fr")
    html = page.content.decode()
    assert "Où habitez-vous" in html
    # The coordinates are there for whoever needs them, folded away.
    assert '<details class="coordinates-entry">' in html
    assert 'id="pin-centre"' in html

    found = client.post(
        "/welcome/home/", {"address": "12 rue Oberkampf, Paris", "find_address": "1"}
    )
    assert found.status_code == 200
    assert (found.context["form"].initial["lat"], found.context["form"].initial["lng"]) == (
        48.86472,
        2.36981,
    )
    user.refresh_from_db()
    assert user.home is None  # not before she says "this is my home"

    # The step ends on what she came for: each button saves, then leads on.
    page = client.get("/welcome/home/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert ">Demander de l'aide</button>" in page and ">Proposer de l'aide</button>" in page
    saved = client.post(
        "/welcome/home/",
        {"lat": "48.86472", "lng": "2.36981", "then": "request"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert saved.status_code == 302 and saved.url == "/requests/new/"
    user.refresh_from_db()
    assert (round(user.home.y, 5), round(user.home.x, 5)) == (48.86472, 2.36981)
    landed = client.get(saved.url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Votre domicile est enregistré" in landed
    for then, url in (("offer", "/offers/new/"), ("look", "/"), ("anything", "/")):
        again = client.post("/welcome/home/", {"lat": "48.86472", "lng": "2.36981", "then": then})
        assert again.url == url


def test_without_a_pin_the_step_says_so_in_words_at_the_top(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        "/welcome/home/", {"lat": "", "lng": "", "save": "1"}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 400
    html = response.content.decode()
    summary = html[html.index("error-summary") : html.index("</ul>", html.index("error-summary"))]
    assert 'role="alert"' in summary
    assert 'href="#pin-map"' in summary
    assert "Cherchez votre adresse ou placez le repère sur la carte" in summary
    # Said once, though both coordinates are missing, and never as numbers.
    assert summary.count("<li>") == 1
    assert "Latitude" not in summary and "obligatoire" not in summary
    user.refresh_from_db()
    assert user.home is None


def test_a_request_without_a_place_asks_for_the_meeting_place(client, category):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        "/requests/new/",
        {"title": "Courses", "category": "groceries", "lat": "", "lng": ""},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 400
    html = response.content.decode()
    summary = html[html.index("error-summary") : html.index("</ul>", html.index("error-summary"))]
    assert "Choisissez le lieu du rendez-vous sur la carte" in summary
    assert 'href="#pin-map"' in summary and summary.count("<li>") == 1
    assert "Latitude" not in summary


def test_a_generic_message_is_said_with_the_field_label(client):
    user = UserFactory(display_name="Jeanne")
    client.force_login(user)
    response = client.post(
        "/profile/",
        {"display_name": "Jeanne", "walk_radius_m": "", "save": "1"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    html = response.content.decode()
    summary = html[html.index("error-summary") : html.index("</ul>", html.index("error-summary"))]
    assert "How far will you walk to help? (metres): This field is required." in summary
    assert 'href="#id_walk_radius_m"' in summary


def test_the_language_switch_is_remembered_for_emails(client):
    user = UserFactory(language="fr")
    client.force_login(user)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "en"
    # A language the site does not speak changes nothing.
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    user.refresh_from_db()
    assert user.language == "en"


def test_anonymous_language_switch_still_works(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert User.objects.count() == 0
