"""Reads for the SMS bridge: what a relay sees of a neighbour's texts."""

from sms import backends
from sms.models import Text, Thread

# The texts a request's page lists, newest first.
PANEL_TEXTS = 20


def request_texts_panel(*, request, viewer) -> dict | None:
    """For the relay who posted `request` for a neighbour: whether its
    conversation is carried by text, the texts and their delivery status,
    and whether it can be handed to the neighbour's phone. None for anyone
    else (nobody else learns that a phone is involved)."""
    if request.on_behalf_of_id is None or viewer is None or viewer.pk != request.author_id:
        return None
    neighbour = request.on_behalf_of
    thread = Thread.objects.filter(request=request).first()
    texts = list(Text.objects.filter(thread=thread)[:PANEL_TEXTS]) if thread else []
    carried = thread is not None and thread.state != Thread.State.WAITING
    return {
        "neighbour": neighbour,
        "thread": thread,
        "texts": texts,
        "enabled": backends.enabled(),
        "can_hand_over": (
            backends.enabled()
            and bool(neighbour.phone)
            and not carried
            and request.status in (request.Status.OPEN, request.Status.MATCHED)
        ),
    }


def neighbour_texts(*, neighbour, limit: int = 50):
    return Text.objects.filter(neighbour=neighbour).select_related("thread")[:limit]
