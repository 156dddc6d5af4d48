"""The server's VAPID key pair (RFC 8292): it signs every push, and browsers
subscribe with its public half (GET /api/v1/push/key).

The private key comes from VAPID_PRIVATE_KEY (PEM text) or, failing that,
the PEM file at VAPID_PRIVATE_KEY_FILE (`manage.py vapid_keys` writes one;
`make run` makes a development pair once under var/)."""

import base64
import functools
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def key_pair_pem() -> bytes:
    """A new P-256 private key, as PEM (PKCS#8)."""
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


@functools.cache
def private_pem() -> str:
    if settings.VAPID_PRIVATE_KEY:
        return settings.VAPID_PRIVATE_KEY
    path = Path(settings.VAPID_PRIVATE_KEY_FILE)
    if not path.exists():
        raise ImproperlyConfigured(
            f"No VAPID key: set VAPID_PRIVATE_KEY, or run `manage.py vapid_keys` to write {path}."
        )
    return path.read_text()


def private_key() -> ec.EllipticCurvePrivateKey:
    return serialization.load_pem_private_key(private_pem().encode(), password=None)


def public_key_b64url() -> str:
    """The public key as browsers want it: base64url of the uncompressed point."""
    raw = (
        private_key()
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    return b64url(raw)


def configured() -> bool:
    try:
        private_pem()
    except ImproperlyConfigured:
        return False
    return True
