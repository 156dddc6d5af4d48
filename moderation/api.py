"""/api/v1/blocks: block and unblock another user."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import django_validation_errors
from moderation import selectors, services

BLOCK = inline_serializer("Block", {"blocked": serializers.IntegerField()})


class BlockListView(APIView):
    @extend_schema(
        responses=inline_serializer(
            "BlockedUser",
            {"id": serializers.IntegerField(), "display_name": serializers.CharField()},
            many=True,
        )
    )
    def get(self, request):
        return Response(
            [
                {"id": block.blocked_id, "display_name": block.blocked.display_name}
                for block in selectors.blocks_made_by(request.user)
            ]
        )


class BlockView(APIView):
    @extend_schema(
        request=None,
        responses={201: BLOCK, 200: BLOCK},
        description="Neither user sees the other's requests or offers, responds to them or "
        "messages the other; open conversations between them close. Idempotent.",
    )
    def post(self, request, user_id):
        with django_validation_errors():
            block, created = services.user_block(user=request.user, other_id=user_id)
        return Response(
            {"blocked": block.blocked_id},
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, user_id):
        with django_validation_errors():
            services.user_unblock(user=request.user, other_id=user_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
