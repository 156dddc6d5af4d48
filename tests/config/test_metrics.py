"""/metrics: Prometheus's text format with request latency, open websockets,
messages, pushes and the task queue's depth; for the machine itself only."""

import pytest
from django.test import Client

from chat import services as chat_services
from chat.models import Conversation
from requests_board import services
from tests.factories import resident_at

pytestmark = pytest.mark.django_db


def test_the_machine_itself_reads_the_counts(category, settings):
    alice = resident_at(48.86, 2.37, display_name="Alice")
    bruno = resident_at(48.865, 2.37, display_name="Bruno")
    request = services.help_request_create(
        author=alice, title="Courses", category=category, location=alice.home
    )
    services.help_request_respond(request=request, volunteer=bruno, message="Je peux")
    conversation = Conversation.objects.get()
    local = Client(REMOTE_ADDR="127.0.0.1")
    local.get("/")
    before = local.get("/metrics").content.decode()
    chat_services.message_send(
        user=alice, conversation_id=conversation.pk, body="Merci", client_id="a-1"
    )
    page = local.get("/metrics")
    assert page.status_code == 200 and page["Content-Type"].startswith("text/plain")
    text = page.content.decode()
    assert 'entraide_http_request_seconds_count{method="GET",route="/",status="200"}' in text
    assert "entraide_websockets_open" in text and "entraide_tasks_waiting" in text

    def messages(body):
        line = next(x for x in body.splitlines() if x.startswith("entraide_chat_messages_total "))
        return float(line.split()[-1])

    assert messages(text) == messages(before) + 1


def test_nobody_else_does(settings):
    assert Client(REMOTE_ADDR="203.0.113.9").get("/metrics").status_code == 403
    # Through the proxy, even from loopback: a visitor's request.
    proxied = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert proxied.get("/metrics").status_code == 403
    settings.METRICS_TOKEN = "s3cret-metrics"
    outside = Client(REMOTE_ADDR="203.0.113.9")
    assert outside.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert outside.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-metrics").status_code == 200
