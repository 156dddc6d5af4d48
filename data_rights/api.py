"""/api/v1/me (DELETE: erasure) and /api/v1/me/export."""

from django.http import Http404
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import StrictSerializer, django_validation_errors
from data_rights import services
from neighbors import api as neighbors_api
from relays.models import KeptNeighbour


class EraseSerializer(StrictSerializer):
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class BodyOnDeleteSchema(AutoSchema):
    """drf-spectacular documents no body on DELETE; DELETE /me has one."""

    def _get_request_body(self, direction="request"):
        if self.method != "DELETE":
            return super()._get_request_body(direction)
        self.method = "POST"
        try:
            return super()._get_request_body(direction)
        finally:
            self.method = "DELETE"


def _schema_class(schema_class):
    def decorate(method):
        method.schema = schema_class
        return method

    return decorate


class MeView(neighbors_api.MeView):
    """/api/v1/me: the profile (GET, PATCH: neighbors) and its erasure (DELETE)."""

    @extend_schema(
        request=EraseSerializer,
        responses={
            204: None,
            400: OpenApiResponse(description="No password, or not the caller's (`fields`)."),
        },
        description="Erases the caller's account, irreversibly; the password confirms it.",
    )
    @_schema_class(BodyOnDeleteSchema)
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


class KeptNeighbourView(APIView):
    """DELETE /api/v1/relay/neighbours/{id}: the relay withdraws the
    neighbour's consent, which erases them (listing and adding them:
    relays.api)."""

    @extend_schema(responses={204: None, 404: OpenApiResponse(description="Not one of yours.")})
    def delete(self, request, pk):
        try:
            services.kept_neighbour_erase(relay_user=request.user, neighbour_id=pk)
        except KeptNeighbour.DoesNotExist:
            raise Http404 from None
        return Response(status=status.HTTP_204_NO_CONTENT)
