import pytest
from django.core.management import call_command

from neighbors.models import User
from requests_board.models import HelpRequest, VolunteerOffer

pytestmark = pytest.mark.django_db


def test_seed_demo_is_believable_and_idempotent():
    call_command("seed_demo")
    call_command("seed_demo")
    assert User.objects.count() == 30
    assert User.objects.filter(home__isnull=False, home_public__isnull=False).count() == 30
    assert HelpRequest.objects.count() == 8
    assert VolunteerOffer.objects.count() == 6
    titles = set(HelpRequest.objects.values_list("title", flat=True))
    assert "Courses au marché Popincourt" in titles and "Fix a dripping kitchen tap" in titles
    # Every home is in the 11th arrondissement's neighbourhood.
    for user in User.objects.all():
        assert 48.85 < user.home.y < 48.87 and 2.36 < user.home.x < 2.39


def test_demo_map_shows_public_points_only(client):
    call_command("seed_demo")
    page = client.get("/").content.decode()
    assert page.count('data-kind="request"') == 8
    features = client.get("/api/v1/map", {"bbox": "2.35,48.85,2.40,48.875", "zoom": 16}).json()
    points = {
        (f["properties"]["kind"], f["properties"]["id"]): f["geometry"]["coordinates"]
        for f in features["features"]
    }
    assert len(points) == 8 + 6
    for request in HelpRequest.objects.all():
        lng, lat = points[("request", request.pk)]
        assert (round(lng, 6), round(lat, 6)) == (
            round(request.public_location.x, 6),
            round(request.public_location.y, 6),
        )
        assert f"{request.location.y:.5f}" not in page
