"""/api/v1/relay/neighbours: the neighbours without internet a relay keeps.
(Withdrawing a consent, DELETE .../{id}, erases what hangs on the neighbour
in every app: data_rights.api.)"""

from contextlib import contextmanager
from datetime import datetime

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import StrictSerializer, django_validation_errors
from geo.points import lat_lng
from geo.serializers import LatLngSerializer
from neighbors.models import SPOKEN_LANGUAGES
from relays import selectors, services
from relays.models import ConsentHow


class ConsentDayField(serializers.DateField):
    """A day ("2026-12-04"); a moment ("2026-12-04T10:00:00Z") gives its day."""

    def to_internal_value(self, value):
        if isinstance(value, str) and "T" in value:
            try:
                return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
            except ValueError:
                pass
        return super().to_internal_value(value)


class ConsentSerializer(StrictSerializer):
    given_at = ConsentDayField(help_text="The day the neighbour agreed: today or before.")
    how = serializers.ChoiceField(choices=ConsentHow.choices)


class KeptNeighbourCreateSerializer(StrictSerializer):
    first_name = serializers.CharField(max_length=60)
    phone = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        default="",
        help_text="Any usual way of writing it; stored in E.164. Seen by their relay alone.",
    )
    place = LatLngSerializer(help_text="Where the neighbour lives: exact and private.")
    languages = serializers.ListField(
        child=serializers.ChoiceField(choices=SPOKEN_LANGUAGES), required=False, default=list
    )
    texts = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Carry their requests' conversations by text message (needs `phone`).",
    )
    consent = ConsentSerializer()


@contextmanager
def _consent_fields():
    """The service's consent_given_at and consent_how are consent.given_at
    and consent.how in the API."""
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        renamed = {"consent_given_at": "consent.given_at", "consent_how": "consent.how"}
        raise ValidationError(
            {renamed.get(name, name): errors for name, errors in exc.message_dict.items()}
        ) from exc


def neighbour_data(neighbour) -> dict:
    return {
        "id": neighbour.pk,
        "first_name": neighbour.first_name,
        "phone": neighbour.phone,
        "phone_shown": neighbour.phone_shown,
        "place": lat_lng(neighbour.place) if neighbour.place else None,
        "languages": neighbour.languages,
        "texts": neighbour.texts,
        "consent": {
            "given_at": neighbour.consent_given_at.isoformat(),
            "how": neighbour.consent_how,
        },
        "created_at": neighbour.created_at.isoformat(),
    }


class KeptNeighbourSerializer(serializers.Serializer):
    """The schema of neighbour_data."""

    id = serializers.IntegerField()
    first_name = serializers.CharField()
    phone = serializers.CharField(help_text="E.164, or empty.")
    phone_shown = serializers.CharField(help_text="The number as it is usually written.")
    place = LatLngSerializer(allow_null=True, help_text="Null once retention removed it.")
    languages = serializers.ListField(child=serializers.CharField())
    texts = serializers.BooleanField()
    consent = ConsentSerializer()
    created_at = serializers.DateTimeField()


class KeptNeighbourListView(APIView):
    @extend_schema(responses={200: KeptNeighbourSerializer(many=True)})
    def get(self, request):
        selectors.relay_check(request.user)
        neighbours = selectors.kept_neighbours_list(relay_user=request.user)
        return Response([neighbour_data(n) for n in neighbours])

    @extend_schema(
        request=KeptNeighbourCreateSerializer,
        responses={201: inline_serializer("KeptNeighbourId", {"id": serializers.IntegerField()})},
    )
    def post(self, request):
        selectors.relay_check(request.user)
        data = KeptNeighbourCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        with django_validation_errors(), _consent_fields():
            neighbour = services.kept_neighbour_add(
                relay_user=request.user,
                first_name=fields["first_name"],
                phone=fields["phone"],
                place=fields["place"],
                languages=fields["languages"],
                texts=fields["texts"],
                consent_given_at=fields["consent"]["given_at"],
                consent_how=fields["consent"]["how"],
            )
        return Response({"id": neighbour.pk}, status=status.HTTP_201_CREATED)
