"""`manage.py backup PATH`: a consistent copy of the whole database, taken
while the app runs. PostgreSQL: `pg_dump --format=custom`; SQLite
(SpatiaLite): SQLite's online backup. `manage.py restore PATH` puts it back.
Keep the copy with var/secret_key and var/vapid.pem (docs/deploy.md)."""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection


def pg_env_and_args(settings_dict: dict) -> tuple[dict, list[str]]:
    env = {**os.environ, "PGPASSWORD": str(settings_dict.get("PASSWORD") or "")}
    args = ["--dbname", settings_dict["NAME"]]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            args += [flag, str(settings_dict[key])]
    return env, args


def pg_run(tool: str, *args: str) -> str:
    """Runs pg_dump or pg_restore on the app's database and returns what it
    printed; CommandError with what it said when it fails."""
    found = shutil.which(tool)
    if not found:
        raise CommandError(f"{tool} not found: install postgresql-client")
    env, conn_args = pg_env_and_args(connection.settings_dict)
    result = subprocess.run(  # noqa: S603 (the operator's own database settings)
        [found, *conn_args, *args], env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise CommandError(f"{tool} failed: {result.stderr.strip()}")
    return result.stdout


class Command(BaseCommand):
    help = "Copies the whole database to PATH (PostgreSQL custom dump, or an SQLite file)."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        # For the owner only before a byte is written: pg_dump and SQLite
        # write into the file as it is, keeping its mode.
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
        os.chmod(target, 0o600)  # a file that was there keeps its old mode otherwise
        if connection.vendor == "postgresql":
            pg_run("pg_dump", "--format=custom", "--no-owner", "--file", str(target))
        elif connection.vendor == "sqlite":
            connection.ensure_connection()
            with sqlite3.connect(target) as copy:
                connection.connection.backup(copy)
            copy.close()
        else:
            raise CommandError(f"no backup for the {connection.vendor} backend")
        self.stdout.write(f"Backed up to {target} ({target.stat().st_size:,} bytes).")
