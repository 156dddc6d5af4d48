"""Single-use websocket tickets for clients without a session cookie.

A ticket lives 60 s in the cache (Redis in the scaled setup, so any worker
can redeem it) and works once: the delete that redeems it succeeds for one
caller only."""

import secrets

from django.core.cache import cache

TICKET_SECONDS = 60


def ticket_issue(*, user) -> str:
    ticket = secrets.token_urlsafe(32)
    cache.set(f"ws-ticket:{ticket}", user.pk, timeout=TICKET_SECONDS)
    return ticket


def ticket_redeem(ticket: str) -> int | None:
    """The user id the ticket was issued to, or None (unknown, expired, used)."""
    if not ticket or len(ticket) > 100:
        return None
    key = f"ws-ticket:{ticket}"
    user_id = cache.get(key)
    if user_id is None or not cache.delete(key):
        return None
    return user_id
