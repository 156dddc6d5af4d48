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
    for request in HelpRequest.objects.all():
        assert f"{request.location.y:.5f}" not in page
        assert f"{request.public_location.y:.6f}".rstrip("0") in page
