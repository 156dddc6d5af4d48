import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.core.management import call_command

from geo.models import Zone
from tests.chat.conftest import conversation, stranger  # noqa: F401 (shared fixtures)
from tests.factories import UserFactory


def _box(min_lng, min_lat, max_lng, max_lat) -> MultiPolygon:
    return MultiPolygon(Polygon.from_bbox((min_lng, min_lat, max_lng, max_lat)), srid=4326)


@pytest.fixture
def zones(db):
    """Paris 11e (where the conversation fixture lives) and Lyon."""
    return {
        "paris": Zone.objects.create(name="Paris 11", area=_box(2.36, 48.85, 2.39, 48.87)),
        "lyon": Zone.objects.create(name="Lyon", area=_box(4.80, 45.72, 4.90, 45.80)),
    }


@pytest.fixture
def moderators(zones):
    """One moderator per zone, made the way an operator would: the command."""
    paris = UserFactory(display_name="Modo Paris", email="modo.paris@example.org")
    lyon = UserFactory(display_name="Modo Lyon", email="modo.lyon@example.org")
    call_command("moderator", "add", paris.email, "--zone", "Paris 11")
    call_command("moderator", "add", lyon.email, "--zone", "Lyon")
    return {"paris": paris, "lyon": lyon}
