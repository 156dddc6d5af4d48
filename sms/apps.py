from django.apps import AppConfig


class SmsConfig(AppConfig):
    name = "sms"
    verbose_name = "SMS bridge"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from sms import receivers  # noqa: F401 (connects the signals it listens to)
