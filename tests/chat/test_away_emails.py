"""A message that waits unread while its reader is away is emailed to them
(issue 12, item 1): once per new batch, after CHAT_EMAIL_AFTER_MINUTES, in
their language, without the message itself."""

from datetime import timedelta

import pytest
from django.utils import timezone

from chat import services
from chat.models import Conversation
from requests_board import services as board
from tests.chat.conftest import alice_asks_near_bruno

pytestmark = pytest.mark.django_db

LATER = timedelta(minutes=11)


@pytest.fixture
def talk(django_capture_on_commit_callbacks):
    alice, bruno, request = alice_asks_near_bruno()
    alice.language, bruno.language = "fr", "en"
    alice.save(update_fields=["language"])
    bruno.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        board.help_request_respond(request=request, volunteer=bruno, message="Je peux jeudi")
    conversation = Conversation.objects.get(request=request, volunteer=bruno)
    return alice, bruno, conversation


def _send(user, conversation, body, n):
    message, _duplicate = services.message_send(
        user=user, conversation_id=conversation.pk, body=body, client_id=f"c-{user.pk}-{n}"
    )
    return message


def _run(capture, now):
    with capture(execute=True):
        return services.messages_unread_email(now=now)


def test_a_waiting_message_is_emailed_once_in_the_readers_language(
    talk, mailoutbox, django_capture_on_commit_callbacks
):
    alice, bruno, conversation = talk
    mailoutbox.clear()  # the response's own email
    # The response, the first message, was emailed already: nothing more.
    assert _run(django_capture_on_commit_callbacks, timezone.now() + LATER) == 0

    _send(bruno, conversation, "Mon numéro est le 06 12 34 56 78", 1)
    _send(bruno, conversation, "À jeudi", 2)
    # Too early: she may be reading.
    assert _run(django_capture_on_commit_callbacks, timezone.now()) == 0
    assert _run(django_capture_on_commit_callbacks, timezone.now() + LATER) == 1
    (mail,) = mailoutbox
    assert mail.to == [alice.email]
    assert mail.subject == "Entraide · Bruno vous a écrit\u00a0: Courses"
    assert f"/conversations/{conversation.pk}/" in mail.body
    assert "06 12" not in mail.body and "jeudi" not in mail.body
    # Once per batch.
    assert _run(django_capture_on_commit_callbacks, timezone.now() + LATER) == 0

    # Her answer waits for Bruno, who reads English.
    _send(alice, conversation, "Merci !", 3)
    assert _run(django_capture_on_commit_callbacks, timezone.now() + LATER) == 1
    assert mailoutbox[-1].to == [bruno.email]
    assert mailoutbox[-1].subject == "Entraide · Alice wrote to you: Courses"


def test_a_read_message_or_an_opted_out_reader_gets_no_email(
    talk, mailoutbox, django_capture_on_commit_callbacks
):
    alice, bruno, conversation = talk
    mailoutbox.clear()
    message = _send(bruno, conversation, "Bonjour", 1)
    services.message_read(user=alice, conversation_id=conversation.pk, up_to=message.pk)
    assert _run(django_capture_on_commit_callbacks, timezone.now() + LATER) == 0

    alice.email_my_requests = False
    alice.save(update_fields=["email_my_requests"])
    _send(bruno, conversation, "Toujours là ?", 2)
    assert _run(django_capture_on_commit_callbacks, timezone.now() + LATER) == 0
    assert mailoutbox == []
