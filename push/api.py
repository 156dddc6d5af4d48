"""/api/v1/push/*: the server's public key, and the devices' subscriptions."""

from django.core.exceptions import ImproperlyConfigured
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import StrictSerializer, django_validation_errors
from push import services, vapid


class PushUnavailable(APIException):
    status_code = 503
    default_code = "push_unavailable"
    default_detail = "Web Push is not set up on this server."


class _KeysSerializer(StrictSerializer):
    p256dh = serializers.CharField(max_length=200, help_text="base64url, uncompressed P-256")
    auth = serializers.CharField(max_length=100, help_text="base64url, 16 bytes")


class SubscriptionSerializer(StrictSerializer):
    endpoint = serializers.CharField(
        max_length=1000,
        help_text="The push service's URL for this device: https on a public address "
        "(otherwise 400, `fields.endpoint`).",
    )
    keys = _KeysSerializer()


ID = inline_serializer("PushSubscriptionId", {"id": serializers.IntegerField()})


class PushKeyView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        responses={
            200: inline_serializer(
                "PushKey",
                {"public_key": serializers.CharField(help_text="base64url, uncompressed P-256")},
            ),
            503: OpenApiResponse(description="Web Push is not set up on this server."),
        }
    )
    def get(self, request):
        try:
            return Response({"public_key": vapid.public_key_b64url()})
        except ImproperlyConfigured:
            raise PushUnavailable from None


class PushSubscriptionListView(APIView):
    @extend_schema(
        request=SubscriptionSerializer,
        responses={201: ID, 200: OpenApiResponse(ID, description="The same endpoint again.")},
    )
    def post(self, request):
        data = SubscriptionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with django_validation_errors():
            subscription, created = services.subscription_save(
                user=request.user,
                endpoint=data.validated_data["endpoint"],
                p256dh=data.validated_data["keys"]["p256dh"],
                auth=data.validated_data["keys"]["auth"],
            )
        return Response(
            {"id": subscription.pk},
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class PushSubscriptionDetailView(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        services.subscription_delete(user=request.user, subscription_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)
