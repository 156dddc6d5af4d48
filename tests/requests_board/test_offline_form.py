"""A request form sent again when a connection returns (static/js/pwa.js
queues it with a client id) is published once."""

import pytest

from requests_board.models import HelpRequest
from tests.factories import resident_at

pytestmark = pytest.mark.django_db


def test_the_same_client_id_publishes_one_request(client, category):
    dupont = resident_at(48.86, 2.37, display_name="Mme Dupont")
    client.force_login(dupont)
    form = {"category": "groceries", "lat": 48.86, "lng": 2.37, "client_id": "c-offline-1"}
    first = client.post("/requests/new/", form)
    again = client.post("/requests/new/", form)
    assert first.status_code == again.status_code == 302 and first.url == again.url
    assert HelpRequest.objects.filter(author=dupont).count() == 1
    other = client.post("/requests/new/", {**form, "client_id": "c-offline-2"})
    assert other.status_code == 302 and HelpRequest.objects.filter(author=dupont).count() == 2
    # Another person's client id is theirs alone.
    lea = resident_at(48.86, 2.37, display_name="Léa")
    client.force_login(lea)
    assert client.post("/requests/new/", form).status_code == 302
    assert HelpRequest.objects.filter(author=lea).count() == 1
    # A refused form does not hold the id: corrected, it publishes.
    bad = client.post("/requests/new/", {**form, "client_id": "c-offline-3", "category": "nope"})
    assert bad.status_code == 400
    assert client.post("/requests/new/", {**form, "client_id": "c-offline-3"}).status_code == 302
