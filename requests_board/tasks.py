"""Background tasks (django-tasks): notification waves, and the periodic
housekeeping (expiry and the map's reconciliation, follow-up reminders)."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from requests_board import services, visibility
from requests_board.services.notifications import notify_wave

__all__ = ["PERIODIC", "expire_requests", "notify_wave", "remind_follow_ups"]


@task()
def expire_requests() -> int:
    """Closes expired requests, brings the map in line with what time alone
    changed (suspensions over), then comes back in 10 minutes."""
    expired = services.help_requests_expire()
    visibility.map_reconcile()
    expire_requests.using(run_after=timezone.now() + timedelta(minutes=10)).enqueue()
    return expired


@task()
def remind_follow_ups() -> int:
    """Reminds, once, who has not answered "Did this help?"; again in an hour."""
    reminded = services.follow_ups_remind()
    remind_follow_ups.using(run_after=timezone.now() + timedelta(hours=1)).enqueue()
    return reminded


# Each reschedules itself; config.worker.tasks_schedule_periodic starts them.
PERIODIC = [expire_requests, remind_follow_ups]
