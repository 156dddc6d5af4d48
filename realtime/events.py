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
    publish_many([(user_ids, event_type, payload)])


def publish_many(events) -> None:
    """`publish` for several (user_ids, event_type, payload) at once: one trip
    to the event loop after commit, however many events (chat.writer)."""
    per_user: dict[int, list[dict]] = {}
    for user_ids, event_type, payload in events:
        for user_id in user_ids:
            if user_id is None:  # an erased participant
                continue
            per_user.setdefault(user_id, []).append({"type": event_type, **payload})
    if per_user:
        transaction.on_commit(lambda: async_to_sync(_send_all)(per_user))


async def publish_now(user_ids, event_type: str, payload: dict) -> None:
    """`publish` from async code for an event with no row behind it (typing):
    sent at once, never after a commit."""
    await _send_all({uid: [{"type": event_type, **payload}] for uid in user_ids if uid is not None})


async def _send_all(per_user: dict[int, list[dict]]) -> None:
    # Every event in one go, each user's in order: both layers of the
    # project take a batch (realtime.layers).
    sends = [(user_group(uid), event) for uid, events in per_user.items() for event in events]
    try:
        await get_channel_layer().group_send_many(sends)
    except Exception:
        # The rows are committed; clients that miss the events get them with
        # `sync` when they reconnect. Never fail the write.
        logger.warning("could not publish %d events", len(sends), exc_info=True)
