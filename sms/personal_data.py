"""sms's part of a person's data (data_rights): the texts to and from a
neighbour without internet, and a volunteer's phone code."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q

from common.export import when_export
from requests_board.models import CLOSED_STATUSES
from sms.models import PhoneCode, Text, Thread


def export(user) -> dict:
    """A relay's neighbours' texts (the relay sees them on the requests' pages)."""
    return {
        "texts": [
            {
                "neighbour": t.neighbour_id,
                "request": t.thread.request_id if t.thread else None,
                "direction": t.direction,
                "status": t.status,
                "body": t.body,
                "created_at": when_export(t.created_at),
            }
            for t in Text.objects.filter(neighbour__relay=user).select_related("thread")
        ]
    }


def erase(user) -> None:
    """A volunteer's phone code and its texts go with the user's row (CASCADE)."""
    PhoneCode.objects.filter(user=user).delete()
    Text.objects.filter(user=user).delete()


def kept_neighbour_erase(neighbour) -> None:
    Text.objects.filter(neighbour=neighbour).delete()
    Thread.objects.filter(neighbour=neighbour).delete()


def retention_apply(now: datetime) -> dict:
    """Texts of requests closed more than RETENTION_MEETING_POINT_DAYS ago
    go with the meeting points (texts about no request after as long), and
    phone codes' texts after a day."""
    cutoff = now - timedelta(days=settings.RETENTION_MEETING_POINT_DAYS)
    texts, _per_model = Text.objects.filter(
        Q(thread__request__status__in=CLOSED_STATUSES, thread__request__closed_at__lt=cutoff)
        # About no request (a "thank you" after the end, say): kept as long.
        | Q(thread__isnull=True, user__isnull=True, created_at__lt=cutoff)
    ).delete()
    codes, _per_model = Text.objects.filter(
        user__isnull=False, created_at__lt=now - timedelta(days=1)
    ).delete()
    return {"texts": texts + codes}
