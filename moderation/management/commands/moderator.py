"""`manage.py moderator add EMAIL [--zone NAME]...` and `moderator remove EMAIL`:
bootstrap moderators from the command line, like createsuperuser."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from common.text import text_is_storable
from geo.models import Zone
from moderation.models import Moderator
from neighbors.models import User


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
        for text in [email, *zone]:
            if not text_is_storable(text):
                raise CommandError(f"Unusable characters in {text!r}.")
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No user with the email {email!r}.")
        if command == "remove":
            deleted, _ = Moderator.objects.filter(user=user).delete()
            if not deleted:
                raise CommandError(f"{email} is not a moderator.")
            self.stdout.write(f"{email} is no longer a moderator.")
            return
        zones = []
        for name in zone:
            found = Zone.objects.filter(name__iexact=name.strip()).first()
            if found is None:
                known = ", ".join(Zone.objects.values_list("name", flat=True)) or "none yet"
                raise CommandError(f"No zone named {name!r} (zones: {known}).")
            zones.append(found)
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
