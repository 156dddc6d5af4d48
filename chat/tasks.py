"""The chat's background task: emails about messages waiting while away."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from chat import services
from chat.digest import digests_send

__all__ = ["PERIODIC", "email_digests", "email_unread_messages"]


@task()
def email_unread_messages() -> int:
    """Tells the people away from the app that a message waits; again in 5 minutes."""
    sent = services.messages_unread_email()
    email_unread_messages.using(run_after=timezone.now() + timedelta(minutes=5)).enqueue()
    return sent


@task()
def email_digests() -> int:
    """The daily digests due now; again in an hour."""
    sent = digests_send()
    email_digests.using(run_after=timezone.now() + timedelta(hours=1)).enqueue()
    return sent


# Each reschedules itself; config.worker.tasks_schedule_periodic starts them.
PERIODIC = [email_unread_messages, email_digests]
