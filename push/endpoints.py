"""Which push endpoints the server will call (DESIGN.md, "Reach"): a browser
hands us an address and we POST to it, so an attacker could hand us one
inside our own network. Only `https` on public addresses, checked after DNS
resolution with a short timeout; in development mode (PUSH_ALLOW_LOOPBACK,
on with DJANGO_DEBUG) `http` or `https` on loopback too, so that a local
push service can stand in. Checked when a subscription is saved and again
before each push (the name may resolve elsewhere by then)."""

import ipaddress
import socket
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DNS_TIMEOUT_S = 2.0
_resolver = ThreadPoolExecutor(max_workers=4, thread_name_prefix="push-dns")


def _refused(reason: str) -> ValidationError:
    return ValidationError({"endpoint": [reason]}, code="endpoint_refused")


def _addresses(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        literal = None
    if literal is not None:
        return [literal]
    future = _resolver.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
    try:
        infos = future.result(timeout=DNS_TIMEOUT_S)
    except (OSError, UnicodeError, FutureTimeout):
        raise _refused(_("This push address cannot be found.")) from None
    return [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]


def endpoint_check(url) -> None:
    """Raises ValidationError unless `url` is an address we may push to."""
    if not isinstance(url, str) or len(url) > 1000:
        raise _refused(_("A push address is an https URL of at most 1,000 characters."))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise _refused(_("This is not a valid push address.")) from None
    host = parts.hostname
    if not host or parts.username or parts.password:
        raise _refused(_("This is not a valid push address."))
    loopback_ok = settings.PUSH_ALLOW_LOOPBACK
    if parts.scheme not in ("https", "http") or (parts.scheme == "http" and not loopback_ok):
        raise _refused(_("A push address must start with https://."))
    addresses = _addresses(host, port or (443 if parts.scheme == "https" else 80))
    if not addresses:
        raise _refused(_("This push address cannot be found."))
    for address in addresses:
        if loopback_ok and address.is_loopback:
            continue
        if parts.scheme != "https" or not address.is_global:
            raise _refused(_("Push addresses on private or local networks are refused."))
