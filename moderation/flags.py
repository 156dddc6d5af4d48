"""The personal-data rule for public text (DESIGN.md, "Moderation and
safety"): the author is warned before publishing and may edit; what is
published anyway is flagged to the zone's moderators as a report by the app."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from moderation.content import findings_summary, personal_data_findings
from moderation.models import Reason, Report, Zone
from moderation.targets import target_resolve


class PersonalDataWarning(ValidationError):
    """The text seems to hold personal data; the author may edit it or
    publish anyway (forms then show the "publish anyway" box)."""

    personal_data = True


def zones_for_point(point) -> list[Zone]:
    """Every zone containing an exact point (server side only), the most
    specific (smallest) first: zones may overlap, a district inside a city."""
    if point is None:
        return []
    return sorted(Zone.objects.filter(area__contains=point), key=zone_specificity)


def zone_specificity(zone: Zone) -> tuple[float, int]:
    # Square degrees: enough to tell a district from the city around it.
    return (zone.area.area, zone.pk)


def zone_for_point(point) -> Zone | None:
    """The most specific zone containing an exact point (server side only)."""
    zones = zones_for_point(point)
    return zones[0] if zones else None


def personal_data_check(fields: dict[str, str], *, publish_anyway: bool) -> str:
    """Raises a ValidationError on each field that seems to hold a phone
    number, an email or a street address, unless the author chose to publish
    anyway; returns what was found ("" if nothing), for report_flag."""
    found = {name: personal_data_findings(text or "") for name, text in fields.items()}
    found = {name: findings for name, findings in found.items() if findings}
    if not found:
        return ""
    summary = findings_summary(f for findings in found.values() for f in findings)
    if not publish_anyway:
        message = _(
            "This seems to contain %(what)s, which everyone could see. Neighbours talk "
            "in the app: remove it, or choose to publish anyway."
        )
        raise PersonalDataWarning(
            {name: [message % {"what": findings_summary(f)}] for name, f in found.items()}
        )
    return summary


def report_flag(*, target_type: str, target_id: int, found: str) -> Report | None:
    """A report by the app itself: one open flag per target."""
    target = target_resolve(target_type, target_id)
    if target is None:
        return None
    report, created = Report.objects.get_or_create(
        reporter=None,
        target_type=target_type,
        target_id=target.obj.pk,
        status=Report.Status.OPEN,
        defaults={
            "target_user": target.author,
            "reason": Reason.PERSONAL_DATA,
            "details": f"Published despite the personal-data warning: {found}.",
        },
    )
    if created:
        report.zones.set(zones_for_point(target.exact_point))
    return report
