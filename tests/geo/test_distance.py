import pytest
from django.contrib.gis.geos import Point
from geopy.distance import geodesic

from geo.distance import band_for, metres_between, walk_minutes


@pytest.mark.parametrize(
    ("a", "b"),
    [((48.86, 2.37), (48.865, 2.37)), ((48.86, 2.37), (48.88, 2.40)), ((43.3, 5.4), (43.32, 5.37))],
)
def test_distance_is_within_half_a_percent_of_the_geodesic(a, b):
    ours = metres_between(Point(a[1], a[0], srid=4326), Point(b[1], b[0], srid=4326))
    assert ours == pytest.approx(geodesic(a, b).meters, rel=0.005)


@pytest.mark.parametrize(
    ("metres", "band", "minutes"),
    [
        (0, "under_500m", 5),
        (499, "under_500m", 10),
        (600, "about_1km", 10),
        (1000, "about_1km", 15),
        (1600, "about_2km", 30),
        (2600, "about_3km", 45),
    ],
)
def test_bands_and_walking_minutes(metres, band, minutes):
    assert band_for(metres).code == band
    assert walk_minutes(metres) == minutes
    assert walk_minutes(metres) % 5 == 0
