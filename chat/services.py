"""Writes for the chat. A message is committed before it is acknowledged,
and events leave only after commit (chat.events.publish)."""

import logging

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from chat.events import publish
from chat.models import Conversation, Message, ReadState
from chat.selectors import conversation_for_participant, message_payload

MAX_BODY = 2000
logger = logging.getLogger(__name__)


class RateLimited(Exception):
    """Too many messages: slow down."""


def conversation_open(*, request, volunteer) -> Conversation:
    conversation, _created = Conversation.objects.get_or_create(
        request=request, volunteer=volunteer, defaults={"requester_id": request.author_id}
    )
    return conversation


def _check_rate(user_id: int) -> None:
    limit = settings.CHAT_MESSAGES_PER_MINUTE
    key = f"chat-rate:{user_id}"
    try:
        cache.add(key, 0, timeout=60)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=60)
            count = 1
    except Exception:
        # The cache (Redis) is down: let the message through rather than
        # lose it; the database is what must hold.
        logger.warning("chat rate limit unavailable", exc_info=True)
        return
    if count > limit:
        raise RateLimited


def message_send(*, user, conversation_id, body: str, client_id: str) -> tuple[Message, bool]:
    """Stores a message, or returns the one already stored for this client_id.
    Returns (message, created). Raises ValidationError, ConversationNotFound,
    RateLimited. Publishes message.new to both participants after commit."""
    if not isinstance(client_id, str) or not 1 <= len(client_id) <= 64:
        raise ValidationError({"client_id": [_("A client id of 1 to 64 characters is required.")]})
    if not isinstance(body, str) or not body.strip():
        raise ValidationError({"body": [_("A message cannot be empty.")]})
    if len(body) > MAX_BODY:
        raise ValidationError({"body": [_("At most 2,000 characters.")]})
    existing = Message.objects.filter(sender=user, client_id=client_id).first()
    if existing is not None:
        conversation_for_participant(user=user, conversation_id=existing.conversation_id)
        return existing, False
    conversation = conversation_for_participant(user=user, conversation_id=conversation_id)
    if conversation.closed_at is not None:
        raise ValidationError({"conversation": [_("This conversation is closed.")]})
    _check_rate(user.pk)
    try:
        with transaction.atomic():
            # One writer at a time per conversation: ids follow commit order
            # inside a conversation, so `sync after id` never skips one.
            Conversation.objects.select_for_update().filter(pk=conversation.pk).first()
            message = Message.objects.create(
                conversation=conversation, sender=user, body=body, client_id=client_id
            )
            ReadState.objects.update_or_create(
                conversation=conversation, user=user, defaults={"last_read_id": message.pk}
            )
            publish(
                conversation.participant_ids, "chat.message", {"message": message_payload(message)}
            )
    except IntegrityError:
        # A concurrent retry with the same client_id won the race.
        return Message.objects.get(sender=user, client_id=client_id), False
    return message, True


@transaction.atomic
def message_read(*, user, conversation_id, up_to: int) -> int:
    conversation = conversation_for_participant(user=user, conversation_id=conversation_id)
    if not isinstance(up_to, int) or isinstance(up_to, bool) or up_to < 0:
        raise ValidationError({"up_to": [_("A message id is required.")]})
    state, _created = ReadState.objects.select_for_update().get_or_create(
        conversation=conversation, user=user
    )
    if up_to > state.last_read_id:
        state.last_read_id = up_to
        state.save(update_fields=["last_read_id"])
        publish(
            conversation.participant_ids,
            "chat.read",
            {"conversation": conversation.pk, "reader": user.pk, "up_to": up_to},
        )
    return state.last_read_id
