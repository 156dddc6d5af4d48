"""chat's part of a person's data (data_rights): the messages they sent."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from chat.models import TEXT_CLIENT_ID, Conversation, Message
from common.export import when_export
from requests_board.models import CLOSED_STATUSES


def export(user) -> dict:
    return {
        "messages_sent": [
            {
                "id": m.pk,
                "conversation": m.conversation_id,
                "body": m.body,
                "client_id": m.client_id,
                "created_at": when_export(m.created_at),
            }
            for m in Message.objects.filter(sender=user).order_by("id")
        ]
    }


def erase(user) -> None:
    """The bodies of their messages go (the other participant sees "deleted
    account"); their open conversations close."""
    Message.objects.filter(sender=user).update(body="")
    Conversation.objects.filter(
        Q(requester=user) | Q(volunteer=user), closed_at__isnull=True
    ).update(closed_at=timezone.now())


def kept_neighbour_erase(neighbour) -> None:
    """What a neighbour without internet wrote by text goes from the
    conversations of their requests (their relay's name stays)."""
    Message.objects.filter(
        conversation__request__on_behalf_of=neighbour, client_id__startswith=TEXT_CLIENT_ID
    ).update(body="")


def retention_apply(now: datetime) -> dict:
    """Deletes the messages of conversations whose request closed more than
    RETENTION_MESSAGES_DAYS ago."""
    messages, _per_model = Message.objects.filter(
        conversation__request__status__in=CLOSED_STATUSES,
        conversation__request__closed_at__lt=now - timedelta(days=settings.RETENTION_MESSAGES_DAYS),
    ).delete()
    return {"messages": messages}
