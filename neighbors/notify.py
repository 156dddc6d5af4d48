"""How a person wants to be told (DESIGN.md, "Reach"): per kind of
notification, by push, email, both or none; quiet hours for pushes; titles
on the lock screen or not; a daily digest instead of single emails.

The apps above ask here before they push or email (`wants`), so that one
rule decides everywhere."""

import functools
import zoneinfo
from datetime import datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.utils import timezone, translation

KINDS = ("new_request", "response", "accepted", "message", "follow_up")
CHANNELS = ("push", "email", "both", "none")


def _email_switch(user, kind: str) -> bool:
    """The two older email switches, the default of a kind not chosen yet."""
    return user.email_notifications if kind == "new_request" else user.email_my_requests


def in_language_of(user):
    """Words for `user` are written in their language (User.language),
    whatever the language of what caused them: `with in_language_of(user):`."""
    return translation.override(user.language or settings.LANGUAGE_CODE)


def kind_choice(user, kind: str) -> str:
    chosen = (user.notify_kinds or {}).get(kind)
    if chosen in CHANNELS:
        return chosen
    return "both" if _email_switch(user, kind) else "push"


def wants(user, kind: str, channel: str) -> bool:
    """Whether `user` wants `kind` by `channel` ("push" or "email") now. A
    digest reader gets no single email: the day's digest tells them."""
    if user is None or not user.is_active:
        return False
    choice = kind_choice(user, kind)
    if channel == "email":
        return choice in ("email", "both") and bool(user.email) and not user.email_digest
    return choice in ("push", "both")


def user_zone(user) -> ZoneInfo:
    try:
        return ZoneInfo(user.time_zone)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return ZoneInfo("UTC")


def in_quiet_hours(user, *, now: datetime | None = None) -> bool:
    """Between quiet_start and quiet_end in the user's time zone (the span may
    cross midnight, as 21:00 to 08:00 does); never when either is unset."""
    if user.quiet_start is None or user.quiet_end is None:
        return False
    local = (now or timezone.now()).astimezone(user_zone(user)).time()
    start, end = user.quiet_start, user.quiet_end
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


def push_allowed(user, kind: str, *, urgent: bool = False, now: datetime | None = None) -> bool:
    """A push of `kind` may go to `user` now: wanted, and outside quiet
    hours unless it is urgent and they allow urgent ones."""
    if not wants(user, kind, "push"):
        return False
    if in_quiet_hours(user, now=now) and not (urgent and user.urgent_in_quiet_hours):
        return False
    return True


def settings_of(user) -> dict:
    """The GET /api/v1/me/notifications shape."""
    quiet = None
    if user.quiet_start is not None and user.quiet_end is not None:
        quiet = {
            "start": user.quiet_start.strftime("%H:%M"),
            "end": user.quiet_end.strftime("%H:%M"),
        }
    return {
        "kinds": {kind: kind_choice(user, kind) for kind in KINDS},
        "quiet_hours": quiet,
        "urgent_in_quiet_hours": user.urgent_in_quiet_hours,
        "lock_screen_titles": user.lock_screen_titles,
        "digest": user.email_digest,
        "time_zone": user.time_zone,
    }


@functools.cache
def time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def parse_hhmm(value) -> time | None:
    if not isinstance(value, str) or len(value) != 5 or value[2] != ":":
        return None
    try:
        return time.fromisoformat(value)
    except ValueError:
        return None
