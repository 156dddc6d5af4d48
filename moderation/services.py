"""Writes for moderation and safety."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from chat.selectors import message_payload
from common.text import UNSTORABLE_MESSAGE, text_is_storable, texts_check
from geo.models import Zone
from geo.zones import zones_for_point
from moderation.models import (
    AGAINST_AUTHOR,
    ActionKind,
    ModerationAction,
    Reason,
    Report,
    TargetType,
)
from moderation.selectors import acting_zone, report_for_moderator
from moderation.targets import Target, target_resolve
from neighbors.models import User
from realtime.events import publish
from requests_board.models import Notification
from requests_board.selectors import help_request_for_viewer
from requests_board.services import notification_send
from requests_board.visibility import post_sync, user_posts_sync
from safety.limits import limit_check

# --- Reports ----------------------------------------------------------------


def _visible_to_reporter(target: Target, reporter) -> bool:
    if target.type == TargetType.REQUEST:
        try:
            help_request_for_viewer(viewer=reporter, request_id=target.obj.pk)
        except Http404:
            return False
        return True
    if target.type == TargetType.OFFER:
        return target.obj.is_active and not target.obj.hidden
    if target.type == TargetType.MESSAGE:
        return reporter.pk in target.obj.conversation.participant_ids
    return True  # users


@transaction.atomic
def report_create(
    *, reporter, target_type: str, target_id, reason: str, details: str = ""
) -> tuple[Report, bool]:
    """Files a report (or returns the reporter's open one on the same target:
    (report, False)). Only the database is written, so a report is never
    lost to a Redis outage. Hides the content once enough distinct people
    have reported it, until a moderator reviews it."""
    errors = {}
    if target_type not in TargetType.values:
        errors["target_type"] = [_("Report a request, an offer, a message or a user.")]
    if reason not in Reason.values:
        errors["reason"] = [_("Choose a reason.")]
    if not isinstance(details, str) or len(details) > 2000:
        errors["details"] = [_("At most 2,000 characters.")]
    if errors:
        raise ValidationError(errors)
    texts_check(details=details)
    target = target_resolve(target_type, target_id)
    if target is None or not _visible_to_reporter(target, reporter):
        raise Http404
    if target.author is not None and target.author.pk == reporter.pk:
        raise ValidationError({"target_id": [_("You cannot report yourself or your own posts.")]})
    existing = Report.objects.filter(
        reporter=reporter, target_type=target_type, target_id=target.obj.pk, status="open"
    ).first()
    if existing is not None:
        return existing, False
    limit_check(reporter, "report")
    report = Report.objects.create(
        reporter=reporter,
        target_type=target_type,
        target_id=target.obj.pk,
        target_user=target.author,
        reason=reason,
        details=details.strip(),
    )
    zones = zones_for_point(target.exact_point)
    report.zones.set(zones)
    _hide_when_reported_enough(target, report, zone=zones[0] if zones else None)
    return report, True


def _hide_when_reported_enough(target: Target, report: Report, *, zone: Zone | None) -> None:
    if not target.hideable or target.hidden:
        return
    reporters = (
        Report.objects.filter(
            target_type=target.type,
            target_id=target.obj.pk,
            status=Report.Status.OPEN,
            reporter__isnull=False,
        )
        .values("reporter")
        .distinct()
        .count()
    )
    if reporters >= settings.MODERATION_HIDE_AFTER_REPORTS:
        _set_hidden(target, True)
        ModerationAction.objects.create(
            moderator=None,
            moderator_name=AUTOMATIC,
            action=ActionKind.HIDE,
            target_type=target.type,
            target_id=target.obj.pk,
            target_user=target.author,
            report=report,
            zone=zone,
            reason=f"Hidden automatically after {reporters} reports, until a moderator reviews it.",
        )


def _set_hidden(target: Target, hidden: bool) -> None:
    obj = target.obj
    if obj.hidden == hidden:
        return
    if target.type == TargetType.MESSAGE:
        obj.hidden = hidden
        obj.save(update_fields=["hidden"])
        publish(obj.conversation.participant_ids, "chat.message", {"message": message_payload(obj)})
        return
    obj.hidden = hidden
    obj.save(update_fields=["hidden"])
    post_sync(obj)


def _hidden_automatically(report: Report) -> bool:
    last_hide = (
        ModerationAction.objects.filter(
            target_type=report.target_type, target_id=report.target_id, action=ActionKind.HIDE
        )
        .order_by("-created_at", "-id")
        .first()
    )
    return last_hide is not None and last_hide.moderator_name == AUTOMATIC


# --- Moderators' actions --------------------------------------------------------


ON_CONTENT = {ActionKind.HIDE, ActionKind.RESTORE}
AUTOMATIC = "automatic"


@transaction.atomic
def moderation_act(
    *, moderator, report_id, action: str, reason: str, days: int | None = None
) -> ModerationAction:
    """A moderator acts on a report of their zones: every open report on the
    same target closes with this outcome, the reporters are told, the author
    gets a statement of reasons, and the audit log gets a row."""
    report = report_for_moderator(moderator=moderator, report_id=report_id, lock=True)
    zone = acting_zone(moderator=moderator, report=report)
    errors = {}
    if action not in ActionKind.values:
        errors["action"] = [_("Unknown action.")]
    if not isinstance(reason, str) or not reason.strip():
        errors["reason"] = [_("Give the reason: the author and the log will show it.")]
    elif len(reason) > 2000:
        errors["reason"] = [_("At most 2,000 characters.")]
    elif not text_is_storable(reason):
        errors["reason"] = [UNSTORABLE_MESSAGE]
    if action == ActionKind.SUSPEND and (
        not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 365
    ):
        errors["days"] = [_("Suspend for 1 to 365 days.")]
    if errors:
        raise ValidationError(errors)
    target = target_resolve(report.target_type, report.target_id)
    if target is None:
        raise ValidationError({"report": [_("The reported content no longer exists.")]})
    if action in ON_CONTENT and not target.hideable:
        raise ValidationError({"action": [_("A person cannot be hidden: warn, suspend or ban.")]})
    if action in AGAINST_AUTHOR and target.author is None:
        raise ValidationError({"action": [_("This content has no author any more.")]})

    now = timezone.now()
    until = None
    if action == ActionKind.HIDE:
        _set_hidden(target, True)
    elif action == ActionKind.RESTORE or (
        action == ActionKind.DISMISS and _hidden_automatically(report)
    ):
        # Dismissed reports were unfounded: undo an automatic hiding, never
        # a moderator's.
        _set_hidden(target, False)
    elif action == ActionKind.SUSPEND:
        until = now + timedelta(days=days)
        User.objects.filter(pk=target.author.pk).update(suspended_until=until)
        user_posts_sync(target.author.pk)
    elif action == ActionKind.BAN:
        User.objects.filter(pk=target.author.pk).update(banned_at=now)
        user_posts_sync(target.author.pk)

    logged = ModerationAction.objects.create(
        moderator=moderator,
        moderator_name=moderator.display_name,
        action=action,
        target_type=report.target_type,
        target_id=report.target_id,
        target_user=target.author,
        report=report,
        zone=zone,
        reason=reason.strip(),
        until=until,
    )
    closing = Report.objects.filter(
        target_type=report.target_type, target_id=report.target_id, status=Report.Status.OPEN
    )
    reporters = set(closing.exclude(reporter=None).values_list("reporter_id", flat=True))
    closing.update(status=Report.Status.CLOSED, outcome=action, closed_at=now)
    notification_send(user_ids=reporters, kind=Notification.Kind.REPORT_OUTCOME)
    if action in AGAINST_AUTHOR:
        notification_send(user_ids=[target.author.pk], kind=Notification.Kind.MODERATION)
    return logged
