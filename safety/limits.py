"""Rate limits on writes, tighter for new accounts (DESIGN.md, "Moderation
and safety"). Counters live in the cache: Redis in the scaled setup, so
every worker shares them; the in-process cache on one server.

A new account is younger than NEW_ACCOUNT_DAYS or has no verified email.
Limits per action come from settings.ACTION_LIMITS: ((n, seconds) for
established accounts, (n, seconds) for new ones), in fixed windows.
"""

import logging
import time
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import Throttled

logger = logging.getLogger(__name__)


class LimitExceeded(Throttled):
    """Too many of one kind of write: the API answers 429, pages a message."""

    def __init__(self, action: str, wait: int):
        super().__init__(wait=wait, detail=_("You have done this too often. Try again later."))
        self.action = action


def new_accounts(users) -> set[int]:
    """The ids of `users` whose accounts count as new."""
    young_since = timezone.now() - timedelta(days=settings.NEW_ACCOUNT_DAYS)
    users = list(users)
    verified = set(
        EmailAddress.objects.filter(user_id__in=[u.pk for u in users], verified=True).values_list(
            "user_id", flat=True
        )
    )
    return {u.pk for u in users if u.date_joined > young_since or u.pk not in verified}


def limit_for(user, action: str, *, new: bool | None = None) -> tuple[int, int]:
    """(how many, per seconds) of `action` the user may do."""
    if new is None:
        new = user.pk in new_accounts([user])
    if action == "message":
        per_minute = settings.CHAT_MESSAGES_PER_MINUTE
        if new:
            per_minute = min(per_minute, settings.NEW_ACCOUNT_MESSAGES_PER_MINUTE)
        return per_minute, 60
    established, fresh = settings.ACTION_LIMITS[action]
    return fresh if new else established


def limit_take(user, action: str, wanted: int = 1, *, new: bool | None = None) -> tuple[int, int]:
    """Counts `wanted` more of `action` for `user`; returns (how many of them
    are allowed, seconds until the window ends). If the cache is down the
    writes go through: losing a user's message would be worse."""
    allowed, seconds = limit_for(user, action, new=new)
    window = int(time.time()) // seconds
    key = f"limit:{action}:{user.pk}:{window}"
    wait = seconds - int(time.time()) % seconds
    try:
        # Usually the window's counter exists: one round trip (to Redis, in
        # the scaled setup) instead of two.
        try:
            count = cache.incr(key, wanted)
        except ValueError:
            if cache.add(key, wanted, timeout=seconds + 5):
                count = wanted
            else:  # another worker started the window meanwhile
                count = cache.incr(key, wanted)
    except Exception:
        logger.warning("rate limit unavailable for %s", action, exc_info=True)
        return wanted, 0
    return max(0, min(wanted, allowed - (count - wanted))), wait


def limit_check(user, action: str) -> None:
    """Raises LimitExceeded if `user` may not do one more `action` now."""
    granted, wait = limit_take(user, action)
    if granted < 1:
        raise LimitExceeded(action, wait)
