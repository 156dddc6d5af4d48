"""Reports made by the app itself: text published anyway although it seemed
to hold personal data (safety.flags.published_anyway)."""

from geo.zones import zones_for_point
from moderation.models import Reason, Report
from moderation.targets import target_resolve


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
