"""How people choose to be told (issue 13, item 4): the page, the one-click
stop, the emails that follow the choice kind by kind, and the daily digest."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command

from chat.digest import digests_send
from chat.models import Conversation
from chat.services import message_read
from neighbors.models import User
from neighbors.notify import wants
from neighbors.services import email_stop_url
from push import vapid
from requests_board import services
from tests.factories import resident_at
from tests.requests_board.conftest import ORIGIN, north_of

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def alice(category):
    return resident_at(*ORIGIN, display_name="Alice", language="fr")


def test_the_page_saves_each_kind_and_quiet_hours_and_says_what_is_wrong(client, alice):
    client.force_login(alice)
    page = client.get("/profile/notifications/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Activer les notifications sur cet appareil" in page and 'id="push-device"' in page
    form = {
        "kind_new_request": "none",
        "kind_response": "push",
        "kind_accepted": "both",
        "kind_message": "email",
        "kind_follow_up": "both",
        "quiet": "on",
        "quiet_start": "22:30",
        "quiet_end": "07:00",
        "lock_screen_titles": "",
    }
    assert client.post("/profile/notifications/", form).status_code == 302
    alice.refresh_from_db()
    assert alice.notify_kinds["message"] == "email" and alice.notify_kinds["new_request"] == "none"
    assert alice.quiet_start.strftime("%H:%M") == "22:30" and alice.lock_screen_titles is False
    assert wants(alice, "message", "email") and not wants(alice, "message", "push")
    assert wants(alice, "response", "push") and not wants(alice, "response", "email")

    bad = client.post(
        "/profile/notifications/",
        {**form, "quiet_start": "", "kind_message": "sms"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert bad.status_code == 400 and 'role="alert"' in bad.content.decode()
    alice.refresh_from_db()
    assert alice.notify_kinds["message"] == "email"  # nothing changed


def test_the_stop_link_stops_every_email_and_keeps_pushes(client, alice):
    alice.notify_kinds = {"message": "both", "follow_up": "email"}
    alice.save()
    token = email_stop_url(alice).rstrip("/").split("/")[-1]
    assert client.post(f"/email/stop/{token}/").status_code in (200, 302)
    alice.refresh_from_db()
    for kind in ("new_request", "response", "accepted", "message", "follow_up"):
        assert not wants(alice, kind, "email"), kind
    assert wants(alice, "message", "push") and not wants(alice, "follow_up", "push")


def test_emails_follow_the_choice_for_their_kind(
    alice, category, mailoutbox, django_capture_on_commit_callbacks
):
    karim = resident_at(*north_of(300), display_name="Karim")
    request = services.help_request_create(
        author=alice, title="Courses", category=category, location=alice.home
    )
    alice.notify_kinds = {"response": "push"}
    alice.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.help_request_respond(request=request, volunteer=karim, message="Oui")
    assert [m for m in mailoutbox if m.to == [alice.email]] == []
    alice.notify_kinds = {"response": "email"}
    alice.save()
    other = resident_at(*north_of(350), display_name="Léa")
    with django_capture_on_commit_callbacks(execute=True):
        services.help_request_respond(request=request, volunteer=other, message="Moi aussi")
    assert len([m for m in mailoutbox if m.to == [alice.email]]) == 1


def test_the_digest_replaces_single_emails_once_a_day_in_the_evening(
    alice, category, mailoutbox, django_capture_on_commit_callbacks
):
    alice.email_digest = True
    alice.save()
    karim = resident_at(*north_of(300), display_name="Karim")
    request = services.help_request_create(
        author=alice, title="Porter les courses", category=category, location=alice.home
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.help_request_respond(request=request, volunteer=karim, message="Oui")
    assert [m for m in mailoutbox if m.to == [alice.email]] == []  # no single email

    morning = datetime.now(PARIS).replace(hour=9, minute=0)
    assert digests_send(now=morning) == 0
    evening = morning.replace(hour=19)
    assert digests_send(now=evening) == 1
    (digest,) = [m for m in mailoutbox if m.to == [alice.email]]
    assert "Votre journée" in digest.subject and "Porter les courses" in digest.body
    assert f"/requests/{request.pk}/" in digest.body and "List-Unsubscribe" in digest.extra_headers
    assert digests_send(now=evening + timedelta(hours=2)) == 0  # once a day
    assert User.objects.get(pk=alice.pk).digest_sent_at is not None
    # The next evening: the message still waits, so it says so again...
    assert digests_send(now=evening + timedelta(days=1)) == 1
    # ...and once read, nothing new: no email.
    conversation = Conversation.objects.get(request=request)
    last = conversation.messages.order_by("-pk").first()
    message_read(user=alice, conversation_id=conversation.pk, up_to=last.pk)
    assert digests_send(now=evening + timedelta(days=2)) == 0


def test_vapid_keys_writes_a_private_key_once_with_mode_0600(tmp_path, settings):
    settings.VAPID_PRIVATE_KEY = ""
    settings.VAPID_PRIVATE_KEY_FILE = str(tmp_path / "var" / "vapid.pem")
    vapid.private_pem.cache_clear()
    try:
        call_command("vapid_keys", "--write")
        path = tmp_path / "var" / "vapid.pem"
        assert path.stat().st_mode & 0o777 == 0o600
        first = path.read_bytes()
        call_command("vapid_keys", "--write")
        assert path.read_bytes() == first  # kept
        public = vapid.public_key_b64url()
        assert len(public) == 87  # 65 bytes, base64url without padding
    finally:
        vapid.private_pem.cache_clear()
    assert mail.outbox == []
