from django.apps import AppConfig


class ModerationConfig(AppConfig):
    """Reports, zones, the moderator queue, actions, audit log, content rules."""

    name = "moderation"
