"""What the commands that name people to a role (`manage.py moderator`,
`manage.py relay`) look up from their arguments, refused in one way."""

from django.core.management.base import CommandError

from common.text import text_is_storable
from geo.models import Zone
from neighbors.models import User


def user_and_zones(email: str, zone_names) -> tuple[User, list[Zone]]:
    """The user with this email and the zones named (case aside), or a
    CommandError that says which one is not there."""
    for text in [email, *zone_names]:
        if not text_is_storable(text):
            raise CommandError(f"Unusable characters in {text!r}.")
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise CommandError(f"No user with the email {email!r}.")
    zones = []
    for name in zone_names:
        found = Zone.objects.filter(name__iexact=name.strip()).first()
        if found is None:
            known = ", ".join(Zone.objects.values_list("name", flat=True)) or "none yet"
            raise CommandError(f"No zone named {name!r} (zones: {known}).")
        zones.append(found)
    return user, zones
