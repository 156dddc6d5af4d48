"""moderation's part of a person's data (data_rights): the reports they filed."""

from common.export import when_export
from moderation.models import Report


def export(user) -> dict:
    return {
        "reports_filed": [
            {
                "target_type": r.target_type,
                "target_id": r.target_id,
                "reason": r.reason,
                "details": r.details,
                "status": r.status,
                "outcome": r.outcome,
                "created_at": when_export(r.created_at),
            }
            for r in Report.objects.filter(reporter=user)
        ]
    }


def erase(user) -> None:
    """Reports stay, without the reporter (SET_NULL): the audit trail."""
