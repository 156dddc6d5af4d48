from django.apps import AppConfig


class GeoConfig(AppConfig):
    """Points, location privacy (public points, distance bands), walking estimates, geocoding."""

    name = "geo"
