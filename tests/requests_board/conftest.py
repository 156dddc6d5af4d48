import pytest
from django.contrib.gis.geos import Point

from geo.points import METRES_PER_DEGREE_LAT
from requests_board import services
from tests.factories import resident_at

# A point in Paris 11e, and offsets in metres north.
ORIGIN = (48.8600, 2.3700)


def north_of(metres: float) -> tuple[float, float]:
    return ORIGIN[0] + metres / METRES_PER_DEGREE_LAT, ORIGIN[1]


@pytest.fixture
def requester(db):
    """A: lives at ORIGIN."""
    return resident_at(*ORIGIN, display_name="Alice")


@pytest.fixture
def volunteer(db, category):
    """B: 600 m away, 1 km radius, helps with groceries."""
    user = resident_at(*north_of(600), display_name="Bruno", walk_radius_m=1000)
    user.skills.add(category)
    return user


@pytest.fixture
def far_volunteer(db, category):
    """C: 3 km away, 1 km radius."""
    user = resident_at(*north_of(3000), display_name="Chloé", walk_radius_m=1000)
    user.skills.add(category)
    return user


@pytest.fixture
def help_request(requester, category):
    lat, lng = ORIGIN
    return services.help_request_create(
        author=requester,
        title="Courses au marché",
        description="Du lait et des légumes",
        category=category,
        location=Point(lng, lat, srid=4326),
    )
