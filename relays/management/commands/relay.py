"""`manage.py relay add EMAIL --zone NAME...` and `relay remove EMAIL
[--zone NAME...]`: name relays from the command line."""

from django.core.management.base import BaseCommand, CommandError

from common.text import text_is_storable
from geo.models import Zone
from neighbors.models import User
from relays import services


class Command(BaseCommand):
    help = "Make a user a relay in some zones, or take the role away."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True)
        add = commands.add_parser("add", help="make a user a relay")
        add.add_argument("email")
        add.add_argument(
            "--zone", action="append", required=True, help="a zone (repeat for several)"
        )
        remove = commands.add_parser("remove", help="take a user's relay role away")
        remove.add_argument("email")
        remove.add_argument(
            "--zone", action="append", default=[], help="only in these zones (default: all)"
        )

    def handle(self, *args, command, email, zone=(), **options):
        for text in [email, *zone]:
            if not text_is_storable(text):
                raise CommandError(f"Unusable characters in {text!r}.")
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No user with the email {email!r}.")
        zones = [self._zone(name) for name in zone]
        if command == "remove":
            if not hasattr(user, "relay"):
                raise CommandError(f"{email} is not a relay.")
            still = services.relay_remove(user=user, zones=zones or None)
            where = ", ".join(user.relay.zones.values_list("name", flat=True)) if still else ""
            self.stdout.write(
                f"{email} is a relay in: {where}." if still else f"{email} is no longer a relay."
            )
            return
        relay = services.relay_name(user=user, zones=zones)
        where = ", ".join(relay.zones.values_list("name", flat=True))
        self.stdout.write(f"{email} is a relay in: {where}.")

    def _zone(self, name: str) -> Zone:
        found = Zone.objects.filter(name__iexact=name.strip()).first()
        if found is None:
            known = ", ".join(Zone.objects.values_list("name", flat=True)) or "none yet"
            raise CommandError(f"No zone named {name!r} (zones: {known}).")
        return found
