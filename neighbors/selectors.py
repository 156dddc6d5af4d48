"""Reads for neighbours."""

from django.core import signing

from neighbors import notify
from neighbors.models import User

# The salt of the signed links that stop notification emails (services.email_stop_url).
EMAIL_STOP_SALT = "entraide.email-stop"


def user_profile_get(*, user: User) -> User:
    """The caller's own profile, skills prefetched. Only ever the caller's."""
    return User.objects.prefetch_related("skills").get(pk=user.pk)


def notify_settings_get(*, user: User) -> dict:
    """How the caller wants to be told (neighbors.notify), read afresh."""
    return notify.settings_of(User.objects.get(pk=user.pk))


def email_stop_user(*, token: str) -> User | None:
    """The person a stop-emails link was made for, or None for a link that
    is not one of ours (or whose account is gone)."""
    try:
        user_id = signing.loads(token, salt=EMAIL_STOP_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        return None
    return User.objects.filter(pk=user_id).first()
