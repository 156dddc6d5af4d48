from django.apps import AppConfig


class RequestsBoardConfig(AppConfig):
    """Help categories, requests, offers, responses, lifecycle, matching, notifications, impact."""

    name = "requests_board"
    verbose_name = "Help board"
