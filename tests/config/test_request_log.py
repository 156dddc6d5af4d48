"""One log line per request, with its route (never the path's tokens) and latency."""

import logging
import re

import pytest

from neighbors.services import email_stop_url
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_one_line_per_request_with_the_route_and_no_token(client, caplog):
    user = UserFactory()
    path = email_stop_url(user).split("://", 1)[1].split("/", 1)[1]
    token = path.rstrip("/").split("/")[-1]
    with caplog.at_level(logging.INFO, logger="entraide.requests"):
        client.get("/")
        client.get("/" + path)
        client.get("/no/such/page/")
    lines = [r.getMessage() for r in caplog.records if r.name == "entraide.requests"]
    assert len(lines) == 3, lines
    assert re.fullmatch(r"GET / 200 \d+\.\dms", lines[0]), lines[0]
    assert lines[1].startswith("GET /email/stop/<str:token>/ 200 ")
    assert lines[2].startswith("GET (unrouted) 404 ")
    assert all(token not in line for line in lines)
