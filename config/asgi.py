"""ASGI entry point: HTTP and websockets from one server (daphne or uvicorn).

Pages and the API are served by Django's WSGI handler on a fixed pool of
HTTP_THREADS threads inside this process (a2wsgi), not by its ASGI handler.
Django's ASGI handler runs each request's sync code in a thread of its own,
so every request opened a new database connection and loaded PostGIS or
SpatiaLite into it (14 ms of a 17 ms floor), and ran one request at a time.
A thread of the pool keeps its connection (DATABASE_CONN_MAX_AGE) and serves
requests while the others wait on the database. Websockets stay on Channels.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Set Django up before importing anything that touches models.
django_wsgi_app = get_wsgi_application()

from a2wsgi import WSGIMiddleware  # noqa: E402
from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402

from chat.auth import TicketAuthMiddleware  # noqa: E402
from chat.routing import websocket_urlpatterns  # noqa: E402

if settings.TASKS_IN_PROCESS:
    from config.worker import start_in_process_worker

    start_in_process_worker()

application = ProtocolTypeRouter(
    {
        # daphne's --proxy-headers puts the client's address in the scope,
        # which a2wsgi hands on as REMOTE_ADDR.
        "http": WSGIMiddleware(django_wsgi_app, workers=settings.HTTP_THREADS),
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(TicketAuthMiddleware(URLRouter(websocket_urlpatterns)))
        ),
    }
)
