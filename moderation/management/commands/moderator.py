"""`manage.py moderator add EMAIL [--zone NAME]...` and `moderator remove EMAIL`:
bootstrap moderators from the command line, like createsuperuser."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from moderation.models import Moderator
from neighbors.management.lookups import user_and_zones


class Command(BaseCommand):
    help = "Add or remove a moderator (of some zones, or of every zone without --zone)."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True)
        add = commands.add_parser("add", help="make a user a moderator")
        add.add_argument("email")
        add.add_argument(
            "--zone",
            action="append",
            default=[],
            help="a zone to moderate (repeat for several); none: every zone",
        )
        remove = commands.add_parser("remove", help="take a user's moderator rights away")
        remove.add_argument("email")

    def handle(self, *args, command, email, zone=(), **options):
        user, zones = user_and_zones(email, zone)
        if command == "remove":
            deleted, _ = Moderator.objects.filter(user=user).delete()
            if not deleted:
                raise CommandError(f"{email} is not a moderator.")
            self.stdout.write(f"{email} is no longer a moderator.")
            return
        with transaction.atomic():
            moderator, _created = Moderator.objects.get_or_create(user=user)
            if zones:
                moderator.zones.add(*zones)
            else:
                moderator.everywhere = True
                moderator.save(update_fields=["everywhere"])
        where = ", ".join(z.name for z in moderator.zones.all()) or ""
        if moderator.everywhere:
            where = "every zone"
        self.stdout.write(f"{email} moderates: {where}.")
