from django.core.management.base import BaseCommand

from config.worker import tasks_schedule_periodic


class Command(BaseCommand):
    help = (
        "Queues the periodic tasks (expiry, retention, follow-up reminders) if they are "
        "not queued yet. Idempotent."
    )

    def handle(self, *args, **options):
        tasks_schedule_periodic()
        self.stdout.write("Periodic tasks are scheduled.")
