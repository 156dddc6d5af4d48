"""/healthz: 200 when the database answers and the tasks keep up, 503 with
the reason when the oldest task due has waited too long."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from requests_board.tasks import expire_requests

pytestmark = pytest.mark.django_db


def test_healthy_then_a_task_waits_too_long(client, settings):
    DBTaskResult.objects.all().delete()
    ok = client.get("/healthz")
    assert ok.status_code == 200, ok.content
    body = ok.json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["redis"] == ("ok" if settings.REDIS_URL else "not used")
    assert body["tasks"]["oldest_waiting_s"] == 0.0
    assert ok.headers["Cache-Control"].startswith("max-age=0")

    expire_requests.enqueue()
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(hours=1))
    late = client.get("/healthz")
    assert late.status_code == 503
    assert late.json()["tasks"]["oldest_waiting_s"] >= 3599
    # A task due later does not count until it is due.
    DBTaskResult.objects.update(run_after=timezone.now() + timedelta(hours=1))
    assert client.get("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405
