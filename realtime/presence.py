"""Which conversation is on a user's screen (DESIGN.md, "Reach"): a client
says so with the websocket frame {"type": "presence", "conversation": 12},
again at least every 30 s while it stays, and "conversation": null when it
leaves. No `message` push goes to a user for a conversation on screen on any
of their connections.

Kept in the cache (Redis when scaled, so every process sees it), one entry
per user: {channel name: [conversation id, until]}; an entry not renewed
within PRESENCE_TTL_S is gone, as is a connection's on disconnect."""

import time

from django.core.cache import cache

PRESENCE_TTL_S = 75


def _key(user_id: int) -> str:
    return f"presence:{user_id}"


def _alive(entries: dict, now: float) -> dict:
    return {channel: value for channel, value in entries.items() if value[1] > now}


def presence_set(user_id: int, channel: str, conversation_id: int | None) -> None:
    now = time.time()
    entries = _alive(cache.get(_key(user_id)) or {}, now)
    if conversation_id is None:
        entries.pop(channel, None)
    else:
        entries[channel] = [conversation_id, now + PRESENCE_TTL_S]
    if entries:
        cache.set(_key(user_id), entries, PRESENCE_TTL_S)
    else:
        cache.delete(_key(user_id))


def on_screen(user_id: int, conversation_id: int) -> bool:
    entries = _alive(cache.get(_key(user_id)) or {}, time.time())
    return any(value[0] == conversation_id for value in entries.values())
