"""Bad input everywhere: a 4xx with a clear message, nothing changed."""

import pytest

from requests_board.models import HelpRequest, Response, VolunteerOffer
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

GOOD = {"title": "Courses", "category": "groceries", "location": {"lat": 48.86, "lng": 2.37}}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 200}, "title"),
        ({"category": "juggling"}, "category"),
        ({"category": None}, "category"),
        ({"location": {"lat": 91, "lng": 2.37}}, "location.lat"),
        ({"location": {"lat": 48.8, "lng": -500}}, "location.lng"),
        ({"location": {"lat": "NaN", "lng": 2.37}}, "location.lat"),
        ({"location": {"lat": "48,8", "lng": 2.37}}, "location.lat"),
        ({"location": [48.8, 2.37]}, "location.non_field_errors"),
        ({"location": None}, "location"),
        ({"urgency": "yesterday"}, "urgency"),
        ({"needed_by": "2001-01-01"}, "needed_by"),
        ({"needed_by": "tomorrow"}, "needed_by"),
        ({"max_distance_m": 100000}, "max_distance_m"),
        ({"max_distance_m": -5}, "max_distance_m"),
        ({"author": 1}, "author"),
        ({"status": "done"}, "status"),
    ],
)
def test_bad_request_creation(api_for, resident, changes, field):
    payload = {**GOOD, **changes}
    response = api_for(resident).post("/api/v1/requests", payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"], response.json()
    assert not HelpRequest.objects.exists()


def test_missing_fields(api_for, resident):
    response = api_for(resident).post("/api/v1/requests", {}, format="json")
    assert response.status_code == 400
    assert {"title", "category", "location"} <= set(response.json()["fields"])


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/requests/999999",
        "/api/v1/requests/999999/responses",
    ],
)
def test_unknown_ids_are_404(api_for, resident, url):
    assert api_for(resident).get(url).status_code == 404


def test_unknown_and_foreign_ids_on_actions(api_for, help_request, volunteer, far_volunteer):
    b = api_for(volunteer)
    assert b.post("/api/v1/requests/999999/accept", {"helper": 1}, format="json").status_code == 404
    assert (
        b.post(
            f"/api/v1/requests/{help_request.pk}/accept", {"helper": volunteer.pk}, format="json"
        ).status_code
        == 403
    )
    assert b.post(f"/api/v1/requests/{help_request.pk}/cancel").status_code == 403
    bad = api_for(help_request.author).post(
        f"/api/v1/requests/{help_request.pk}/accept", {"helper": "everyone"}, format="json"
    )
    assert bad.status_code == 400
    unknown = api_for(help_request.author).post(
        f"/api/v1/requests/{help_request.pk}/accept", {"helper": far_volunteer.pk}, format="json"
    )
    assert unknown.status_code == 400
    help_request.refresh_from_db()
    assert help_request.status == "open" and help_request.helper_id is None


@pytest.mark.parametrize("message", ["", "   ", "x" * 1001])
def test_bad_responses(api_for, help_request, volunteer, message):
    response = api_for(volunteer).post(
        f"/api/v1/requests/{help_request.pk}/responses", {"message": message}, format="json"
    )
    assert response.status_code == 400
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    "query",
    [
        "page=0",
        "page=abc",
        "page=100000",
        "category=nope",
        "urgency=soon",
        "band=far",
        "radius=99999",
    ],
)
def test_bad_nearby_queries(api_for, volunteer, query):
    response = api_for(volunteer).get(f"/api/v1/requests/nearby?{query}")
    assert response.status_code == 400, response.content


def test_nearby_without_a_home_says_so(api_for):
    response = api_for(UserFactory()).get("/api/v1/requests/nearby")
    assert response.status_code == 400
    assert "home" in response.json()["fields"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"categories": []}, "categories"),
        ({"categories": ["nope"]}, "categories"),
        ({"categories": ["pets"], "radius_m": 99999}, "radius_m"),
        ({"categories": ["pets"], "radius_m": -1}, "radius_m"),
        ({"categories": "pets"}, "categories"),
        ({"categories": ["pets"], "colour": "red"}, "colour"),
    ],
)
def test_bad_offers(api_for, volunteer, payload, field):
    response = api_for(volunteer).post("/api/v1/offers", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert not VolunteerOffer.objects.exists()


def test_offer_needs_a_home(api_for):
    response = api_for(UserFactory()).post(
        "/api/v1/offers", {"categories": ["pets"]}, format="json"
    )
    assert response.status_code == 400
    assert not VolunteerOffer.objects.exists()


def test_malformed_json_on_every_write(api_for, help_request, volunteer):
    client = api_for(volunteer)
    for url in (
        "/api/v1/requests",
        f"/api/v1/requests/{help_request.pk}/responses",
        f"/api/v1/requests/{help_request.pk}/accept",
        "/api/v1/offers",
    ):
        response = client.generic("POST", url, b"{oops", content_type="application/json")
        assert response.status_code == 400, url
        assert response.json()["error"] == "parse_error"


def test_forms_reject_bad_input_without_saving(client, resident):
    resident_home = {"lat": "48.86", "lng": "2.37"}
    client.force_login(resident)
    for data in (
        {"title": "x" * 500, "category": "groceries", **resident_home},
        {"title": "x", "category": "groceries", "needed_on": "someday", **resident_home},
        {"title": "x", "category": "nope", "urgency": "normal", **resident_home},
        {"title": "x", "category": "groceries", "urgency": "normal", "lat": "95", "lng": "2"},
        {"title": "x", "category": "groceries", "urgency": "normal", "lat": "nan", "lng": "2"},
    ):
        response = client.post("/requests/new/", data)
        assert response.status_code == 400
        assert b'role="alert"' in response.content
    assert not HelpRequest.objects.exists()


# --- What the schema says is what passes (issue 10, finding 4) ---------------------------


def test_today_is_not_in_the_past(api_for, resident):
    from django.utils import timezone

    payload = {**GOOD, "needed_by": timezone.localdate().isoformat()}
    response = api_for(resident).post("/api/v1/requests", payload, format="json")
    assert response.status_code == 201, response.content


@pytest.mark.parametrize(
    "query",
    ["bbox=&zoom=16", "zoom=16", "bbox=2.3,48.8,2.4,48.9", "bbox=2.3,48.8,2.4,48.9&zoom=23"],
)
def test_map_queries_the_schema_forbids_are_400s(api, query):
    response = api.get(f"/api/v1/map?{query}")
    assert response.status_code == 400, response.content
    assert response.json()["error"] == "invalid"


@pytest.mark.parametrize(
    "query", ["page=0", "page=1001", "page=2.0", "category=", "category=nope", "urgency=high"]
)
def test_offer_queries_the_schema_forbids_are_400s(api_for, volunteer, query):
    """Offers take page and category only (urgency is for requests)."""
    response = api_for(volunteer).get(f"/api/v1/offers/nearby?{query}")
    assert response.status_code == 400, response.content


def test_offer_queries_the_schema_allows_pass(api_for, volunteer):
    response = api_for(volunteer).get("/api/v1/offers/nearby?page=2&category=groceries")
    assert response.status_code == 200, response.content
    assert response.json()["page"] == 2


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"categories": [1]}, "categories"),
        ({"categories": ["pets"], "radius_m": "500"}, "radius_m"),
        ({"categories": ["pets"], "note": 42}, "note"),
        ({"categories": ["pets"], "publish_anyway": "true"}, "publish_anyway"),
    ],
)
def test_offers_refuse_values_of_another_json_type(api_for, volunteer, payload, field):
    response = api_for(volunteer).post("/api/v1/offers", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert not VolunteerOffer.objects.exists()
