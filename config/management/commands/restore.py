"""`manage.py restore PATH`: replaces the whole database with a copy made by
`manage.py backup`. Stop the app first (or every worker, in a city)."""

import sqlite3
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
            connection.close()
            pg_run(
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
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
