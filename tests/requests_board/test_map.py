import pytest
from django.contrib.gis.geos import Point

from requests_board import services
from requests_board.models import MapCell
from tests.factories import resident_at

pytestmark = pytest.mark.django_db

PARIS_11 = "2.355,48.850,2.395,48.872"


@pytest.fixture
def many_requests(category):
    """60 open requests spread over the 11th arrondissement."""
    author = resident_at(48.86, 2.37)
    created = []
    for i in range(60):
        point = Point(2.36 + (i % 10) * 0.003, 48.853 + (i // 10) * 0.003, srid=4326)
        created.append(
            services.help_request_create(
                author=author, title=f"R{i}", category=category, location=point
            )
        )
    return created


def test_street_zoom_gives_public_points(api, many_requests):
    response = api.get("/api/v1/map", {"bbox": PARIS_11, "zoom": 16})
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert not body["clustered"]
    assert len(body["features"]) == 60
    by_id = {f["properties"]["id"]: f for f in body["features"]}
    for request in many_requests:
        lng, lat = by_id[request.pk]["geometry"]["coordinates"]
        assert (lng, lat) == (
            round(request.public_location.x, 6),
            round(request.public_location.y, 6),
        )
        assert by_id[request.pk]["properties"]["title"] == request.title


def test_low_zoom_gives_counts_kept_by_the_services(api, many_requests, requester):
    body = api.get("/api/v1/map", {"bbox": "2.0,48.6,3.0,49.1", "zoom": 11}).json()
    assert body["clustered"]
    assert sum(f["properties"]["count"] for f in body["features"]) == 60
    assert all(f["properties"]["cluster"] for f in body["features"])
    # Closing requests takes them off the counts.
    for request in many_requests[:10]:
        services.help_request_cancel(request=request, user=request.author)
    body = api.get("/api/v1/map", {"bbox": "2.0,48.6,3.0,49.1", "zoom": 11}).json()
    assert sum(f["properties"]["count"] for f in body["features"]) == 50
    assert MapCell.objects.filter(count__lt=0).count() == 0


def test_never_more_than_500_features(api, category, settings):
    settings.MAP_MAX_FEATURES = 20
    author = resident_at(48.86, 2.37)
    for i in range(30):
        services.help_request_create(
            author=author,
            title=f"R{i}",
            category=category,
            location=Point(2.37 + i * 0.0001, 48.86, srid=4326),
        )
    body = api.get("/api/v1/map", {"bbox": PARIS_11, "zoom": 17}).json()
    assert body["clustered"]
    assert len(body["features"]) <= 20
    assert sum(f["properties"]["count"] for f in body["features"]) == 30


@pytest.mark.parametrize(
    "params",
    [
        {"bbox": "2.4,48.8,2.3,48.9", "zoom": 14},  # inverted
        {"bbox": "2.3,48.9,2.4,48.8", "zoom": 14},  # inverted
        {"bbox": "-10,40,10,55", "zoom": 5},  # larger than the cap
        {"bbox": "2.3,48.8,2.4", "zoom": 14},
        {"bbox": "a,b,c,d", "zoom": 14},
        {"bbox": "nan,48.8,2.4,48.9", "zoom": 14},
        {"bbox": "2.3,48.8,inf,48.9", "zoom": 14},
        {"bbox": "2.3,95,2.4,96", "zoom": 14},
        {"bbox": "2.3,48.8,2.4,48.9", "zoom": 99},
        {"bbox": "2.3,48.8,2.4,48.9", "zoom": "z"},
        {"bbox": "2.3,48.8,2.4,48.9"},
        {"zoom": 14},
        {"bbox": "2.3,48.8,2.4,48.9", "zoom": 14, "extra": 1},
    ],
)
def test_bad_boxes_are_400(api, params):
    response = api.get("/api/v1/map", params)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["error"] == "invalid" and body["detail"]


def test_map_query_count_is_fixed(api, many_requests, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        api.get("/api/v1/map", {"bbox": PARIS_11, "zoom": 16})
    with django_assert_max_num_queries(2):
        api.get("/api/v1/map", {"bbox": PARIS_11, "zoom": 12})
