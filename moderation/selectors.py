"""Reads for moderation and safety."""

from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from chat.models import Message
from common.ids import as_id
from geo.models import Zone
from geo.zones import zone_specificity
from moderation.models import (
    AGAINST_AUTHOR,
    ModerationAction,
    Moderator,
    Reason,
    Report,
    TargetType,
)
from moderation.targets import Target, targets_resolve

# --- Moderators -------------------------------------------------------------


class NotModerator(PermissionDenied):
    """Only moderators (and administrators) see the queue and the log."""


@dataclass(frozen=True)
class ModeratorScope:
    """Where a moderator may act: every zone (and outside them), or some."""

    everywhere: bool
    zone_ids: frozenset[int] = frozenset()

    def _reports_in_zones(self):
        return Report.zones.through.objects.filter(zone_id__in=self.zone_ids).values("report_id")

    def reports(self) -> Q:
        """Reports in any of the zones: a report is in every zone that
        contains its point, so overlapping zones each see it."""
        return Q() if self.everywhere else Q(pk__in=self._reports_in_zones())

    def actions(self) -> Q:
        """Logged actions taken for one of the zones, or on their reports."""
        if self.everywhere:
            return Q()
        return Q(zone_id__in=self.zone_ids) | Q(report_id__in=self._reports_in_zones())

    def covers(self, zone: Zone) -> bool:
        return self.everywhere or zone.pk in self.zone_ids


def moderator_scope(user) -> ModeratorScope | None:
    """The zones `user` moderates; None if `user` is no moderator."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return ModeratorScope(everywhere=True)
    moderator = Moderator.objects.filter(user=user).first()
    if moderator is None:
        return None
    if moderator.everywhere:
        return ModeratorScope(everywhere=True)
    return ModeratorScope(
        everywhere=False, zone_ids=frozenset(moderator.zones.values_list("pk", flat=True))
    )


def zone_acting_for(scope: ModeratorScope, report_zones) -> Zone | None:
    """The most specific of a report's zones that the moderator covers."""
    for zone in sorted(report_zones, key=zone_specificity):
        if scope.covers(zone):
            return zone
    return None


def acting_zone(*, moderator, report: Report) -> Zone | None:
    return zone_acting_for(_scope_or_refuse(moderator), report.zones.all())


def is_moderator(user) -> bool:
    return user.is_authenticated and (
        user.is_superuser or Moderator.objects.filter(user=user).exists()
    )


def _scope_or_refuse(user) -> ModeratorScope:
    scope = moderator_scope(user)
    if scope is None:
        raise NotModerator(_("This is for moderators."))
    return scope


def report_for_moderator(*, moderator, report_id, lock: bool = False) -> Report:
    """A report of the moderator's zones; outside them, as if missing (404)."""
    scope = _scope_or_refuse(moderator)
    report_id = as_id(report_id)
    if report_id is None:
        raise Http404
    reports = Report.objects.filter(scope.reports(), pk=report_id)
    if lock:
        reports = reports.select_for_update()
    report = reports.first()
    if report is None:
        raise Http404
    return report


@dataclass
class QueueEntry:
    """Every open report on one target, as one item of the queue."""

    report: Report  # the oldest: actions are taken on it
    zone: Zone | None  # the one the moderator acts for
    reports: list[Report]
    target: Target | None
    reasons: list[tuple[str, int]] = field(default_factory=list)
    author_reports: int = 0
    author_actions: list[ModerationAction] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)

    @property
    def reporters(self) -> int:
        """Distinct people (a flag from the app's own check is no person)."""
        return len({r.reporter_id for r in self.reports if r.reporter_id})

    @property
    def reason_labels(self) -> list[tuple[str, int]]:
        return [(Reason(reason).label, count) for reason, count in self.reasons]

    @property
    def flagged_by_app(self) -> bool:
        return any(r.reporter_id is None for r in self.reports)


def reports_queue(*, moderator, limit: int = 50) -> list[QueueEntry]:
    """Open reports of the moderator's zones, one entry per target, oldest
    first, with their context in a fixed number of queries."""
    scope = _scope_or_refuse(moderator)
    open_reports = (
        Report.objects.filter(scope.reports(), status=Report.Status.OPEN)
        .prefetch_related("zones")
        .order_by("created_at", "id")[:1000]
    )
    grouped: dict[tuple[str, int], list[Report]] = {}
    for report in open_reports:
        grouped.setdefault((report.target_type, report.target_id), []).append(report)
    groups = list(grouped.items())[:limit]
    targets = targets_resolve(key for key, _reports in groups)
    authors = {reports[0].target_user_id for _key, reports in groups} - {None}
    reports_received = dict(
        Report.objects.filter(target_user_id__in=authors)
        .values_list("target_user_id")
        .annotate(count=Count("id"))
    )
    actions: dict[int, list[ModerationAction]] = {}
    for action in ModerationAction.objects.filter(target_user_id__in=authors):
        actions.setdefault(action.target_user_id, []).append(action)
    around = messages_around(
        [
            target.obj
            for (target_type, _id), target in targets.items()
            if target_type == TargetType.MESSAGE
        ]
    )
    entries = []
    for key, reports in groups:
        author_id = reports[0].target_user_id
        target = targets.get(key)
        entries.append(
            QueueEntry(
                report=reports[0],
                zone=zone_acting_for(scope, reports[0].zones.all()),
                reports=reports,
                target=target,
                reasons=Counter(r.reason for r in reports).most_common(),
                author_reports=reports_received.get(author_id, 0),
                author_actions=actions.get(author_id, [])[:20],
                messages=around.get(target.obj.pk, [])
                if target is not None and key[0] == TargetType.MESSAGE
                else [],
            )
        )
    return entries


# Larger than any id: the upper bound of a message with fewer than `around` after it.
_NO_ID_ABOVE = 2**63 - 1


def messages_around(messages: list[Message], around: int = 2) -> dict[int, list[Message]]:
    """{id: the message and `around` messages either side, in order} for
    each of `messages`, nothing else of their conversations; one query for
    all of them (a queue of reported messages does not cost a query each)."""
    if not messages:
        return {}
    if around < 1:
        return {message.pk: [message] for message in messages}
    windows = Q()
    for message in messages:
        same = Message.objects.filter(conversation_id=message.conversation_id)
        # The id `around` places before (after) it: its window's bounds, or
        # none where the conversation has fewer messages on that side.
        lowest = same.filter(id__lt=message.pk).order_by("-id").values("id")[around - 1 : around]
        highest = same.filter(id__gt=message.pk).order_by("id").values("id")[around - 1 : around]
        windows |= Q(
            conversation_id=message.conversation_id,
            id__gte=Coalesce(Subquery(lowest), Value(0)),
            id__lte=Coalesce(Subquery(highest), Value(_NO_ID_ABOVE)),
        )
    by_conversation: dict[int, list[Message]] = {}
    for neighbour in Message.objects.filter(windows).select_related("sender").order_by("id"):
        by_conversation.setdefault(neighbour.conversation_id, []).append(neighbour)
    result = {}
    for message in messages:
        # The windows of one conversation's reported messages are runs of
        # consecutive messages, so within their union the `around` messages
        # either side of one are its neighbours in the conversation.
        fetched = by_conversation.get(message.conversation_id, [])
        ids = [m.pk for m in fetched]
        if message.pk not in ids:  # deleted meanwhile: alone, as it was reported
            result[message.pk] = [message]
            continue
        at = ids.index(message.pk)
        result[message.pk] = [
            *fetched[max(at - around, 0) : at],
            message,
            *fetched[at + 1 : at + 1 + around],
        ]
    return result


def moderation_log(*, moderator, limit: int = 200):
    scope = _scope_or_refuse(moderator)
    return ModerationAction.objects.filter(scope.actions()).select_related("zone", "target_user")[
        :limit
    ]


def reports_made_by(user):
    return Report.objects.filter(reporter=user).order_by("-created_at")


def statements_for(user):
    """What moderators decided about the user's content or account, with
    the reasons (their statement of reasons)."""
    return ModerationAction.objects.filter(target_user=user, action__in=AGAINST_AUTHOR)


def zones_for_moderator(*, moderator):
    """The zones a moderator may name relays in (all for a moderator of
    every zone)."""
    scope = _scope_or_refuse(moderator)
    zones = Zone.objects.all()
    return zones if scope.everywhere else zones.filter(pk__in=scope.zone_ids)
