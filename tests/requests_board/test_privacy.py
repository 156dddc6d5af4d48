"""No exact point reaches anyone but its owner and, once accepted, the helper.

Crawls every page and endpoint as a stranger, as volunteers (one accepted,
one not) and as the requester, before and after acceptance, and looks for
the exact coordinates in any form: JSON, HTML text, data attributes, inline
scripts, French decimal commas."""

import json
import re

import pytest
from django.contrib.gis.geos import Point
from django.test import Client
from rest_framework.test import APIClient

from geo.privacy import grid_cell, public_point
from requests_board import services
from requests_board.models import HelpRequest
from tests.factories import UserFactory, resident_at

pytestmark = pytest.mark.django_db

EXACT = (48.861237, 2.372419)  # the request's meeting point
HOME_A = (48.861581, 2.371733)
HOME_B = (48.864412, 2.375151)
HOME_D = (48.858843, 2.368262)


def needles(lat: float, lng: float) -> list[str]:
    """The ways a coordinate could appear, to about a metre (5 decimals,
    truncated, so that any longer rendering contains it)."""
    out = []
    for value in (lat, lng):
        text = f"{value:.7f}"[:-2]
        out += [text, text.replace(".", ",")]
    return out


def crawl(user, request_id: int) -> dict[str, str]:
    """Every surface a user can reach, by name."""
    pages = {}
    web = Client(HTTP_ACCEPT_LANGUAGE="fr")
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        web.force_login(user)
        api.force_authenticate(user)
    for path in (
        "/",
        "/near-me/",
        f"/requests/{request_id}/",
        "/requests/mine/",
        "/profile/",
        f"/requests/{request_id}/edit/",
        "/?band=under_500m&category=groceries",
    ):
        response = web.get(path)
        pages[f"html {path}"] = response.content.decode()
    for path in (
        f"/api/v1/requests/{request_id}",
        "/api/v1/requests/nearby",
        f"/api/v1/requests/{request_id}/responses",
        "/api/v1/offers/nearby",
        "/api/v1/me",
        "/api/v1/map?bbox=2.36,48.85,2.38,48.87&zoom=16",
        "/api/v1/map?bbox=2.2,48.8,2.5,48.9&zoom=12",
    ):
        response = api.get(path)
        assert response.status_code < 500, (path, response.status_code)
        pages[f"api {path}"] = response.content.decode()
    return pages


def assert_absent(pages: dict[str, str], point: tuple[float, float], who: str) -> None:
    for name, body in pages.items():
        for needle in needles(*point):
            assert needle not in body, f"{who} sees {needle} in {name}"


def assert_present_somewhere(pages, point):
    joined = "\n".join(pages.values())
    assert any(n in joined for n in needles(*point))


@pytest.fixture
def scene(category):
    requester = resident_at(*HOME_A, display_name="Alice")
    helper = resident_at(*HOME_B, display_name="Bruno")
    other = resident_at(*HOME_D, display_name="Dina")
    stranger = UserFactory(display_name="Sam")
    for volunteer in (helper, other):
        services.offer_create(volunteer=volunteer, categories=[category])
    # The public point's offset depends on the request's id: in the rare case
    # where one of its coordinates rounds like an exact one, the checks below
    # could not tell them apart, so that request is cancelled and another made.
    exact_needles = {
        needle for exact in (EXACT, HOME_A, HOME_B, HOME_D) for needle in needles(*exact)
    }
    for _attempt in range(5):
        request = services.help_request_create(
            author=requester,
            title="Courses",
            category=category,
            location=Point(EXACT[1], EXACT[0], srid=4326),
        )
        public = request.public_location
        if not exact_needles & set(needles(public.y, public.x)):
            break
        services.help_request_cancel(request=request, user=requester)
    else:
        pytest.fail("five public points in a row share a coordinate with an exact one")
    services.help_request_respond(request=request, volunteer=helper, message="Je peux")
    services.help_request_respond(request=request, volunteer=other, message="Moi aussi")
    return {
        "request": request,
        "requester": requester,
        "helper": helper,
        "other": other,
        "stranger": stranger,
    }


def test_before_acceptance_only_the_requester_sees_the_exact_point(scene):
    request = scene["request"]
    owner_pages = crawl(scene["requester"], request.pk)
    assert_present_somewhere(owner_pages, EXACT)
    assert_absent(owner_pages, HOME_B, "the requester")
    assert_absent(owner_pages, HOME_D, "the requester")
    for who in ("helper", "other", "stranger"):
        pages = crawl(scene[who], request.pk)
        assert_absent(pages, EXACT, who)
        assert_absent(pages, HOME_A, who)
    assert_absent(crawl(None, request.pk), EXACT, "an anonymous visitor")


def test_after_acceptance_the_helper_sees_it_and_nobody_else(scene):
    request = scene["request"]
    services.help_request_accept(
        request=request, requester=scene["requester"], helper_id=scene["helper"].pk
    )
    helper_pages = crawl(scene["helper"], request.pk)
    assert_present_somewhere(helper_pages, EXACT)
    assert_absent(helper_pages, HOME_A, "the helper")  # the meeting point, not the home
    for who in ("other", "stranger"):
        pages = crawl(scene[who], request.pk)
        assert_absent(pages, EXACT, who)
        assert_absent(pages, HOME_A, who)
        assert_absent(pages, HOME_B, who)
    assert_absent(crawl(None, request.pk), EXACT, "an anonymous visitor")

    # Once done, the helper no longer needs (nor sees) the exact point.
    services.help_request_complete(request=request, user=scene["requester"])
    assert_absent(crawl(scene["helper"], request.pk), EXACT, "the helper after completion")


def test_the_directions_link_carries_the_meeting_point_not_the_helpers_home(scene):
    """The link leaves for a third party (OpenStreetMap): the destination only."""
    request = scene["request"]
    services.help_request_accept(
        request=request, requester=scene["requester"], helper_id=scene["helper"].pk
    )
    web = Client()
    web.force_login(scene["helper"])
    page = web.get(f"/requests/{request.pk}/").content.decode()
    (link,) = re.findall(r'href="(https://www\.openstreetmap\.org/directions[^"]+)"', page)
    assert any(needle in link for needle in needles(*EXACT)), link
    assert not any(needle in link for needle in needles(*HOME_B)), link


def test_public_point_is_stable_across_calls_and_moves_inside_the_cell(scene, api_for):
    request = scene["request"]
    client = api_for(scene["stranger"])
    first = client.get(f"/api/v1/requests/{request.pk}").json()["public_location"]
    assert client.get(f"/api/v1/requests/{request.pk}").json()["public_location"] == first
    # The author moves the meeting point to the middle of its cell: tens of metres.
    row, col, dlat, dlng = grid_cell(request.location)
    nudged = Point((col + 0.5) * dlng, (row + 0.5) * dlat, srid=4326)
    assert not nudged.equals_exact(request.location, 1e-6)
    assert public_point(nudged, identity=f"request:{request.pk}").equals_exact(
        request.public_location, 1e-12
    )
    services.help_request_update(request=request, user=scene["requester"], location=nudged)
    assert client.get(f"/api/v1/requests/{request.pk}").json()["public_location"] == first


def test_ordering_does_not_depend_on_exact_points(category, api_for):
    """Moving every exact point inside its cell changes nothing a viewer sees."""
    viewer = resident_at(48.8600, 2.3700, walk_radius_m=3000)
    authors = [resident_at(48.86 + i * 0.002, 2.37, display_name=f"R{i}") for i in range(6)]
    requests = [
        services.help_request_create(
            author=author,
            title=f"Demande {i}",
            category=category,
            location=Point(2.3705 + i * 0.0031, 48.8603 + i * 0.0027, srid=4326),
        )
        for i, author in enumerate(authors)
    ]
    client = api_for(viewer)
    before = client.get("/api/v1/requests/nearby").json()["results"]
    for request in requests:
        moved = Point(request.location.x + 0.00002, request.location.y + 0.00002, srid=4326)
        services.help_request_update(request=request, user=request.author, location=moved)
    after = client.get("/api/v1/requests/nearby").json()["results"]
    assert before == after
    ranks = ["under_500m", "about_1km", "about_2km", "about_3km"]
    bands = [ranks.index(r["distance_band"]) for r in before if r["category"] == "groceries"]
    assert bands == sorted(bands)
    assert all(
        set(r) >= {"distance_band", "walk_minutes", "reasons", "public_location"} for r in before
    )
    assert all("location" not in r for r in before)


def test_visibility_radius_is_measured_from_public_points(category, api_for):
    """Whether an item shows up depends on the viewer's home and the item's
    public point (and the requester's exact point and the viewer's public
    home), never on two exact points."""
    author = resident_at(48.8600, 2.3700)
    request = services.help_request_create(
        author=author, title="x", category=category, location=Point(2.3700, 48.8600, srid=4326)
    )
    public = request.public_location
    viewer = resident_at(public.y + 0.0081, public.x, walk_radius_m=1000)  # ~900 m from public
    seen = api_for(viewer).get("/api/v1/requests/nearby").json()["results"]
    assert [r["id"] for r in seen] == [request.pk]
    assert json.dumps(seen).count("public_location") == 1
    assert HelpRequest.objects.count() == 1
