"""Reads for neighbours."""

from neighbors.models import User


def user_profile_get(*, user: User) -> User:
    """The caller's own profile, skills prefetched. Only ever the caller's."""
    return User.objects.prefetch_related("skills").get(pk=user.pk)
