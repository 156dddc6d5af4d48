from django.apps import AppConfig


class RelaysConfig(AppConfig):
    name = "relays"
    verbose_name = "Relays"
    default_auto_field = "django.db.models.BigAutoField"
