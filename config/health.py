"""`/healthz`: whether this process can serve (DESIGN.md, "Two ways to run").

The database answers, Redis answers (when the setup has one), and the
background tasks keep up: the oldest task due and not yet taken waits less
than HEALTH_TASK_MAX_AGE_S. 200 when all is well, 503 otherwise, with what
was found; nothing about any person. For load balancers and monitoring."""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Case, F, Min, When
from django.db.models.functions import Greatest
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_tasks_db.models import DBTaskResult, get_date_max


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any failure is the answer, not an error page
        return "unavailable"
    return "ok"


def _redis() -> str:
    if not settings.REDIS_URL:
        return "not used"
    try:
        cache.set("healthz", 1, 10)
        return "ok" if cache.get("healthz") == 1 else "unavailable"
    except Exception:
        return "unavailable"


def _oldest_task_wait_s() -> float | None:
    """Seconds the oldest due task has waited since it fell due (0 when
    none waits; None when the queue cannot be read). django-tasks-db's own
    `ready()` says which are due; a task with no run_after fell due when it
    was queued, another at the later of the two."""
    fell_due = Case(
        When(run_after=get_date_max(), then=F("enqueued_at")),
        default=Greatest("enqueued_at", "run_after"),
    )
    try:
        oldest = DBTaskResult.objects.ready().aggregate(oldest=Min(fell_due))["oldest"]
    except Exception:
        return None
    return (timezone.now() - oldest).total_seconds() if oldest else 0.0


@never_cache
@require_GET
def healthz(request):
    started = time.perf_counter()
    database = _database()
    redis = _redis()
    waited = _oldest_task_wait_s() if database == "ok" else None
    tasks_ok = waited is not None and waited < settings.HEALTH_TASK_MAX_AGE_S
    healthy = database == "ok" and redis in ("ok", "not used") and tasks_ok
    return JsonResponse(
        {
            "status": "ok" if healthy else "unavailable",
            "database": database,
            "redis": redis,
            "tasks": {
                "oldest_waiting_s": None if waited is None else round(waited, 1),
                "limit_s": settings.HEALTH_TASK_MAX_AGE_S,
            },
            "checked_in_ms": round((time.perf_counter() - started) * 1000, 1),
        },
        status=200 if healthy else 503,
    )
