"""Websocket authentication: the session cookie (browsers) or a ticket."""

from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from django.contrib.auth import get_user_model

from chat.tickets import ticket_redeem


@database_sync_to_async
def _user_for_ticket(ticket: str):
    user_id = ticket_redeem(ticket)
    if user_id is None:
        return None
    return get_user_model().objects.filter(pk=user_id, is_active=True).first()


class TicketAuthMiddleware:
    """Runs inside AuthMiddlewareStack: a valid `?ticket=` sets the user when
    the session did not."""

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        user = scope.get("user")
        if user is None or not user.is_authenticated:
            query = parse_qs(scope.get("query_string", b"").decode(errors="replace"))
            ticket = (query.get("ticket") or [""])[0]
            if ticket:
                ticket_user = await _user_for_ticket(ticket)
                if ticket_user is not None:
                    scope = {**scope, "user": ticket_user}
        return await self.inner(scope, receive, send)
