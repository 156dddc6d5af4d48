"""WSGI entry point, for the scaled setup's HTTP workers (gunicorn): pages
and the API only; websockets go to the ASGI workers (config/asgi.py).

Under WSGI each worker keeps its database connection between requests
(DATABASE_CONN_MAX_AGE): under ASGI every request opens one, because
Django's connections belong to the request's async context."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_application = get_wsgi_application()

from django.conf import settings  # noqa: E402

# Only the proxy on this machine is believed (deploy/nginx sets the header to
# the client's address, one value); anyone else could name any address.
TRUSTED_PROXIES = {"127.0.0.1", "::1"}


def application(environ, start_response):
    """Behind nginx (BEHIND_PROXY=1), the client's address is the one nginx
    saw, as daphne's --proxy-headers does for the ASGI workers: the
    per-address limits must not count every client as 127.0.0.1."""
    forwarded = environ.get("HTTP_X_FORWARDED_FOR")
    if settings.BEHIND_PROXY and forwarded and environ.get("REMOTE_ADDR") in TRUSTED_PROXIES:
        environ["REMOTE_ADDR"] = forwarded.split(",")[-1].strip()
    return django_application(environ, start_response)
