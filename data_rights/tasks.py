"""The periodic retention task (django-tasks)."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from data_rights import services


@task()
def apply_retention() -> dict[str, int]:
    """Deletes old exact meeting points and old messages, then comes back in an hour."""
    deleted = services.retention_apply()
    apply_retention.using(run_after=timezone.now() + timedelta(hours=1)).enqueue()
    return deleted


PERIODIC = [apply_retention]
