"""How events leave the server: `publish`, after commit, to per-user groups."""

import asyncio
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


async def _send_all(per_user: dict[int, list[dict]]) -> None:
    layer = get_channel_layer()
    batched = getattr(layer, "group_send_many", None)
    if batched is not None:
        # Every event in one go, each user's in order (chat.layers).
        sends = [(user_group(uid), event) for uid, events in per_user.items() for event in events]
        try:
            await batched(sends)
            return
        except Exception:
            logger.warning("could not publish %d events; one by one now", len(sends), exc_info=True)
    # Users in parallel; each user's events in order (the order of a chat).
    await asyncio.gather(*(_send_in_order(layer, uid, evs) for uid, evs in per_user.items()))


async def _send_in_order(layer, user_id: int, events: list[dict]) -> None:
    for event in events:
        try:
            await layer.group_send(user_group(user_id), event)
        except Exception:
            # The row is committed; clients that miss the event get it with
            # `sync` when they reconnect. Never fail the write.
            logger.warning("could not publish %s to user %s", event["type"], user_id, exc_info=True)
