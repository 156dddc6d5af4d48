"""`manage.py vapid_keys [--write]`: a new VAPID key pair for Web Push.

Without --write it prints the private key (for VAPID_PRIVATE_KEY in the
environment file) and the public key. With --write it saves the private key
to VAPID_PRIVATE_KEY_FILE (mode 0600), unless one is there already."""

import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from push import vapid


class Command(BaseCommand):
    help = "Generates a VAPID key pair for Web Push."

    def add_arguments(self, parser):
        parser.add_argument(
            "--write", action="store_true", help="save it to VAPID_PRIVATE_KEY_FILE"
        )

    def handle(self, *args, write=False, **options):
        pem = vapid.key_pair_pem()
        if not write:
            self.stdout.write(pem.decode())
            return
        path = Path(settings.VAPID_PRIVATE_KEY_FILE)
        if path.exists():
            self.stdout.write(f"{path} exists: kept.")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(pem)
        vapid.private_pem.cache_clear()
        self.stdout.write(f"VAPID key written to {path}; public key {vapid.public_key_b64url()}")
