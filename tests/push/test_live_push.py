"""Issue 13's "done when", over HTTP against a real daphne with its task
worker inside (the embedded setup), as new users of the API would: B offers
help and subscribes a device; A, 600 m away, posts an urgent request; the
stand-in push service soon holds a push for B that decrypts to the title and
the distance band, and no coordinates; B responds and A's device hears of
it. The test prints how long each push took to arrive."""

import json
import time
import uuid

import pytest
from django.utils import translation

from geo.distance import BANDS
from neighbors.categories import categories_ensure
from neighbors.models import HelpCategory
from tests.live import Api
from tests.push.test_push import Device
from tests.requests_board.conftest import ORIGIN, north_of
from tests.stand_ins import PushServiceStandIn

pytestmark = [pytest.mark.django_db(transaction=True)]


def band_labels() -> set[str]:
    labels = set()
    for language in ("en", "fr"):
        with translation.override(language):
            labels |= {str(band.label) for _upper, band in BANDS}
    return labels


def wait_for_push(device: Device, count: int, timeout: float = 20.0) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pushes = device.pushes()
        if len(pushes) >= count:
            return pushes
        time.sleep(0.05)
    raise AssertionError(f"no push for {device.name} within {timeout} s")


def test_an_urgent_request_and_its_answer_reach_the_phones_through_the_worker(server_factory):
    categories_ensure(HelpCategory)
    server = server_factory(TASKS_IN_PROCESS="1")
    suffix = uuid.uuid4().hex[:8]
    with PushServiceStandIn() as service:
        api = Api(server.address)
        a = api.signup(f"a-{suffix}@example.org", "Alice", *ORIGIN)
        b = api.signup(f"b-{suffix}@example.org", "Bruno", *north_of(600))
        for user in (a, b):  # whatever the hour of the run
            assert user.call("PATCH", "/api/v1/me/notifications", {"quiet_hours": None})[0] == 200
        status, _offer = b.call("POST", "/api/v1/offers", {"categories": ["groceries"]})
        assert status == 201, _offer
        b_phone, a_phone = Device(service, "b-phone"), Device(service, "a-phone")
        for user, device in ((b, b_phone), (a, a_phone)):
            status, body = user.call("POST", "/api/v1/push/subscriptions", device.subscription())
            assert status == 201, body

        posted = time.monotonic()
        status, request = a.call(
            "POST",
            "/api/v1/requests",
            {
                "title": "Courses urgentes",
                "category": "groceries",
                "urgency": "high",
                "location": {"lat": ORIGIN[0], "lng": ORIGIN[1]},
            },
        )
        assert status == 201, request
        (push,) = wait_for_push(b_phone, 1)
        to_b = push["at"] - posted
        data = push["data"]
        assert data["type"] == "new_request" and "Courses urgentes" in data["body"]
        # The band from B's home to the request's public point (600 m from
        # the exact one: the public point's offset decides which band).
        assert data["body"].split(" · ")[-1] in band_labels()
        assert "48.86" not in json.dumps(data) and "2.37" not in json.dumps(data)
        assert push["headers"]["urgency"] == "high"

        answered = time.monotonic()
        status, body = b.call(
            "POST", f"/api/v1/requests/{request['id']}/responses", {"message": "J'arrive"}
        )
        assert status == 201, body
        (answer,) = wait_for_push(a_phone, 1)
        to_a = answer["at"] - answered
        assert answer["data"]["type"] == "response"
        print(f"\npush to B {to_b * 1000:.0f} ms after the request; to A {to_a * 1000:.0f} ms")
        assert to_b < 10 and to_a < 10
