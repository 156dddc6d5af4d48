"""Writes for the chat. A message is committed before it is acknowledged,
and events leave only after commit (realtime.events.publish)."""

import logging
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chat.models import RESERVED_CLIENT_IDS, RESPONSE_CLIENT_ID, Conversation, Message, ReadState
from chat.selectors import (
    ConversationClosed,
    ConversationNotFound,
    conversation_for_participant,
    message_payload,
)
from chat.signals import messages_stored
from common.ids import MAX_ID, as_id
from common.metrics import MESSAGES
from common.text import texts_check
from neighbors import notify
from neighbors.models import User
from push.models import PushSubscription
from push.services import lock_screen, push_to
from realtime.events import publish, publish_many
from realtime.presence import on_screen
from requests_board.services.notifications import email_in_their_language
from safety.limits import limit_take, new_accounts
from safety.sanctions import Restricted, restricted_among

MAX_BODY = 2000
logger = logging.getLogger(__name__)


class RateLimited(Exception):
    """Too many messages: slow down."""


def conversations_follow_blocks(*, first_id: int, second_id: int, blocked: bool) -> None:
    """The two people's conversations close while a block separates them and
    reopen when none does (safety.services.blocks_changed). Conversations
    only ever close because of a block."""
    between = Q(requester_id=first_id, volunteer_id=second_id) | Q(
        requester_id=second_id, volunteer_id=first_id
    )
    if blocked:
        Conversation.objects.filter(between, closed_at__isnull=True).update(
            closed_at=timezone.now()
        )
    else:
        Conversation.objects.filter(between).update(closed_at=None)


def response_conversation_start(*, response) -> Conversation:
    """A volunteer's response (committed) opens the conversation between the
    two neighbours and is its first message (requests_board.signals.
    response_created). A retry finds both stored."""
    conversation = conversation_open(request=response.request, volunteer=response.volunteer)
    try:
        message_send(
            user=response.volunteer,
            conversation_id=conversation.pk,
            body=response.message,
            client_id=f"{RESPONSE_CLIENT_ID}{response.pk}",
            internal=True,
        )
    except (RateLimited, Restricted, ValidationError):
        # The response stands and the requester sees it on the request's page;
        # the chat opens without it.
        logger.info("response %s: first message not stored", response.pk, exc_info=True)
    return conversation


def conversation_open(*, request, volunteer) -> Conversation:
    conversation, _created = Conversation.objects.get_or_create(
        request=request, volunteer=volunteer, defaults={"requester_id": request.author_id}
    )
    return conversation


@dataclass(frozen=True)
class Outgoing:
    """One message a client asks to send, as it arrived (unchecked)."""

    user: Any
    conversation_id: Any
    body: Any
    client_id: Any
    # Written by the server itself (a response, a text): it may use the
    # client ids reserved for those; a client may not.
    internal: bool = False


def _message_check(item: Outgoing) -> None:
    if not isinstance(item.client_id, str) or not 1 <= len(item.client_id) <= 64:
        raise ValidationError({"client_id": [_("A client id of 1 to 64 characters is required.")]})
    if not item.internal and item.client_id.startswith(RESERVED_CLIENT_IDS):
        raise ValidationError({"client_id": [_("This client id is reserved: choose another.")]})
    if not isinstance(item.body, str) or not item.body.strip():
        raise ValidationError({"body": [_("A message cannot be empty.")]})
    if len(item.body) > MAX_BODY:
        raise ValidationError({"body": [_("At most 2,000 characters.")]})
    texts_check(body=item.body, client_id=item.client_id)


def message_send(
    *, user, conversation_id, body: str, client_id: str, internal: bool = False
) -> tuple[Message, bool]:
    """Stores a message, or returns the one already stored for this client_id.
    Returns (message, created). Raises ValidationError, ConversationNotFound,
    RateLimited. Publishes message.new to both participants after commit."""
    (result,) = messages_store([Outgoing(user, conversation_id, body, client_id, internal)])
    if isinstance(result, Exception):
        raise result
    return result


def messages_store(batch: list[Outgoing]) -> list:
    """`message_send` for many messages in one transaction (group commit, as
    chat.writer gathers them). Returns, in order, (message, created) or the
    exception for each; a DatabaseError fails the whole batch, and nothing of
    it is acknowledged. A retry (the same sender and client_id, even within
    the batch) returns the stored message and publishes nothing."""
    try:
        return _messages_store(batch)
    except IntegrityError:
        # A concurrent retry of one of these client ids (on another worker)
        # won the race; it is found stored on the second pass.
        return _messages_store(batch)


def _messages_store(batch: list[Outgoing]) -> list:
    results: list = [None] * len(batch)
    for index, item in enumerate(batch):
        try:
            _message_check(item)
        except ValidationError as exc:
            results[index] = exc
    todo = [index for index, result in enumerate(results) if result is None]
    if not todo:
        return results

    # Retries: what is stored already for these client ids (the unique index
    # leads with client_id; the sender is matched here).
    stored = {
        (message.sender_id, message.client_id): message
        for message in Message.objects.filter(
            client_id__in={batch[index].client_id for index in todo}
        ).order_by()
    }
    fresh = []
    seen = set()
    duplicates = {}  # index: key of its first occurrence in this batch
    for index in todo:
        key = (batch[index].user.pk, batch[index].client_id)
        if key in stored:
            results[index] = (stored[key], False)
        elif key in seen:
            duplicates[index] = key
        else:
            seen.add(key)
            fresh.append(index)

    conversation_ids = {as_id(batch[index].conversation_id) for index in fresh} - {None}
    with _in_conversation_order(conversation_ids), transaction.atomic():
        # One writer at a time per conversation: ids follow commit order
        # inside a conversation, so `sync after id` never skips one. Locked
        # in id order so that two workers' batches cannot deadlock.
        conversations = {
            conversation.pk: conversation
            for conversation in Conversation.objects.select_for_update()
            .filter(pk__in=conversation_ids)
            .order_by("pk")
        }
        # Read now, not from the sender as the connection cached it.
        restricted = restricted_among(batch[index].user.pk for index in fresh)
        allowed = []
        for index in fresh:
            item = batch[index]
            conversation = conversations.get(as_id(item.conversation_id))
            if conversation is None or item.user.pk not in conversation.participant_ids:
                results[index] = ConversationNotFound()
            elif item.user.pk in restricted:
                results[index] = Restricted(restricted[item.user.pk])
            elif conversation.closed_at is not None:
                results[index] = ConversationClosed()
            else:
                allowed.append(index)
        allowed = _within_rate(batch, allowed, results)
        messages = Message.objects.bulk_create(
            Message(
                conversation=conversations[as_id(batch[index].conversation_id)],
                sender=batch[index].user,
                body=batch[index].body,
                client_id=batch[index].client_id,
            )
            for index in allowed
        )
        last_sent = {}
        for message in messages:
            last_sent[(message.conversation_id, message.sender_id)] = message.pk
        ReadState.objects.bulk_create(
            [
                ReadState(conversation_id=conversation_id, user_id=user_id, last_read_id=last)
                for (conversation_id, user_id), last in last_sent.items()
            ],
            update_conflicts=True,
            unique_fields=["conversation", "user"],
            update_fields=["last_read_id"],
        )
        publish_many(
            (message.conversation.participant_ids, "chat.message", {"message": payload})
            for message in messages
            for payload in [message_payload(message)]
        )
    # Outside the conversation lock: pushes and counts need no lock.
    _messages_push(messages)
    if messages:
        messages_stored.send(sender=Message, messages=messages)
    MESSAGES.inc(len(messages))
    for index, message in zip(allowed, messages, strict=True):
        results[index] = (message, True)
    first_results = {
        (batch[index].user.pk, batch[index].client_id): results[index] for index in fresh
    }
    for index, key in duplicates.items():
        first = first_results[key]
        results[index] = (first[0], False) if isinstance(first, tuple) else first
    return results


def _messages_push(messages) -> None:
    """A push to the other participant of each conversation written to,
    unless it is on their screen on one of their connections; one tag per
    conversation, so a newer push replaces the older. Never the message
    itself (it may hold an address): who wrote, and about which request.
    Nothing more is read unless someone of them has a device to push to."""
    latest = {}
    for message in messages:
        if message.client_id.startswith(RESPONSE_CLIENT_ID):
            continue  # a response opening the chat: its own push said it
        other = message.conversation.other_participant_id(message.sender_id)
        if other is not None:
            latest[(other, message.conversation_id)] = message
    if not latest:
        return
    subscribed = set(
        PushSubscription.objects.filter(user_id__in={other for other, _c in latest})
        .values_list("user_id", flat=True)
        .distinct()
    )
    due = {
        key: message
        for key, message in latest.items()
        if key[0] in subscribed and not on_screen(*key)
    }
    if not due:
        return
    people = User.objects.in_bulk({other for other, _c in due})
    titles = dict(
        Conversation.objects.filter(pk__in={cid for _o, cid in due}).values_list(
            "pk", "request__title"
        )
    )
    for (other, conversation_id), message in due.items():
        sender, title = message.sender.display_name, titles.get(conversation_id, "")
        push_to(
            users=[people[other]],
            kind="message",
            payload_for=lambda user, sender=sender, title=title, cid=conversation_id: {
                "type": "message",
                "title": _("%(name)s wrote to you") % {"name": sender},
                "body": lock_screen(
                    user, _("About “%(title)s”") % {"title": title}, _("Open Entraide to read it.")
                ),
                "url": reverse("chat:conversation", args=[cid]),
                "tag": f"conversation-{cid}",
            },
        )


# pg_advisory_lock(key, conversation id): the first key says "chat".
_SEQUENCE_KEY = 0x43484154


@contextmanager
def _in_conversation_order(conversation_ids):
    """With several workers (PostgreSQL), one at a time per conversation
    commits *and publishes*: the row lock alone ends at commit, and two
    workers' events would then race through Redis, reaching clients out of
    id order. A session lock held until the events are out keeps them in
    order. One worker (SpatiaLite) publishes in commit order anyway."""
    ids = sorted(conversation_ids)
    if connection.vendor != "postgresql" or not ids:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_lock(%s, id) FROM unnest(%s::int[]) AS id", [_SEQUENCE_KEY, ids]
        )
    try:
        yield  # the transaction commits, and its on_commit publish runs, in here
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_unlock(%s, id) FROM unnest(%s::int[]) AS id",
                [_SEQUENCE_KEY, ids],
            )


def _within_rate(batch, indexes: list[int], results: list) -> list[int]:
    """The indexes each sender's rate allows, in order; RateLimited for the rest.
    One count per sender and batch (safety.limits: tighter for new accounts)."""
    senders = {batch[index].user.pk: batch[index].user for index in indexes}
    wanted = Counter(batch[index].user.pk for index in indexes)
    new = new_accounts(senders.values())
    allowance = {
        user_id: limit_take(senders[user_id], "message", n, new=user_id in new)[0]
        for user_id, n in wanted.items()
    }
    kept = []
    for index in indexes:
        user_id = batch[index].user.pk
        if allowance[user_id] > 0:
            allowance[user_id] -= 1
            kept.append(index)
        else:
            results[index] = RateLimited()
    return kept


@transaction.atomic
def message_read(*, user, conversation_id, up_to: int) -> int:
    conversation = conversation_for_participant(user=user, conversation_id=conversation_id)
    if not isinstance(up_to, int) or isinstance(up_to, bool) or not 0 <= up_to <= MAX_ID:
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


def messages_unread_email(*, now=None) -> int:
    """Emails each person who has had a message waiting unread for
    CHAT_EMAIL_AFTER_MINUTES (they are away from the app): one email per
    conversation for what arrived since the last one, in their language,
    never the message itself (it may hold what only the app should show).
    The first message of a conversation is the response, emailed already
    (requests_board.services.responses). Returns how many were sent."""
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=settings.CHAT_EMAIL_AFTER_MINUTES)
    waiting = (
        Message.objects.filter(
            created_at__lte=cutoff,
            created_at__gt=cutoff - timedelta(days=1),
            hidden=False,
            sender__isnull=False,
            conversation__closed_at__isnull=True,
        )
        .exclude(client_id__startswith=RESPONSE_CLIENT_ID)
        .values_list(
            "id",
            "conversation_id",
            "sender_id",
            "conversation__requester_id",
            "conversation__volunteer_id",
        )
    )
    latest = {}  # (conversation, reader) -> (last message id, sender)
    for message_id, conversation_id, sender_id, requester_id, volunteer_id in waiting:
        reader = volunteer_id if sender_id == requester_id else requester_id
        if reader is None:
            continue
        key = (conversation_id, reader)
        if key not in latest or latest[key][0] < message_id:
            latest[key] = (message_id, sender_id)
    if not latest:
        return 0
    states = {
        (state.conversation_id, state.user_id): state
        for state in ReadState.objects.filter(
            conversation_id__in={c for c, _r in latest}, user_id__in={r for _c, r in latest}
        )
    }
    due = {
        key: value
        for key, value in latest.items()
        if key not in states
        or max(states[key].last_read_id, states[key].emailed_upto_id) < value[0]
    }
    people = User.objects.in_bulk({r for _c, r in due} | {s for _m, s in due.values()})
    conversations = Conversation.objects.select_related("request").in_bulk({c for c, _r in due})
    sent = 0
    for (conversation_id, reader_id), (message_id, sender_id) in due.items():
        reader, sender = people.get(reader_id), people.get(sender_id)
        with transaction.atomic():
            ReadState.objects.update_or_create(
                conversation_id=conversation_id,
                user_id=reader_id,
                defaults={"emailed_upto_id": message_id},
            )
            if reader is None or sender is None or not notify.wants(reader, "message", "email"):
                continue  # wants() also says no to an inactive account or no address
            _email_message_waiting(reader, sender, conversations[conversation_id])
            sent += 1
    return sent


def _email_message_waiting(reader, sender, conversation: Conversation) -> None:
    email_in_their_language(
        user=reader,
        subject=gettext_lazy("%(name)s wrote to you: %(title)s"),
        body=gettext_lazy(
            "%(name)s sent you a message about “%(title)s”. Read it and answer here: %(url)s"
        ),
        name=sender.display_name,
        title=conversation.request.title,
        url=settings.SITE_URL + reverse("chat:conversation", args=[conversation.pk]),
    )
