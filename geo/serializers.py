"""The API's representation of points."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from common.api import StrictSerializer
from geo.points import lat_lng, point_from_lat_lng


class LatLngSerializer(StrictSerializer):
    """{"lat": 48.85, "lng": 2.37} in, a validated Point out."""

    lat = serializers.FloatField(
        min_value=-90, max_value=90, help_text="Latitude, -90 to 90 (WGS 84)."
    )
    lng = serializers.FloatField(
        min_value=-180, max_value=180, help_text="Longitude, -180 to 180 (WGS 84)."
    )

    def validate(self, attrs):
        # A PATCH makes nested serializers partial too: insist on both halves.
        missing = {
            name: [_("This field is required.")] for name in ("lat", "lng") if name not in attrs
        }
        if missing:
            raise serializers.ValidationError(missing)
        try:
            return point_from_lat_lng(attrs["lat"], attrs["lng"])
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc

    def to_representation(self, instance):
        return lat_lng(instance)
