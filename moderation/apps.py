from django.apps import AppConfig


class ModerationConfig(AppConfig):
    """Reports, the moderator queue, actions, audit log."""

    name = "moderation"

    def ready(self):
        from moderation.flags import report_flag
        from safety.signals import published_anyway

        def flag(*, target_type, target_id, found, **_signal):
            report_flag(target_type=target_type, target_id=target_id, found=found)

        published_anyway.connect(flag, dispatch_uid="moderation.report_flag", weak=False)
