import pytest
from django.utils import translation

from geo.geocoding import GeocodingError, geocode


def test_geocode_through_geopy_against_the_stand_in(geocoder):
    place = geocode("1 place Léon Blum, Paris", language="fr")
    assert (place.lat, place.lng) == (48.85757, 2.37982)
    assert "Léon Blum" in place.label
    assert geocoder.queries[-1]["accept-language"] == "fr"


@pytest.mark.parametrize("mode", ["error", "slow"])
def test_geocoder_errors_become_a_user_message(geocoder, mode):
    geocoder.mode = mode
    with translation.override("en"), pytest.raises(GeocodingError, match="not available"):
        geocode("12 rue Oberkampf, Paris")


def test_empty_address(geocoder):
    with pytest.raises(GeocodingError):
        geocode("   ")
    assert geocoder.queries == []
