from django.apps import AppConfig


class ChatConfig(AppConfig):
    """Conversations, messages, the websocket consumer and its protocol."""

    name = "chat"
