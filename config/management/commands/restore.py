"""`manage.py restore PATH`: replaces the whole database with a copy made by
`manage.py backup`. Stop the app first (or every worker, in a city)."""

import sqlite3
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from config.management.commands.backup import pg_run


class Command(BaseCommand):
    help = "Replaces the whole database with a copy made by `manage.py backup`."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"{source}: no such backup")
        if connection.vendor == "postgresql":
            # Everything but the PostGIS extension itself, which stays as it
            # is (created if missing): replacing it would give its types new
            # ids, and every session that has cached the old ones (a worker
            # left running, a pooled connection) would fail its spatial
            # queries afterwards ("no spatial operator found").
            contents = pg_run("pg_restore", "--list", str(source))
            kept = [line for line in contents.splitlines() if " EXTENSION " not in line]
            with connection.cursor() as cursor:
                cursor.execute("CREATE EXTENSION IF NOT EXISTS postgis")
            connection.close()
            with tempfile.NamedTemporaryFile("w", suffix=".list") as listing:
                listing.write("\n".join(kept) + "\n")
                listing.flush()
                pg_run(
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    "--use-list",
                    listing.name,
                    str(source),
                )
        elif connection.vendor == "sqlite":
            with open(source, "rb") as header:
                if header.read(16) != b"SQLite format 3\x00":
                    raise CommandError(f"{source}: not an SQLite backup")
            connection.ensure_connection()
            with sqlite3.connect(source) as copy:
                copy.backup(connection.connection)
            copy.close()
        else:
            raise CommandError(f"no restore for the {connection.vendor} backend")
        self.stdout.write(f"Restored from {source}.")
