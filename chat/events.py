"""How events leave the server: `publish`, after commit, to per-user groups."""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def publish(user_ids, event_type: str, payload: dict) -> None:
    """Sends `payload` to every connection of each user, once the current
    transaction commits (so nobody hears of a row that was rolled back)."""
    user_ids = list(user_ids)

    def send():
        layer = get_channel_layer()
        for user_id in user_ids:
            try:
                async_to_sync(layer.group_send)(
                    user_group(user_id), {"type": event_type, **payload}
                )
            except Exception:
                # The row is committed; clients that miss the event get it
                # with `sync` when they reconnect. Never fail the write.
                logger.warning(
                    "could not publish %s to user %s", event_type, user_id, exc_info=True
                )

    transaction.on_commit(send)
