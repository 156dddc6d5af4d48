"""/api/v1/conversations, messages (REST fallback of the websocket), ws-ticket."""

from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import Throttled
from rest_framework.response import Response
from rest_framework.views import APIView

from chat import selectors, services
from chat.tickets import TICKET_SECONDS, ticket_issue
from common.api import KeptTextField, QuerySerializer, StrictSerializer, django_validation_errors


class MessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    conversation = serializers.IntegerField()
    sender = serializers.IntegerField()
    body = serializers.CharField()
    hidden = serializers.BooleanField()
    client_id = serializers.CharField()
    created_at = serializers.DateTimeField()

    def to_representation(self, instance):
        return selectors.message_payload(instance)


class ConversationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    request = serializers.IntegerField(source="request_id")
    request_title = serializers.CharField(source="request.title")
    other = serializers.SerializerMethodField()
    last_message = serializers.SerializerMethodField()
    unread = serializers.IntegerField()
    closed = serializers.SerializerMethodField()

    def get_other(self, obj) -> dict:
        other = obj.other_participant(self.context["viewer"])
        if other is None:  # erased their account
            return {"id": None, "display_name": gettext("Deleted account")}
        return {"id": other.pk, "display_name": other.display_name}

    def get_last_message(self, obj) -> dict | None:
        return selectors.message_payload(obj.last_message) if obj.last_message else None

    def get_closed(self, obj) -> bool:
        return obj.closed_at is not None


class MessageCreateSerializer(StrictSerializer):
    body = KeptTextField(max_length=services.MAX_BODY)
    client_id = serializers.CharField(
        max_length=64,
        help_text="Chosen by the client, unique per message (a UUID, say); the server's own "
        'prefixes "response-" and "sms-" are refused (400, `fields.client_id`).',
    )


class AfterSerializer(QuerySerializer):
    after = serializers.IntegerField(
        min_value=0, required=False, default=0, help_text="Messages with a larger id."
    )


class ConversationListView(APIView):
    @extend_schema(responses=ConversationSerializer(many=True))
    def get(self, request):
        conversations = selectors.conversations_for(user=request.user)
        return Response(
            ConversationSerializer(conversations, many=True, context={"viewer": request.user}).data
        )


class MessageListView(APIView):
    @extend_schema(
        parameters=[AfterSerializer],
        responses=inline_serializer(
            "MessagePage",
            {"results": MessageSerializer(many=True), "has_more": serializers.BooleanField()},
        ),
    )
    def get(self, request, pk):
        conversation = selectors.conversation_for_participant(user=request.user, conversation_id=pk)
        query = AfterSerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        messages = selectors.messages_after(
            conversation=conversation,
            after=query.validated_data["after"],
            limit=selectors.PAGE_SIZE + 1,
        )
        return Response(
            {
                "results": MessageSerializer(messages[: selectors.PAGE_SIZE], many=True).data,
                "has_more": len(messages) > selectors.PAGE_SIZE,
            }
        )

    @extend_schema(
        request=MessageCreateSerializer,
        responses={201: MessageSerializer, 200: MessageSerializer},
        description="Idempotent on client_id: a retry returns the stored message with 200.",
    )
    def post(self, request, pk):
        data = MessageCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            with django_validation_errors():
                message, created = services.message_send(
                    user=request.user, conversation_id=pk, **data.validated_data
                )
        except services.RateLimited:
            raise Throttled(detail=gettext("Too many messages: wait a moment.")) from None
        return Response(
            MessageSerializer(message).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class WsTicketView(APIView):
    @extend_schema(
        request=None,
        responses={
            201: inline_serializer(
                "WsTicket",
                {"ticket": serializers.CharField(), "expires_in": serializers.IntegerField()},
            )
        },
    )
    def post(self, request):
        return Response(
            {"ticket": ticket_issue(user=request.user), "expires_in": TICKET_SECONDS},
            status=status.HTTP_201_CREATED,
        )
