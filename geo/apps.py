from django.apps import AppConfig
from django.db.models.signals import post_migrate


class GeoConfig(AppConfig):
    """Points, location privacy (public points, distance bands), walking estimates, geocoding."""

    name = "geo"

    def ready(self):
        from geo.spatialite import spatial_indexes_ensure

        # No sender: Django sends post_migrate only to apps with models, which
        # geo has none of. Running once per app costs one small query.
        post_migrate.connect(spatial_indexes_ensure, dispatch_uid="geo.spatial_indexes_ensure")
