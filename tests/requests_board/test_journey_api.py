"""DESIGN.md's journey through the API: A posts, B (600 m) sees it with a
band, minutes and reasons, C (3 km) does not; B responds; A accepts; B sees
the exact point; a stranger never does."""

import pytest

from requests_board.models import HelpRequest
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

A_POINT = {"lat": 48.86, "lng": 2.37}


def test_the_whole_journey(api_for, requester, volunteer, far_volunteer):
    a, b, c = api_for(requester), api_for(volunteer), api_for(far_volunteer)
    stranger = api_for(UserFactory())

    created = a.post(
        "/api/v1/requests",
        {
            "title": "Courses au marché",
            "category": "groceries",
            "location": A_POINT,
            "urgency": "high",
            "description": "Du lait",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["location"] == A_POINT
    assert body["public_location"] != A_POINT
    request_id = body["id"]

    nearby_b = b.get("/api/v1/requests/nearby")
    assert nearby_b.status_code == 200
    results = nearby_b.json()["results"]
    assert [r["id"] for r in results] == [request_id]
    seen = results[0]
    assert "location" not in seen
    assert seen["distance_band"] in {"under_500m", "about_1km"}
    assert seen["walk_minutes"] % 5 == 0 and seen["walk_minutes"] >= 5
    assert any("min walk" in r for r in seen["reasons"])
    assert any("groceries" in r.lower() for r in seen["reasons"])
    assert "needed today" in seen["reasons"]

    assert c.get("/api/v1/requests/nearby").json()["results"] == []

    for client in (b, c, stranger):
        detail = client.get(f"/api/v1/requests/{request_id}").json()
        assert "location" not in detail
        assert detail["public_location"] == body["public_location"]

    responded = b.post(
        f"/api/v1/requests/{request_id}/responses", {"message": "J'y vais à 10 h"}, format="json"
    )
    assert responded.status_code == 201, responded.content
    responses = a.get(f"/api/v1/requests/{request_id}/responses").json()
    assert [r["volunteer"]["id"] for r in responses] == [volunteer.pk]
    assert b.get(f"/api/v1/requests/{request_id}/responses").status_code == 404

    accepted = a.post(
        f"/api/v1/requests/{request_id}/accept", {"helper": volunteer.pk}, format="json"
    )
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == "matched"

    assert b.get(f"/api/v1/requests/{request_id}").json()["location"] == A_POINT
    assert stranger.get(f"/api/v1/requests/{request_id}").status_code == 404
    assert (
        "location" not in c.get(f"/api/v1/requests/{request_id}").json()
        if (c.get(f"/api/v1/requests/{request_id}").status_code == 200)
        else True
    )

    done = b.post(f"/api/v1/requests/{request_id}/complete")
    assert done.status_code == 200
    assert HelpRequest.objects.get(pk=request_id).status == "done"


def test_invalid_transitions_are_409_with_a_reason(api_for, help_request, volunteer, requester):
    a, b = api_for(requester), api_for(volunteer)
    url = f"/api/v1/requests/{help_request.pk}"
    assert b.post(f"{url}/complete").status_code == 403
    response = a.post(f"{url}/complete")
    assert response.status_code == 409
    assert response.json()["error"] == "invalid_transition"
    assert response.json()["detail"]
    own = a.post(f"{url}/responses", {"message": "moi"}, format="json")
    assert own.status_code == 409 and own.json()["error"] == "own_request"
    assert b.post(f"{url}/responses", {"message": "oui"}, format="json").status_code == 201
    again = b.post(f"{url}/responses", {"message": "encore"}, format="json")
    assert again.status_code == 409 and again.json()["error"] == "already_responded"
    not_responder = a.post(f"{url}/accept", {"helper": requester.pk}, format="json")
    assert not_responder.status_code == 400
    assert a.post(f"{url}/cancel").status_code == 200
    assert a.post(f"{url}/cancel").status_code == 409
    closed = b.post(f"{url}/responses", {"message": "?"}, format="json")
    assert closed.status_code == 409 and "no longer open" in closed.json()["detail"]
