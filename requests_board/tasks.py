"""Background tasks (django-tasks): notification waves, and the periodic
housekeeping (expiry, follow-up reminders)."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from requests_board import services


@task()
def notify_wave(request_id: int) -> int:
    """Notifies the next wave of volunteers for a request; schedules the one
    after if nobody has responded by then. Returns how many were notified."""
    notified, more = services.request_notify_wave(request_id=request_id)
    if more:
        notify_wave.using(
            run_after=timezone.now() + timedelta(minutes=settings.NOTIFY_WAVE_MINUTES)
        ).enqueue(request_id)
    return notified


@task()
def expire_requests() -> int:
    """Closes expired requests, then comes back in 10 minutes."""
    expired = services.help_requests_expire()
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
