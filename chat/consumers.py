"""The one websocket endpoint, /ws/ (DESIGN.md, "Websocket protocol").

Thin: parse a frame, call a service or selector through
database_sync_to_async, answer. Events from other connections arrive through
the user's channel-layer group (realtime.events.publish)."""

import logging

from asgiref.sync import sync_to_async
from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError

from chat import selectors, services
from chat.writer import writer
from common.ids import as_id
from common.json_input import JSONInputError, json_loads
from common.metrics import WEBSOCKETS_OPEN
from realtime.events import publish_now, user_group
from realtime.presence import presence_set

MAX_FRAME_BYTES = 64 * 1024
SYNC_LIMIT = 500
logger = logging.getLogger(__name__)


class EventsConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            # Accept first: a close before the handshake is an HTTP 403, and
            # clients need the protocol's 4401 to know they must sign in.
            await self.accept()
            await self.close(code=4401)
            return
        self.user = user
        self.group = user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        WEBSOCKETS_OPEN.inc()

    async def dispatch(self, message):
        # Channels (4.2+) hops to the ORM thread before every event to close
        # stale connections: one thread hop per delivered message, which cost
        # more than the delivery. Every database call here goes through
        # database_sync_to_async or chat.writer, which see to their connections.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def disconnect(self, code):
        if hasattr(self, "group"):
            WEBSOCKETS_OPEN.dec()
            await self.channel_layer.group_discard(self.group, self.channel_name)
            if getattr(self, "present_in", None) is not None:
                await sync_to_async(presence_set)(self.user.pk, self.channel_name, None)

    async def receive(self, text_data=None, bytes_data=None):
        if bytes_data is not None or text_data is None:
            await self.send_error("bad_frame", "Send JSON text frames.")
            return
        if len(text_data) > MAX_FRAME_BYTES:
            # The server (daphne --websocket-max-message-size) normally stops
            # these before they get here.
            await self.close(code=1009)
            return
        try:
            content = json_loads(text_data)
        except JSONInputError:
            await self.send_error("bad_json", "The frame is not valid JSON (or nests too deep).")
            return
        if not isinstance(content, dict) or not isinstance(content.get("type"), str):
            await self.send_error("bad_frame", "A frame is a JSON object with a type.")
            return
        handler = self.HANDLERS.get(content["type"])
        if handler is None:
            await self.send_error("unknown_type", f"Unknown type: {content['type'][:40]}")
            return
        try:
            await handler(self, content)
        except selectors.ConversationNotFound:
            await self.send_error(
                "not_found", "No such conversation.", client_id=content.get("client_id")
            )
        except PermissionDenied as exc:  # a block closed it, or a sanction
            await self.send_error("forbidden", str(exc), client_id=content.get("client_id"))
        except ValidationError as exc:
            await self.send_error(
                "invalid", " ".join(exc.messages), client_id=content.get("client_id")
            )
        except services.RateLimited:
            await self.send_error(
                "rate_limited",
                "Too many messages: wait a moment.",
                client_id=content.get("client_id"),
            )
        except DatabaseError:
            # Never a false acknowledgement: the client keeps the message and retries.
            await self.send_error(
                "unavailable",
                "The message could not be stored. Try again.",
                client_id=content.get("client_id"),
            )
        except Exception:
            # A bug must not cost the user their connection (1011): this
            # frame fails, the socket and the other frames carry on.
            logger.exception("websocket frame %s failed", content["type"][:40])
            await self.send_error(
                "server_error", "Something went wrong.", client_id=content.get("client_id")
            )

    async def send_error(self, code: str, detail: str, client_id=None):
        if not isinstance(client_id, str | None):
            client_id = None
        await self.send_json(
            {"type": "error", "code": code, "detail": detail, "client_id": client_id}
        )

    # --- client frames ------------------------------------------------------

    async def on_message_send(self, content):
        message, _created = await writer().send(
            services.Outgoing(
                user=self.user,
                conversation_id=content.get("conversation"),
                body=content.get("body"),
                client_id=content.get("client_id"),
            )
        )
        await self.send_json(
            {
                "type": "message.ack",
                "client_id": message.client_id,
                "message": selectors.message_payload(message),
            }
        )

    async def on_message_read(self, content):
        await database_sync_to_async(services.message_read)(
            user=self.user, conversation_id=content.get("conversation"), up_to=content.get("up_to")
        )

    async def on_typing(self, content):
        conversation_id = content.get("conversation")
        # Checked on every frame (a block may have closed the conversation);
        # typing is never stored.
        conversation = await database_sync_to_async(selectors.conversation_for_participant)(
            user=self.user, conversation_id=conversation_id
        )
        if conversation.closed_at is not None:
            raise selectors.ConversationClosed
        other = conversation.other_participant_id(self.user.pk)
        await publish_now(
            [other], "chat.typing", {"conversation": conversation_id, "user": self.user.pk}
        )

    async def on_presence(self, content):
        """The conversation on screen on this connection (null: none). One
        that is not the user's is refused like any other frame about it."""
        conversation_id = content.get("conversation")
        if conversation_id is not None and conversation_id != getattr(self, "present_in", None):
            conversation = await database_sync_to_async(selectors.conversation_for_participant)(
                user=self.user, conversation_id=conversation_id
            )
            conversation_id = conversation.pk
        self.present_in = conversation_id
        await sync_to_async(presence_set)(self.user.pk, self.channel_name, conversation_id)

    async def on_sync(self, content):
        after = content.get("after", 0)
        if isinstance(after, bool) or not isinstance(after, int) or (after and not as_id(after)):
            raise ValidationError("`after` must be a message id (0 for everything).")
        last = after
        while True:
            batch = await database_sync_to_async(selectors.messages_for_sync)(
                user=self.user, after=last, limit=SYNC_LIMIT
            )
            for message in batch:
                await self.send_json(
                    {"type": "message.new", "message": selectors.message_payload(message)}
                )
                last = message.pk
            if len(batch) < SYNC_LIMIT:
                break
        await self.send_json({"type": "sync.done", "last": last})

    HANDLERS = {
        "message.send": on_message_send,
        "message.read": on_message_read,
        "typing": on_typing,
        "sync": on_sync,
        "presence": on_presence,
    }

    # --- events from the channel layer ---------------------------------------

    async def chat_message(self, event):
        await self.send_json({"type": "message.new", "message": event["message"]})

    async def chat_read(self, event):
        await self.send_json(
            {
                "type": "message.read",
                "conversation": event["conversation"],
                "reader": event["reader"],
                "up_to": event["up_to"],
            }
        )

    async def chat_typing(self, event):
        if event["user"] != self.user.pk:
            await self.send_json(
                {"type": "typing", "conversation": event["conversation"], "user": event["user"]}
            )

    async def layer_overflow(self, event):
        # Too slow to read: drop the backlog; the client reconnects and syncs.
        await self.close(code=4408)

    async def event_notification(self, event):
        await self.send_json({"type": "notification", "notification": event["notification"]})
