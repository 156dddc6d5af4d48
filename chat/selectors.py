"""Reads for the chat, with the permission check that REST views and the
websocket consumer share (Zulip's access_* pattern)."""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.http import Http404
from django.utils.translation import gettext as _

from chat.models import TEXT_CLIENT_ID, Conversation, Message, ReadState
from common.ids import as_id

PAGE_SIZE = 100


class ConversationNotFound(Http404):
    """Missing and forbidden look the same to the caller."""


class ConversationClosed(PermissionDenied):
    """A block separates the two participants: nothing more can be sent."""

    def __init__(self):
        super().__init__(_("This conversation is closed."))


def conversation_for_participant(*, user, conversation_id) -> Conversation:
    conversation_id = as_id(conversation_id)
    if conversation_id is None:
        raise ConversationNotFound
    conversation = (
        Conversation.objects.filter(pk=conversation_id)
        .filter(Q(requester=user) | Q(volunteer=user))
        .select_related("request__on_behalf_of", "requester", "volunteer")
        .first()
    )
    if conversation is None:
        raise ConversationNotFound
    return conversation


def _read_upto(user, conversation: str) -> Subquery:
    """The id of the last message `user` has read in the conversation that
    the outer query's field `conversation` names (none before a first read)."""
    return Subquery(
        ReadState.objects.filter(conversation=OuterRef(conversation), user=user).values(
            "last_read_id"
        )[:1]
    )


def _unread(user, path: str = "") -> Q:
    """A message (reached through `path`) is unread by `user`: someone else
    sent it, it is not hidden, and it comes after `read_upto`."""
    return (
        ~Q(**{f"{path}sender": user})
        & Q(**{f"{path}hidden": False})
        & (Q(read_upto__isnull=True) | Q(**{f"{path}id__gt": F("read_upto")}))
    )


def conversations_for(*, user) -> list[Conversation]:
    """The user's conversations, most recent activity first, each with
    `last_message` and `unread` (a fixed number of queries)."""
    last_id = Message.objects.filter(conversation=OuterRef("pk")).order_by("-id").values("id")[:1]
    conversations = list(
        Conversation.objects.filter(Q(requester=user) | Q(volunteer=user))
        .select_related("request", "requester", "volunteer")
        .annotate(last_message_id=Subquery(last_id), read_upto=_read_upto(user, "pk"))
        .annotate(unread=Count("messages", filter=_unread(user, "messages__")))
        .order_by("-last_message_id", "-pk")
    )
    last = Message.objects.in_bulk([c.last_message_id for c in conversations if c.last_message_id])
    for conversation in conversations:
        conversation.last_message = last.get(conversation.last_message_id)
    return conversations


def unread_count(*, user) -> int:
    """How many messages others sent the user that they have not read yet,
    over all their conversations (one query): the menu's badge."""
    return (
        Message.objects.filter(Q(conversation__requester=user) | Q(conversation__volunteer=user))
        .annotate(read_upto=_read_upto(user, "conversation_id"))
        .filter(_unread(user))
        .count()
    )


def messages_after(*, conversation: Conversation, after: int = 0, limit: int = PAGE_SIZE):
    return list(
        Message.objects.filter(conversation=conversation, id__gt=after).order_by("id")[:limit]
    )


def messages_for_sync(*, user, after: int, limit: int = 500):
    """Every message of the user's conversations with id > after, in id order."""
    return list(
        Message.objects.filter(
            Q(conversation__requester=user) | Q(conversation__volunteer=user), id__gt=after
        ).order_by("id")[:limit]
    )


def message_payload(message: Message) -> dict:
    """The one shape of a message on every surface (REST, websocket)."""
    return {
        "id": message.pk,
        "conversation": message.conversation_id,
        "sender": message.sender_id,
        "body": "" if message.hidden else message.body,
        "hidden": message.hidden,
        "client_id": message.client_id,
        "created_at": message.created_at.isoformat(),
        # Written by text by the neighbour a relay posted for, in the relay's name.
        "by_text": message.client_id.startswith(TEXT_CLIENT_ID),
    }


def messages_latest(*, conversation: Conversation, limit: int = PAGE_SIZE):
    """The last `limit` messages, oldest first: what a chat page opens with."""
    latest = list(Message.objects.filter(conversation=conversation).order_by("-id")[:limit])
    latest.reverse()
    return latest


def conversation_ids_for_request(*, user, request) -> dict[int, int]:
    """{volunteer id: conversation id} of a request, as far as `user` takes part."""
    conversations = Conversation.objects.filter(request=request).filter(
        Q(requester=user) | Q(volunteer=user)
    )
    return dict(conversations.values_list("volunteer_id", "pk"))
