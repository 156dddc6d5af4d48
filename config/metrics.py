"""`/metrics` for Prometheus: common.metrics, and the background task
queue's depth read now. Only for the machine itself (a loopback address, as
Prometheus on the same box or behind nginx's `allow`), or with the bearer
token METRICS_TOKEN: the numbers say how busy the service is."""

import hmac
import os

from django.conf import settings
from django.http import HttpResponse, HttpResponseForbidden
from django.views.decorators.http import require_GET
from django_tasks_db.models import DBTaskResult
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Gauge,
    generate_latest,
)

LOOPBACK = {"127.0.0.1", "::1"}


def _allowed(request) -> bool:
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given, f"Bearer {token}"):
        return True
    forwarded = request.headers.get("X-Forwarded-For")
    return request.META.get("REMOTE_ADDR") in LOOPBACK and not forwarded


def _queue_depth() -> CollectorRegistry:
    registry = CollectorRegistry()
    depth = Gauge(
        "entraide_tasks_waiting", "Background tasks due and not yet taken.", registry=registry
    )
    depth.set(DBTaskResult.objects.ready().count())
    return registry


@require_GET
def metrics(request):
    if not _allowed(request):
        return HttpResponseForbidden("Metrics are for the machine itself.\n")
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    body = generate_latest(registry) + generate_latest(_queue_depth())
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
