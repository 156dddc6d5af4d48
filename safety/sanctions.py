"""The one check every write of a user's content goes through: a suspended
or banned user can read, and sign in to read their statement of reasons,
but cannot post, respond or send messages (API, pages, websocket)."""

from django.core.exceptions import PermissionDenied
from django.utils import formats
from django.utils.translation import gettext as _

from neighbors.models import User


class Restricted(PermissionDenied):
    """The user is suspended or banned."""


def restriction_message(user) -> str:
    if user.banned_at is not None:
        return _("Your account is banned: you can no longer post or send messages.")
    return _("Your account is suspended until %(date)s: you cannot post or send messages.") % {
        "date": formats.date_format(user.suspended_until, "DATETIME_FORMAT")
    }


def restriction_check(user) -> None:
    """Raises Restricted if `user` (as stored now, not as cached) is under a sanction."""
    restricted = restricted_among([user.pk])
    if restricted:
        raise Restricted(restricted[user.pk])


def restricted_among(user_ids) -> dict[int, str]:
    """{user id: message} for those of `user_ids` under a sanction now."""
    return {
        user.pk: restriction_message(user)
        for user in User.objects.restricted().filter(pk__in=set(user_ids))
    }
