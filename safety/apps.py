from django.apps import AppConfig


class SafetyConfig(AppConfig):
    """What board and chat consult before they write: blocks, sanctions, rate limits, content rules."""

    name = "safety"
