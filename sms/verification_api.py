"""/api/v1/me/phone: a volunteer's phone number, verified by a texted code."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import StrictSerializer, django_validation_errors
from sms import verification


class PhoneSerializer(StrictSerializer):
    phone = serializers.CharField(
        max_length=40,
        help_text="The number, with its country code if it is not from PHONE_REGION. "
        "A number that cannot be texted is a 400 (`fields.phone`).",
    )


class PhoneCodeSerializer(StrictSerializer):
    code = serializers.CharField(max_length=12, help_text="The 6 digits texted.")


class MePhoneView(APIView):
    @extend_schema(
        request=PhoneSerializer,
        responses={
            202: inline_serializer(
                "PhoneCodeSent",
                {"expires_at": serializers.DateTimeField(help_text="When the code stops working.")},
            ),
            429: OpenApiResponse(description="A code was asked for too recently or too often."),
        },
        description="Texts a 6-digit code to the number (any previous code is replaced).",
    )
    def post(self, request):
        data = PhoneSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with django_validation_errors():
            phone_code = verification.phone_code_send(
                user=request.user, phone=data.validated_data["phone"]
            )
        return Response(
            {"expires_at": serializers.DateTimeField().to_representation(phone_code.expires_at)},
            status=status.HTTP_202_ACCEPTED,
        )

    @extend_schema(responses={204: None}, description="Removes the number and its verification.")
    def delete(self, request):
        verification.phone_forget(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MePhoneVerifyView(APIView):
    @extend_schema(
        request=PhoneCodeSerializer,
        responses={
            200: inline_serializer("PhoneVerified", {"phone_verified": serializers.BooleanField()})
        },
        description="A wrong code spends one of its 5 tries; an expired or spent one is "
        "refused (400, `fields.code`).",
    )
    def post(self, request):
        data = PhoneCodeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with django_validation_errors():
            verification.phone_code_check(user=request.user, code=data.validated_data["code"])
        return Response({"phone_verified": True})
