"""/api/v1/ help board endpoints: thin views over services and selectors."""

from contextlib import contextmanager

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import StrictSerializer, django_validation_errors
from requests_board import impact, selectors, services
from requests_board.serializers import (
    AcceptSerializer,
    EmptySerializer,
    HelpRequestCreateSerializer,
    HelpRequestSerializer,
    MapQuerySerializer,
    NearbyHelpRequestSerializer,
    NearbyOfferSerializer,
    NearbyQuerySerializer,
    OfferCreateSerializer,
    OfferNearbyQuerySerializer,
    OfferSerializer,
    ResponseCreateSerializer,
    ResponseSerializer,
    matches_data,
)


class CategorySerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField(help_text="In the language of the request (Accept-Language).")
    name_en = serializers.CharField()
    name_fr = serializers.CharField()
    icon = serializers.CharField()


class CategoryListView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=CategorySerializer(many=True))
    def get(self, request):
        return Response(CategorySerializer(selectors.categories_list(), many=True).data)


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "invalid_transition"


@contextmanager
def service_errors():
    """Service exceptions as API errors: 400 for input, 409 for transitions
    (403 and 404 come from PermissionDenied and Http404 themselves)."""
    with django_validation_errors():
        try:
            yield
        except services.TransitionError as exc:
            raise Conflict(detail=exc.message, code=exc.code) from exc


def _request_data(request, help_request):
    return HelpRequestSerializer(help_request, context={"viewer": request.user}).data


def _page_data(request, page, item_serializer):
    return {
        "page": page.page,
        "has_next": page.has_next,
        "results": matches_data(
            page.results, context={"viewer": request.user}, item_serializer=item_serializer
        ),
    }


def _query(serializer_class, request):
    data = serializer_class(data=request.query_params.dict())
    data.is_valid(raise_exception=True)
    return data.validated_data


class HelpRequestListView(APIView):
    @extend_schema(request=HelpRequestCreateSerializer, responses={201: HelpRequestSerializer})
    def post(self, request):
        data = HelpRequestCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            help_request = services.help_request_create(author=request.user, **data.validated_data)
        return Response(_request_data(request, help_request), status=status.HTTP_201_CREATED)


class HelpRequestDetailView(APIView):
    @extend_schema(responses=HelpRequestSerializer)
    def get(self, request, pk):
        help_request = selectors.help_request_for_viewer(viewer=request.user, request_id=pk)
        return Response(_request_data(request, help_request))


class HelpRequestNearbyView(APIView):
    @extend_schema(
        parameters=[NearbyQuerySerializer],
        description="Open requests near the caller's home, nearest first. 400 (`fields.home`) "
        "while the caller has no home.",
        responses=inline_serializer(
            "NearbyRequests",
            {
                "page": serializers.IntegerField(),
                "has_next": serializers.BooleanField(),
                "results": NearbyHelpRequestSerializer(many=True),
            },
        ),
    )
    def get(self, request):
        query = _query(NearbyQuerySerializer, request)
        category = query.get("category")
        with service_errors():
            page = selectors.help_requests_nearby(
                viewer=request.user,
                page=query["page"],
                category=category.slug if category else None,
                urgency=query.get("urgency"),
                band=query.get("band"),
            )
        return Response(_page_data(request, page, HelpRequestSerializer))


class HelpRequestResponsesView(APIView):
    @extend_schema(responses=ResponseSerializer(many=True))
    def get(self, request, pk):
        help_request = selectors.help_request_for_viewer(viewer=request.user, request_id=pk)
        responses = selectors.responses_for_author(viewer=request.user, request=help_request)
        return Response(ResponseSerializer(responses, many=True).data)

    @extend_schema(request=ResponseCreateSerializer, responses={201: ResponseSerializer})
    def post(self, request, pk):
        help_request = selectors.help_request_for_viewer(viewer=request.user, request_id=pk)
        data = ResponseCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            response = services.help_request_respond(
                request=help_request, volunteer=request.user, message=data.validated_data["message"]
            )
        return Response(ResponseSerializer(response).data, status=status.HTTP_201_CREATED)


class HelpRequestAcceptView(APIView):
    @extend_schema(request=AcceptSerializer, responses=HelpRequestSerializer)
    def post(self, request, pk):
        help_request = selectors.help_request_for_viewer(viewer=request.user, request_id=pk)
        data = AcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            help_request = services.help_request_accept(
                request=help_request,
                requester=request.user,
                helper_id=data.validated_data["helper"],
            )
        return Response(_request_data(request, help_request))


class _TransitionView(APIView):
    transition = None

    @extend_schema(request=EmptySerializer, responses=HelpRequestSerializer)
    def post(self, request, pk):
        help_request = selectors.help_request_for_viewer(viewer=request.user, request_id=pk)
        if request.data:
            EmptySerializer(data=request.data).is_valid(raise_exception=True)
        with service_errors():
            help_request = type(self).transition(request=help_request, user=request.user)
        return Response(_request_data(request, help_request))


class HelpRequestCompleteView(_TransitionView):
    transition = services.help_request_complete


class HelpRequestCancelView(_TransitionView):
    transition = services.help_request_cancel


class HelpRequestDeclineView(_TransitionView):
    """The volunteer a request was addressed to cannot this time: it goes to
    the usual waves at once (409 for anyone else, or once they started)."""

    transition = services.help_request_decline


class OfferListView(APIView):
    @extend_schema(request=OfferCreateSerializer, responses={201: OfferSerializer})
    def post(self, request):
        data = OfferCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            offer = services.offer_create(volunteer=request.user, **data.validated_data)
        return Response(OfferSerializer(offer).data, status=status.HTTP_201_CREATED)


class OfferNearbyView(APIView):
    @extend_schema(
        parameters=[OfferNearbyQuerySerializer],
        description="Active offers near the caller's home, nearest first. 400 (`fields.home`) "
        "while the caller has no home.",
        responses=inline_serializer(
            "NearbyOffers",
            {
                "page": serializers.IntegerField(),
                "has_next": serializers.BooleanField(),
                "results": NearbyOfferSerializer(many=True),
            },
        ),
    )
    def get(self, request):
        query = _query(OfferNearbyQuerySerializer, request)
        category = query.get("category")
        with service_errors():
            page = selectors.offers_nearby(
                viewer=request.user,
                page=query["page"],
                category=category.slug if category else None,
            )
        return Response(_page_data(request, page, OfferSerializer))


class MapView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[MapQuerySerializer],
        responses={
            200: inline_serializer(
                "FeatureCollection",
                {"type": serializers.CharField(), "features": serializers.ListField()},
            )
        },
    )
    def get(self, request):
        query = _query(MapQuerySerializer, request)
        return Response(
            selectors.map_features(bbox=query["bbox"], zoom=query["zoom"], viewer=request.user)
        )


# --- Follow-up and impact -----------------------------------------------------------


class FollowUpSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    request = serializers.IntegerField(source="request_id")
    request_title = serializers.CharField(source="request.title")
    role = serializers.CharField()
    score = serializers.IntegerField(allow_null=True)
    comment = serializers.CharField()
    asked_at = serializers.DateTimeField()
    answered_at = serializers.DateTimeField(allow_null=True)


class FollowUpAnswerSerializer(StrictSerializer):
    score = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=1000, required=False, allow_blank=True)


class FollowUpListView(APIView):
    @extend_schema(responses=FollowUpSerializer(many=True))
    def get(self, request):
        items = selectors.follow_ups_of(user=request.user)
        return Response(FollowUpSerializer(items, many=True).data)


class FollowUpAnswerView(APIView):
    @extend_schema(request=FollowUpAnswerSerializer, responses=FollowUpSerializer)
    def post(self, request, pk):
        follow_up = selectors.follow_up_of(user=request.user, follow_up_id=pk)
        data = FollowUpAnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with django_validation_errors():
            follow_up = services.follow_up_answer(
                follow_up=follow_up,
                score=data.validated_data["score"],
                comment=data.validated_data.get("comment"),
            )
        return Response(FollowUpSerializer(follow_up).data)


class ImpactView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        responses=inline_serializer(
            "Impact",
            {
                "k": serializers.IntegerField(),
                "overall": serializers.DictField(),
                "zones": serializers.ListField(child=serializers.DictField()),
                "months": serializers.ListField(child=serializers.DictField()),
                "licence": serializers.DictField(),
            },
        ),
        description="Public aggregates; any figure over fewer than k distinct people is "
        'suppressed ({"suppressed": true}).',
    )
    def get(self, request):
        return Response(impact.impact_figures())
