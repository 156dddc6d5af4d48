"""/api/v1/auth/*, /api/v1/me: thin views over neighbors.services and selectors."""

import logging
import time

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.crypto import salted_hmac
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import Throttled
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from common.api import StrictSerializer, django_validation_errors
from geo.serializers import LatLngSerializer
from neighbors import notify, selectors, services
from neighbors.models import SPOKEN_LANGUAGES, WALK_RADIUS_MAX_M, WALK_RADIUS_MIN_M, HelpCategory


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    display_name = serializers.CharField()
    home = LatLngSerializer(allow_null=True, help_text="Exact home; only its owner sees it.")
    walk_radius_m = serializers.IntegerField()
    skills = serializers.SerializerMethodField(help_text="Category slugs.")
    languages = serializers.ListField(child=serializers.CharField())
    email_notifications = serializers.BooleanField()
    email_my_requests = serializers.BooleanField(
        help_text="Emails about my own requests and offers of help (on by default)."
    )
    phone = serializers.CharField(
        help_text="The caller's verified phone number (E.164), or empty; only its owner sees it "
        "(POST /me/phone to verify one)."
    )
    phone_verified = serializers.SerializerMethodField()

    def get_phone_verified(self, user) -> bool:
        return user.phone_verified_at is not None

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
    email_my_requests = serializers.BooleanField(required=False)


class SignupSerializer(StrictSerializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, trim_whitespace=False)
    display_name = serializers.CharField(max_length=60)


class TokenRequestSerializer(StrictSerializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, trim_whitespace=False)


# "This address has an account" answers of the sign-up API, per client IP and
# per address: (how many, per seconds) before they turn into 429s, so that a
# list of addresses cannot be checked against the app (issue 10, finding 9).
# settings.API_SIGNUP_TAKEN_EMAIL_LIMITS may override them.
TAKEN_EMAIL_LIMITS = {"ip": (5, 3600), "email": (3, 3600)}
logger = logging.getLogger(__name__)


def _email_taken(exc: DjangoValidationError) -> bool:
    errors = getattr(exc, "error_dict", {}).get("email", [])
    return any(error.code == "email_taken" for error in errors)


def _taken_email_wait(request, email: str) -> int | None:
    """Counts one more "email taken" answer for this client and this
    address; the seconds to wait if either is over its limit, else None.
    The counters live in the cache (Redis in the scaled setup, shared by
    every worker); if it is down the answer goes out as before."""
    limits = getattr(settings, "API_SIGNUP_TAKEN_EMAIL_LIMITS", TAKEN_EMAIL_LIMITS)
    # Keyed, so that the cache holds no address in a recoverable form.
    address = salted_hmac("signup-taken-email", email.strip().lower()).hexdigest()
    client = request.META.get("REMOTE_ADDR") or "unknown"
    now = int(time.time())
    wait = None
    for kind, ident in (("ip", client), ("email", address)):
        allowed, seconds = limits[kind]
        key = f"signup-taken:{kind}:{ident}:{now // seconds}"
        try:
            cache.add(key, 0, timeout=seconds + 5)
            count = cache.incr(key)
        except Exception:  # the cache being down must not stop sign-ups
            logger.warning("sign-up counters unavailable", exc_info=True)
            continue
        if count > allowed:
            wait = max(wait or 0, seconds - now % seconds)
    return wait


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
            ),
            400: OpenApiResponse(
                description="Invalid input: `fields` has a list of messages per field. An "
                "address that already has an account is refused here, in `fields.email`."
            ),
            429: OpenApiResponse(
                description="Too many attempts: try again later (`Retry-After`). Besides the "
                "overall sign-up rate, refusals because an address already has an account are "
                "counted per client and per address: past a few an hour, further ones are 429 "
                "instead, so that a list of addresses cannot be checked against the app."
            ),
        },
        description="Creates an account and returns its API token; the address gets an email "
        "to verify it. An address that already has an account is refused (400, "
        "`fields.email`) only a few times an hour per client and per address, then 429.",
    )
    def post(self, request):
        data = SignupSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            with transaction.atomic():
                user = services.user_signup(
                    **data.validated_data, request=request._request, language=get_language()
                )
                token = services.user_api_token(user=user)
        except DjangoValidationError as exc:
            if _email_taken(exc):
                wait = _taken_email_wait(request, data.validated_data["email"])
                if wait is not None:
                    raise Throttled(
                        wait=wait, detail=_("Too many attempts: try again later.")
                    ) from None
            with django_validation_errors():
                raise
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
                {"error": "invalid_credentials", "detail": _("Wrong email or password.")},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response({"token": services.user_api_token(user=user)})


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


class _KindsSerializer(StrictSerializer):
    new_request = serializers.ChoiceField(choices=notify.CHANNELS, required=False)
    response = serializers.ChoiceField(choices=notify.CHANNELS, required=False)
    accepted = serializers.ChoiceField(choices=notify.CHANNELS, required=False)
    message = serializers.ChoiceField(choices=notify.CHANNELS, required=False)
    follow_up = serializers.ChoiceField(choices=notify.CHANNELS, required=False)


class _QuietHoursSerializer(StrictSerializer):
    start = serializers.RegexField(r"^([01][0-9]|2[0-3]):[0-5][0-9]$", help_text="HH:MM")
    end = serializers.RegexField(r"^([01][0-9]|2[0-3]):[0-5][0-9]$", help_text="HH:MM")


class NotificationSettingsSerializer(StrictSerializer):
    kinds = _KindsSerializer(help_text="How each kind reaches the user: push, email, both or none.")
    quiet_hours = _QuietHoursSerializer(
        allow_null=True, help_text="No push between these, in `time_zone`; null for none."
    )
    urgent_in_quiet_hours = serializers.BooleanField()
    lock_screen_titles = serializers.BooleanField(
        help_text="False: pushes never show a request's title on the lock screen."
    )
    digest = serializers.BooleanField(help_text="One email a day instead of single emails.")
    time_zone = serializers.ChoiceField(choices=sorted(notify.time_zones()))


class NotificationSettingsView(APIView):
    @extend_schema(responses=NotificationSettingsSerializer)
    def get(self, request):
        return Response(selectors.notify_settings_get(user=request.user))

    @extend_schema(request=NotificationSettingsSerializer, responses=NotificationSettingsSerializer)
    def patch(self, request):
        data = NotificationSettingsSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        with django_validation_errors():
            user = services.notify_settings_update(user=request.user, **data.validated_data)
        return Response(notify.settings_of(user))
