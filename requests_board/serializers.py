"""The board's JSON shapes. Every position goes through geo.public (public
points) or, for those selectors allow, geo.points.lat_lng (exact points)."""

import math
from datetime import datetime

from django.conf import settings
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from common.api import QuerySerializer, StrictSerializer
from geo.points import lat_lng
from geo.public import public_place
from geo.serializers import LatLngSerializer
from neighbors.models import WALK_RADIUS_MAX_M, WALK_RADIUS_MIN_M, HelpCategory
from requests_board import selectors
from requests_board.models import HelpRequest, PartOfDay, Urgency
from requests_board.services.requests import needed_by_check


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()


class HelpRequestSerializer(serializers.Serializer):
    """A request as `context["viewer"]` may see it."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    category = serializers.CharField(source="category.slug", help_text="Category slug.")
    category_name = serializers.CharField(source="category.name")
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    status = serializers.ChoiceField(choices=HelpRequest.Status.choices)
    needed_on = serializers.DateField(allow_null=True, help_text="The day the help is for.")
    part_of_day = serializers.ChoiceField(choices=PartOfDay.choices)
    needed_by = serializers.DateField(allow_null=True)
    max_distance_m = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    author = PersonSerializer(allow_null=True)  # null once the author erased their account
    public_location = serializers.SerializerMethodField()
    location = serializers.SerializerMethodField()
    meeting_address = serializers.SerializerMethodField(
        help_text="The meeting point in words, where `location` is given (found in the "
        "background; empty until then or if the geocoder cannot say)."
    )
    meeting_note = serializers.SerializerMethodField(
        help_text="The author's note about the place, where `location` is given."
    )
    distance_band = serializers.SerializerMethodField()
    walk_minutes = serializers.SerializerMethodField()
    helper = serializers.SerializerMethodField()
    addressed_to = serializers.SerializerMethodField(
        help_text="The offer the request was addressed to first; only for its author and "
        "that volunteer."
    )
    addressed_until = serializers.SerializerMethodField(
        help_text="Until when the waves wait for that volunteer; same audience."
    )
    for_neighbour = serializers.SerializerMethodField(
        help_text="Posted by a relay (the author) for a neighbour without internet."
    )
    on_behalf_of = serializers.SerializerMethodField(
        help_text="That neighbour, `{id, first_name}`: for the relay alone."
    )

    def _viewer(self):
        return self.context.get("viewer")

    def get_public_location(self, obj) -> dict:
        return public_place(obj)["public_location"]

    def get_location(self, obj) -> dict | None:
        """Present only for the author and, once accepted, the helper."""
        if self._exact_visible(obj):
            return lat_lng(obj.location)
        return None

    def _exact_visible(self, obj) -> bool:
        cache = self.context.setdefault("_exact", {})
        if obj.pk not in cache:
            cache[obj.pk] = selectors.help_request_exact_visible(viewer=self._viewer(), request=obj)
        return cache[obj.pk]

    def get_meeting_address(self, obj) -> str | None:
        return obj.meeting_address if self._exact_visible(obj) else None

    def get_meeting_note(self, obj) -> str | None:
        return obj.meeting_note if self._exact_visible(obj) else None

    def _distance(self, obj):
        cache = self.context.setdefault("_distance", {})
        if obj.pk not in cache:
            cache[obj.pk] = selectors.help_request_view_distance(viewer=self._viewer(), request=obj)
        return cache[obj.pk]

    def get_distance_band(self, obj) -> str | None:
        match = self._distance(obj)
        return match.band.code if match else None

    def get_walk_minutes(self, obj) -> int | None:
        match = self._distance(obj)
        return match.walk_minutes if match else None

    def get_helper(self, obj) -> dict | None:
        viewer = self._viewer()
        if obj.helper_id and viewer is not None and viewer.pk in (obj.author_id, obj.helper_id):
            return {"id": obj.helper_id, "display_name": obj.helper.display_name}
        return None

    def _addressed_visible(self, obj) -> bool:
        viewer = self._viewer()
        if obj.addressed_to_id is None or viewer is None or not viewer.is_authenticated:
            return False
        return viewer.pk == obj.author_id or viewer.pk == obj.addressed_to.volunteer_id

    def get_addressed_to(self, obj) -> int | None:
        return obj.addressed_to_id if self._addressed_visible(obj) else None

    def get_addressed_until(self, obj) -> datetime | None:
        if not self._addressed_visible(obj):
            return None
        return serializers.DateTimeField().to_representation(obj.addressed_until)

    def get_for_neighbour(self, obj) -> bool:
        return obj.on_behalf_of_id is not None

    def get_on_behalf_of(self, obj) -> dict | None:
        viewer = self._viewer()
        if obj.on_behalf_of_id is None or viewer is None or viewer.pk != obj.author_id:
            return None
        return {"id": obj.on_behalf_of_id, "first_name": obj.on_behalf_of.first_name}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if data["on_behalf_of"] is None:
            del data["on_behalf_of"]
        if data["location"] is None:
            for private in ("location", "meeting_address", "meeting_note"):
                del data[private]
        if data["addressed_to"] is None:
            del data["addressed_to"], data["addressed_until"]
        return data


class NearbyHelpRequestSerializer(HelpRequestSerializer):
    """A result of GET /requests/nearby, for the schema: matches_data adds
    these to HelpRequestSerializer's fields."""

    distance_label = serializers.CharField(help_text="The distance band, in words.")
    reasons = serializers.ListField(
        child=serializers.CharField(), help_text="Why it is shown, in words."
    )


def matches_data(matches, *, context, item_serializer) -> list[dict]:
    """Nearby results: the items serialized in one pass (one serializer for
    the page, not one per row), plus band, minutes and reasons."""
    # The viewer's distance to each item is already known: do not recompute it.
    context = {**context, "_distance": {m.item.pk: m for m in matches}}
    items = item_serializer([m.item for m in matches], many=True, context=context).data
    for data, match in zip(items, matches, strict=True):
        data.update(
            distance_band=match.band.code,
            distance_label=str(match.band.label),
            walk_minutes=match.walk_minutes,
            reasons=[str(r) for r in match.reasons],
        )
    return items


PUBLISH_ANYWAY_HELP = (
    "Text that seems to hold a phone number, an email or a street address is refused "
    '(400, error "personal_data") unless this is true; it is then published and flagged to '
    "moderators."
)


class HelpRequestCreateSerializer(StrictSerializer):
    title = serializers.CharField(max_length=120)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    category = serializers.SlugRelatedField(slug_field="slug", queryset=HelpCategory.objects.all())
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    location = LatLngSerializer(
        required=False,
        help_text="The meeting point. Required, except with `on_behalf_of`: then the "
        "neighbour's place unless given.",
    )
    on_behalf_of = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text="A relay posts for one of the neighbours they keep "
        "(GET /relay/neighbours); anyone else, or another relay's neighbour: 400 "
        "(`fields.on_behalf_of`).",
    )
    needed_by = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="The last day the help is of use: today or later (in the server's time "
        "zone), and not before `needed_on`; otherwise 400.",
    )
    needed_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="The day the help is for: today or later; `needed_by` defaults to it.",
    )
    part_of_day = serializers.ChoiceField(
        choices=PartOfDay.choices, required=False, default="", allow_blank=True
    )
    meeting_note = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text="A note about the meeting place; only the accepted helper sees it.",
    )
    max_distance_m = serializers.IntegerField(
        min_value=100, max_value=3000, required=False, allow_null=True
    )
    addressed_to = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text="An offer id: the request goes to that volunteer first, and to the usual "
        "waves if she has not answered within DIRECT_REQUEST_MINUTES. Only an offer the "
        "caller is shown (GET /offers/nearby) can be asked; otherwise 400 "
        "(`fields.addressed_to`).",
    )
    publish_anyway = serializers.BooleanField(
        required=False, default=False, help_text=PUBLISH_ANYWAY_HELP
    )

    def validate_needed_by(self, value):
        needed_by_check(value)  # a Django ValidationError: DRF answers it under the field
        return value

    def validate_needed_on(self, value):
        needed_by_check(value)
        return value

    def to_internal_value(self, data):
        # `location` is required unless `on_behalf_of` is given: said with
        # the other fields' errors, not after them.
        errors = {}
        if isinstance(data, dict) and data.get("location") is None and not data.get("on_behalf_of"):
            errors["location"] = [serializers.Field.default_error_messages["required"]]
        try:
            attrs = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({**errors, **exc.detail}) from exc
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class ResponseCreateSerializer(StrictSerializer):
    message = serializers.CharField(max_length=1000)


class AcceptSerializer(StrictSerializer):
    helper = serializers.IntegerField(min_value=1, help_text="The responding volunteer's user id.")


class EmptySerializer(StrictSerializer):
    pass


class VolunteerSerializer(PersonSerializer):
    phone_verified = serializers.SerializerMethodField(
        help_text="The volunteer verified a phone number by a texted code (never the number)."
    )

    def get_phone_verified(self, user) -> bool:
        return user.phone_verified_at is not None


class ResponseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    volunteer = VolunteerSerializer()
    message = serializers.CharField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()
    distance_band = serializers.SerializerMethodField()

    def get_distance_band(self, obj) -> str | None:
        band = selectors.response_distance(request=obj.request, volunteer=obj.volunteer)
        return band.code if band else None


class OfferSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    volunteer = PersonSerializer()
    categories = serializers.SerializerMethodField(help_text="Category slugs.")
    radius_m = serializers.IntegerField()
    availability = serializers.CharField()
    note = serializers.CharField()
    is_active = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    public_location = serializers.SerializerMethodField()

    def get_public_location(self, obj) -> dict:
        return public_place(obj)["public_location"]

    def get_categories(self, obj) -> list[str]:
        return [category.slug for category in obj.categories.all()]


class NearbyOfferSerializer(OfferSerializer):
    """A result of GET /offers/nearby, for the schema (see matches_data)."""

    distance_band = serializers.CharField()
    distance_label = serializers.CharField(help_text="The distance band, in words.")
    walk_minutes = serializers.IntegerField()
    reasons = serializers.ListField(
        child=serializers.CharField(), help_text="Why it is shown, in words."
    )


class OfferCreateSerializer(StrictSerializer):
    categories = serializers.SlugRelatedField(
        slug_field="slug", many=True, queryset=HelpCategory.objects.all(), allow_empty=False
    )
    radius_m = serializers.IntegerField(
        min_value=WALK_RADIUS_MIN_M, max_value=WALK_RADIUS_MAX_M, required=False
    )
    availability = serializers.CharField(max_length=200, required=False, allow_blank=True)
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    publish_anyway = serializers.BooleanField(
        required=False, default=False, help_text=PUBLISH_ANYWAY_HELP
    )


class OfferNearbyQuerySerializer(QuerySerializer):
    page = serializers.IntegerField(
        min_value=1,
        max_value=1000,
        required=False,
        default=1,
        help_text="1-based; at most 50 results a page.",
    )
    category = serializers.SlugRelatedField(
        slug_field="slug", queryset=HelpCategory.objects.all(), required=False
    )


class NearbyQuerySerializer(OfferNearbyQuerySerializer):
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    band = serializers.ChoiceField(
        choices=["under_500m", "about_1km", "about_2km", "about_3km"], required=False
    )


_NUMBER = r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
BBOX_MESSAGE = _("Four numbers: minLng,minLat,maxLng,maxLat.")


class MapQuerySerializer(QuerySerializer):
    bbox = serializers.CharField(
        trim_whitespace=False,  # the pattern is the whole value
        help_text="minLng,minLat,maxLng,maxLat: longitudes from -180 to 180, latitudes from "
        "-90 to 90, each minimum below its maximum, at most 2 degrees of longitude by 1 of "
        "latitude (otherwise 400).",
        validators=[RegexValidator(f"^{_NUMBER},{_NUMBER},{_NUMBER},{_NUMBER}$", BBOX_MESSAGE)],
    )
    zoom = serializers.IntegerField(min_value=0, max_value=22)

    def validate_bbox(self, value):
        parts = value.split(",")
        if len(parts) != 4:
            raise serializers.ValidationError(BBOX_MESSAGE)
        try:
            min_lng, min_lat, max_lng, max_lat = (float(p) for p in parts)
        except ValueError:
            raise serializers.ValidationError(BBOX_MESSAGE) from None
        if not all(math.isfinite(v) for v in (min_lng, min_lat, max_lng, max_lat)):
            raise serializers.ValidationError(_("Coordinates must be finite numbers."))
        if not (-180 <= min_lng <= 180 and -180 <= max_lng <= 180):
            raise serializers.ValidationError(_("Longitudes are between -180 and 180."))
        if not (-90 <= min_lat <= 90 and -90 <= max_lat <= 90):
            raise serializers.ValidationError(_("Latitudes are between -90 and 90."))
        if min_lng >= max_lng or min_lat >= max_lat:
            raise serializers.ValidationError(
                _("The box is inverted or empty (min must be below max).")
            )
        max_dlng, max_dlat = settings.MAP_BBOX_MAX_SPAN
        if max_lng - min_lng > max_dlng or max_lat - min_lat > max_dlat:
            raise serializers.ValidationError(
                _(
                    "The box is too large: at most %(lng)s degrees of longitude "
                    "by %(lat)s of latitude."
                )
                % {"lng": max_dlng, "lat": max_dlat}
            )
        return (min_lng, min_lat, max_lng, max_lat)
