"""`manage.py relay add EMAIL --zone NAME...` and `relay remove EMAIL
[--zone NAME...]`: name relays from the command line."""

from django.core.management.base import BaseCommand, CommandError

from neighbors.management.lookups import user_and_zones
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
        user, zones = user_and_zones(email, zone)
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
