"""The one shape of a queue entry, for the API and the moderator's page."""

from django.utils.translation import gettext

from geo.points import lat_lng
from moderation.models import TargetType
from moderation.selectors import QueueEntry


def content_payload(entry: QueueEntry) -> dict | None:
    target = entry.target
    if target is None:
        return None
    obj = target.obj
    if target.type == TargetType.REQUEST:
        return {
            "title": obj.title,
            "description": obj.description,
            "status": obj.status,
            "hidden": obj.hidden,
        }
    if target.type == TargetType.OFFER:
        return {"availability": obj.availability, "note": obj.note, "hidden": obj.hidden}
    if target.type == TargetType.MESSAGE:
        return {"body": obj.body, "conversation": obj.conversation_id, "hidden": obj.hidden}
    return {"display_name": obj.display_name, "joined": obj.date_joined.isoformat()}


def queue_entry_payload(entry: QueueEntry) -> dict:
    report = entry.report
    target = entry.target
    author = target.author if target else None
    return {
        "id": report.pk,
        "target_type": report.target_type,
        "target_id": report.target_id,
        # The zone the viewing moderator acts for, and every zone it is in.
        "zone": entry.zone.name if entry.zone else None,
        "zones": [zone.name for zone in report.zones.all()],
        "created_at": report.created_at.isoformat(),
        "reporters": entry.reporters,
        "flagged_by_app": entry.flagged_by_app,
        "reasons": dict(entry.reasons),
        "details": [r.details for r in entry.reports if r.details],
        "content": content_payload(entry),
        # The public point only: moderators never need the exact one.
        "public_location": lat_lng(target.public_point) if target else None,
        "author": author
        and {
            "id": author.pk,
            "display_name": author.display_name,
            "reports_received": entry.author_reports,
            "actions": [
                {"action": a.action, "reason": a.reason, "created_at": a.created_at.isoformat()}
                for a in entry.author_actions
            ],
        },
        "messages": [
            {
                "id": m.pk,
                "sender": m.sender.display_name if m.sender else gettext("Deleted account"),
                "body": m.body,
                "reported": target is not None and m.pk == target.obj.pk,
                "created_at": m.created_at.isoformat(),
            }
            for m in entry.messages
        ],
    }
