"""The home point: set by its owner, seen by its owner, nobody else."""

import json

import pytest
from django.contrib.gis.geos import Point

from geo.privacy import public_point
from neighbors.models import HomeMove, User
from tests.factories import UserFactory, resident_at

pytestmark = pytest.mark.django_db

HOME = {"lat": 48.86472, "lng": 2.36981}


def test_owner_sets_and_sees_their_home(api_for, resident):
    client = api_for(resident)
    response = client.patch(
        "/api/v1/me",
        {
            "home": HOME,
            "walk_radius_m": 1500,
            "skills": ["groceries", "pets"],
            "languages": ["fr", "ar"],
            "email_notifications": True,
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["home"] == HOME
    assert body["walk_radius_m"] == 1500
    assert sorted(body["skills"]) == ["groceries", "pets"]
    assert body["languages"] == ["fr", "ar"]
    assert body["email_notifications"] is True
    resident.refresh_from_db()
    assert resident.home.y == pytest.approx(HOME["lat"])
    assert resident.home_public is not None
    assert resident.home_public.distance(resident.home) > 0


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"home": {"lat": 91, "lng": 2.3}}, "home.lat"),
        ({"home": {"lat": 48.8, "lng": 500}}, "home.lng"),
        ({"home": {"lat": "NaN", "lng": 2.3}}, "home.lat"),
        ({"home": {"lat": "Infinity", "lng": 2.3}}, "home.lat"),
        ({"home": {"lat": "north", "lng": 2.3}}, "home.lat"),
        ({"home": {"lat": 48.8}}, "home.lng"),
        ({"home": {"lat": 48.8, "lng": 2.3, "alt": 3}}, "home.alt"),
        ({"home": "48.8,2.3"}, "home.non_field_errors"),
        ({"walk_radius_m": -5}, "walk_radius_m"),
        ({"walk_radius_m": 100000}, "walk_radius_m"),
        ({"walk_radius_m": "far"}, "walk_radius_m"),
        ({"skills": ["juggling"]}, "skills"),
        ({"languages": ["klingon"]}, "languages.0"),
        ({"display_name": ""}, "display_name"),
        ({"email": "other@example.org"}, "email"),
        ({"favourite_colour": "blue"}, "favourite_colour"),
    ],
)
def test_bad_profile_input_is_a_400_and_changes_nothing(api_for, payload, field):
    user = resident_at(48.85, 2.35, display_name="Odile")
    before = (user.home.wkt, user.walk_radius_m, user.display_name, user.email)
    response = api_for(user).patch("/api/v1/me", payload, format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["error"] == "invalid"
    assert field in body["fields"], body
    user.refresh_from_db()
    assert (user.home.wkt, user.walk_radius_m, user.display_name, user.email) == before
    assert not HomeMove.objects.exists()


def test_nan_literal_in_json_is_refused(api_for, resident):
    response = api_for(resident).generic(
        "PATCH",
        "/api/v1/me",
        b'{"home": {"lat": NaN, "lng": 2.3}}',
        content_type="application/json",
    )
    assert response.status_code == 400
    resident.refresh_from_db()
    assert resident.home is None


def test_home_moves_are_rate_limited(api_for, resident, settings):
    settings.HOME_MOVES_PER_DAY = 3
    client = api_for(resident)
    for step in range(3):
        home = {"lat": 48.86 + step * 0.001, "lng": 2.37}
        assert client.patch("/api/v1/me", {"home": home}, format="json").status_code == 200
    response = client.patch("/api/v1/me", {"home": {"lat": 48.9, "lng": 2.37}}, format="json")
    assert response.status_code == 400
    assert "home" in response.json()["fields"]
    resident.refresh_from_db()
    assert resident.home.y == pytest.approx(48.862)
    # Saving the same home again is not a move.
    same = client.patch("/api/v1/me", {"home": {"lat": 48.862, "lng": 2.37}}, format="json")
    assert same.status_code == 200


def test_public_point_is_stable_and_hides_the_position_inside_the_cell(settings):
    settings.PUBLIC_GRID_M = 250
    exact = Point(2.36981, 48.86472, srid=4326)
    first = public_point(exact, identity="home:7")
    assert public_point(exact, identity="home:7").equals_exact(first, 0)
    # Moving inside the cell (a few metres) does not move the public point.
    nudged = Point(2.36981 + 0.00002, 48.86472 - 0.00002, srid=4326)
    assert public_point(nudged, identity="home:7").equals_exact(first, 0)
    # Another object in the same cell gets another public point.
    assert not public_point(exact, identity="home:8").equals_exact(first, 0)
    # It stays within the cell: never more than a cell's diagonal away.
    first.transform(2154)
    exact.transform(2154)
    assert first.distance(exact) < 250 * 1.5


def test_nobody_else_sees_a_home(client, api_for):
    owner = resident_at(48.86472, 2.36981, display_name="Jeanne")
    stranger = UserFactory()
    exact = (f"{owner.home.y:.6f}", f"{owner.home.x:.6f}")
    pages = [client.get("/").content.decode()]
    client.force_login(stranger)
    pages.append(client.get("/").content.decode())
    pages.append(client.get("/profile/").content.decode())
    pages.append(json.dumps(api_for(stranger).get("/api/v1/me").json()))
    for page in pages:
        for coordinate in exact:
            assert coordinate[:7] not in page  # not even to 1e-4 degree (about 10 m)
    assert User.objects.get(pk=owner.pk).home is not None
