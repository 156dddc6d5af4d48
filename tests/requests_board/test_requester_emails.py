"""Email reaches the requester who put her phone down (issue 12, item 1): a
response to her request, and the helper's acceptance, are emailed, on by
default; every such email carries a link that stops them, in one click for
mail clients (List-Unsubscribe-Post, RFC 8058)."""

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.gis.geos import Point

from neighbors.categories import categories_ensure
from neighbors.models import HelpCategory, User
from requests_board import services
from tests.factories import resident_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(db):
    categories_ensure(HelpCategory)
    dupont = resident_at(48.86, 2.37, display_name="Mme Dupont", email="dupont@example.org")
    karim = resident_at(48.862, 2.371, display_name="Karim", email="karim@example.org")
    request = services.help_request_create(
        author=dupont,
        title="Porter mes courses",
        category=HelpCategory.objects.get(slug="groceries"),
        location=Point(2.37, 48.86, srid=4326),
    )
    return dupont, karim, request


def _respond(karim, request, capture):
    with capture(execute=True):
        services.help_request_respond(request=request, volunteer=karim, message="Je peux jeudi")


def _stop_path(mail) -> str:
    (url,) = re.findall(r"<([^>]+)>", mail.extra_headers["List-Unsubscribe"])
    assert url in mail.body
    return urlsplit(url).path


def test_a_response_is_emailed_to_the_requester_by_default(
    scene, mailoutbox, django_capture_on_commit_callbacks
):
    dupont, karim, request = scene
    assert dupont.email_my_requests  # nobody had to opt in
    _respond(karim, request, django_capture_on_commit_callbacks)

    (mail,) = [m for m in mailoutbox if m.to == ["dupont@example.org"]]
    assert "Karim" in mail.subject and "Porter mes courses" in mail.subject
    assert mail.subject.startswith("Entraide")
    assert f"/requests/{request.pk}/" in mail.body
    assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Nothing of where anyone lives.
    for secret in ("48.86", "2.37", "48,86", "2,37", "karim@example.org"):
        assert secret not in mail.body


def test_the_acceptance_is_emailed_to_the_helper(
    scene, mailoutbox, django_capture_on_commit_callbacks
):
    dupont, karim, request = scene
    _respond(karim, request, django_capture_on_commit_callbacks)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.help_request_accept(request=request, requester=dupont, helper_id=karim.pk)
    (mail,) = mailoutbox
    assert mail.to == ["karim@example.org"] and "Mme Dupont" in mail.subject


def test_the_link_stops_them_with_one_button_and_mail_clients_in_one_post(
    scene, mailoutbox, django_capture_on_commit_callbacks, client
):
    dupont, karim, request = scene
    _respond(karim, request, django_capture_on_commit_callbacks)
    (mail,) = mailoutbox
    path = _stop_path(mail)

    page = client.get(path, HTTP_ACCEPT_LANGUAGE="fr")
    assert page.status_code == 200
    assert "Arrêter ces e-mails" in page.content.decode()
    assert User.objects.get(pk=dupont.pk).email_my_requests  # a link scanner changes nothing

    # A mail client's one-click unsubscribe: a POST, no session, no CSRF token.
    stopped = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert stopped.status_code == 200
    dupont.refresh_from_db()
    assert not dupont.email_my_requests and not dupont.email_notifications

    other = resident_at(48.861, 2.372, display_name="Louise")
    mailoutbox.clear()
    _respond(other, request, django_capture_on_commit_callbacks)
    assert mailoutbox == []  # stopped for good


@pytest.mark.parametrize("token", ["nope", "1", "x" * 300, "%00"])
def test_a_forged_or_broken_link_changes_nothing(scene, client, token):
    dupont, _karim, _request = scene
    for method in (client.get, client.post):
        response = method(f"/email/stop/{token}/")
        assert response.status_code in (400, 404)
    assert User.objects.get(pk=dupont.pk).email_my_requests


def test_the_profile_turns_them_off_and_on(scene, client):
    dupont, _karim, _request = scene
    client.force_login(dupont)
    page = client.get("/profile/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert 'name="email_my_requests"' in page and "checked" in page
