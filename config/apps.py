from django.apps import AppConfig


class ProjectConfig(AppConfig):
    """The composition root: settings, URLs, ASGI, the task worker, and the
    commands that touch every app (seed_demo, schedule_tasks)."""

    name = "config"
