"""/api/v1/blocks, reports, and the moderators' queue, actions and log."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import StrictSerializer, django_validation_errors
from moderation import selectors, services
from moderation.models import ActionKind, Reason, TargetType
from moderation.payloads import queue_entry_payload
from safety import selectors as safety_selectors
from safety import services as safety_services

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
                for block in safety_selectors.blocks_made_by(request.user)
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
            block, created = safety_services.user_block(user=request.user, other_id=user_id)
        return Response(
            {"blocked": block.blocked_id},
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, user_id):
        with django_validation_errors():
            safety_services.user_unblock(user=request.user, other_id=user_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Reports ------------------------------------------------------------------


class ReportCreateSerializer(StrictSerializer):
    target_type = serializers.ChoiceField(choices=TargetType.choices)
    target_id = serializers.IntegerField(min_value=1)
    reason = serializers.ChoiceField(choices=Reason.choices)
    details = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default="", trim_whitespace=True
    )


class ReportSerializer(serializers.Serializer):
    """A report as its reporter sees it: what became of it, not who acted."""

    id = serializers.IntegerField()
    target_type = serializers.CharField()
    target_id = serializers.IntegerField()
    reason = serializers.CharField()
    details = serializers.CharField()
    status = serializers.CharField()
    outcome = serializers.CharField()
    created_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)


class ReportListCreateView(APIView):
    @extend_schema(responses=ReportSerializer(many=True))
    def get(self, request):
        return Response(
            ReportSerializer(selectors.reports_made_by(request.user)[:100], many=True).data
        )

    @extend_schema(
        request=ReportCreateSerializer,
        responses={201: ReportSerializer, 200: ReportSerializer},
        description="One open report per reporter and target: reporting again returns it (200).",
    )
    def post(self, request):
        data = ReportCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with django_validation_errors():
            report, created = services.report_create(reporter=request.user, **data.validated_data)
        return Response(
            ReportSerializer(report).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


# --- The moderators' queue ---------------------------------------------------


class ActionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    action = serializers.CharField()
    moderator = serializers.CharField(source="moderator_name")
    target_type = serializers.CharField()
    target_id = serializers.IntegerField()
    target_user = serializers.IntegerField(source="target_user_id", allow_null=True)
    report = serializers.IntegerField(source="report_id", allow_null=True)
    zone = serializers.CharField(source="zone.name", default=None, allow_null=True)
    reason = serializers.CharField()
    until = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class ActionCreateSerializer(StrictSerializer):
    action = serializers.ChoiceField(
        choices=ActionKind.choices,
        help_text="hide and restore act on content, not on a person; the others on the "
        "content's author (400 if it has none any more).",
    )
    reason = serializers.CharField(max_length=2000)
    days = serializers.IntegerField(
        min_value=1, max_value=365, required=False, help_text="Required to suspend (else 400)."
    )


class ModerationReportListView(APIView):
    @extend_schema(
        responses=inline_serializer(
            "QueueEntry",
            {
                "id": serializers.IntegerField(),
                "target_type": serializers.CharField(),
                "target_id": serializers.IntegerField(),
                "zone": serializers.CharField(
                    allow_null=True, help_text="The zone the caller acts for."
                ),
                "zones": serializers.ListField(
                    child=serializers.CharField(), help_text="Every zone holding the content."
                ),
                "created_at": serializers.DateTimeField(),
                "reporters": serializers.IntegerField(),
                "reasons": serializers.DictField(child=serializers.IntegerField()),
                "details": serializers.ListField(child=serializers.CharField()),
                "content": serializers.DictField(allow_null=True),
                "public_location": serializers.DictField(allow_null=True),
                "author": serializers.DictField(allow_null=True),
                "messages": serializers.ListField(child=serializers.DictField()),
            },
            many=True,
        ),
        description="Open reports of the caller's zones, one entry per target, oldest first. "
        "403 for non-moderators.",
    )
    def get(self, request):
        return Response(
            [queue_entry_payload(e) for e in selectors.reports_queue(moderator=request.user)]
        )


class ModerationActionCreateView(APIView):
    @extend_schema(
        request=ActionCreateSerializer,
        responses={201: ActionSerializer},
        description="Acts on a report of the caller's zones (404 outside them, 403 for "
        "non-moderators); written to the audit log. 400 when the action does not fit the "
        "target (`fields.action`), when a suspension has no `days`, or when the reported "
        "content is gone (`fields.report`).",
    )
    def post(self, request, pk):
        selectors.report_for_moderator(moderator=request.user, report_id=pk)
        data = ActionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with django_validation_errors():
            action = services.moderation_act(
                moderator=request.user, report_id=pk, **data.validated_data
            )
        return Response(ActionSerializer(action).data, status=status.HTTP_201_CREATED)


class ModerationLogView(APIView):
    @extend_schema(responses=ActionSerializer(many=True))
    def get(self, request):
        return Response(
            ActionSerializer(selectors.moderation_log(moderator=request.user), many=True).data
        )


class StatementListView(APIView):
    @extend_schema(
        responses=ActionSerializer(many=True),
        description="The statement of reasons for each moderation decision about the caller.",
    )
    def get(self, request):
        return Response(ActionSerializer(selectors.statements_for(request.user), many=True).data)
