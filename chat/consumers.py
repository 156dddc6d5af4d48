"""The one websocket endpoint, /ws/ (DESIGN.md, "Websocket protocol").

This first version authenticates (session cookie), joins the user's group and
answers every frame with an `error`; the chat issue adds the message types.
"""

import json

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from chat.events import user_group

MAX_FRAME_BYTES = 64 * 1024


class EventsConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            # Accept first: a close before the handshake is an HTTP 403, and
            # clients need the protocol's 4401 to know they must sign in.
            await self.accept()
            await self.close(code=4401)
            return
        self.group = user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        if bytes_data is not None or text_data is None:
            await self.send_error("bad_frame", "Send JSON text frames.")
            return
        if len(text_data.encode()) > MAX_FRAME_BYTES:
            await self.close(code=1009)
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            await self.send_error("bad_json", "The frame is not valid JSON.")
            return
        if not isinstance(content, dict) or not isinstance(content.get("type"), str):
            await self.send_error("bad_frame", "A frame is a JSON object with a type.")
            return
        await self.send_error("unknown_type", f"Unknown type: {content['type'][:40]}")

    async def send_error(self, code: str, detail: str, client_id=None):
        await self.send_json(
            {"type": "error", "code": code, "detail": detail, "client_id": client_id}
        )

    async def event_notification(self, event):
        await self.send_json({"type": "notification", "notification": event["notification"]})
