"""/api/v1/auth/*, /api/v1/me: thin views over neighbors.services and selectors."""

from django.contrib.auth import authenticate
from django.db import transaction
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from config.api import StrictSerializer, django_validation_errors
from geo.serializers import LatLngSerializer
from neighbors import selectors, services
from neighbors.models import SPOKEN_LANGUAGES, WALK_RADIUS_MAX_M, WALK_RADIUS_MIN_M
from requests_board.models import HelpCategory


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    display_name = serializers.CharField()
    home = LatLngSerializer(allow_null=True, help_text="Exact home; only its owner sees it.")
    walk_radius_m = serializers.IntegerField()
    skills = serializers.SerializerMethodField(help_text="Category slugs.")
    languages = serializers.ListField(child=serializers.CharField())
    email_notifications = serializers.BooleanField()

    def get_skills(self, user) -> list[str]:
        return [category.slug for category in user.skills.all()]


class MeUpdateSerializer(StrictSerializer):
    display_name = serializers.CharField(max_length=60, required=False)
    home = LatLngSerializer(allow_null=True, required=False)
    walk_radius_m = serializers.IntegerField(
        min_value=WALK_RADIUS_MIN_M, max_value=WALK_RADIUS_MAX_M, required=False
    )
    skills = serializers.SlugRelatedField(
        slug_field="slug", many=True, queryset=HelpCategory.objects.all(), required=False
    )
    languages = serializers.ListField(
        child=serializers.ChoiceField(choices=SPOKEN_LANGUAGES), required=False, max_length=20
    )
    email_notifications = serializers.BooleanField(required=False)


class SignupSerializer(StrictSerializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, trim_whitespace=False)
    display_name = serializers.CharField(max_length=60)


class TokenRequestSerializer(StrictSerializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class SignupView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "signup"

    @extend_schema(
        request=SignupSerializer,
        responses={
            201: inline_serializer(
                "SignupResult", {"token": serializers.CharField(), "user": MeSerializer()}
            )
        },
    )
    def post(self, request):
        data = SignupSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with django_validation_errors(), transaction.atomic():
            user = services.user_signup(**data.validated_data, request=request._request)
            token = services.user_api_token(user=user)
        user = selectors.user_profile_get(user=user)
        return Response(
            {"token": token, "user": MeSerializer(user).data}, status=status.HTTP_201_CREATED
        )


class TokenView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: inline_serializer("TokenResult", {"token": serializers.CharField()})},
    )
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            email=data.validated_data["email"].lower(),
            password=data.validated_data["password"],
        )
        if user is None:
            return Response(
                {"error": "invalid_credentials", "detail": "Wrong email or password."},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response({"token": services.user_api_token(user=user)})


class EraseSerializer(StrictSerializer):
    password = serializers.CharField(trim_whitespace=False)


class MeView(APIView):
    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(selectors.user_profile_get(user=request.user)).data)

    @extend_schema(request=MeUpdateSerializer, responses=MeSerializer)
    def patch(self, request):
        data = MeUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        with django_validation_errors():
            services.user_profile_update(user=request.user, **data.validated_data)
        return Response(MeSerializer(selectors.user_profile_get(user=request.user)).data)

    @extend_schema(
        request=EraseSerializer,
        responses={204: None},
        description="Erases the caller's account, irreversibly; the password confirms it.",
    )
    def delete(self, request):
        data = EraseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with django_validation_errors():
            services.account_erase(user=request.user, password=data.validated_data["password"])
        if request.session is not None:
            request.session.flush()
        return Response(status=status.HTTP_204_NO_CONTENT)


class ExportView(APIView):
    @extend_schema(
        responses=inline_serializer("Export", {"format": serializers.CharField()}),
        description="Everything the app holds about the caller, as one JSON document.",
    )
    def get(self, request):
        response = Response(services.account_export(user=request.user))
        response["Content-Disposition"] = 'attachment; filename="entraide-my-data.json"'
        return response
