"""requests_board's part of a person's data (data_rights): their requests,
offers, responses, notifications and follow-up answers."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, Q

from common.export import point_export, when_export
from relays.services import kept_neighbours_forget
from requests_board.models import (
    CLOSED_STATUSES,
    FollowUp,
    HelpRequest,
    Notification,
    Response,
    VolunteerOffer,
)
from requests_board.services import help_request_cancel, offer_deactivate

# What is left of an erased request: an anonymous row the impact figures count.
_SCRUBBED = {
    "title": "",
    "description": "",
    "location": F("public_location"),
    "exact_deleted": True,
    "meeting_address": "",
    "meeting_note": "",
    "max_distance_m": None,
}


def export(user) -> dict:
    return {
        "requests": [
            {
                "id": r.pk,
                "title": r.title,
                "description": r.description,
                "category": r.category.slug,
                "urgency": r.urgency,
                "location": point_export(r.location),
                "public_location": point_export(r.public_location),
                "meeting_address": r.meeting_address,
                "meeting_note": r.meeting_note,
                "needed_on": when_export(r.needed_on),
                "part_of_day": r.part_of_day,
                "needed_by": when_export(r.needed_by),
                "max_distance_m": r.max_distance_m,
                "status": r.status,
                "created_at": when_export(r.created_at),
                "closed_at": when_export(r.closed_at),
            }
            for r in HelpRequest.objects.filter(author=user).select_related("category")
        ],
        "offers": [
            {
                "id": o.pk,
                "categories": [c.slug for c in o.categories.all()],
                "radius_m": o.radius_m,
                "availability": o.availability,
                "note": o.note,
                "location": point_export(o.location),
                "is_active": o.is_active,
                "created_at": when_export(o.created_at),
            }
            for o in VolunteerOffer.objects.filter(volunteer=user).prefetch_related("categories")
        ],
        "responses": [
            {
                "request": r.request_id,
                "message": r.message,
                "status": r.status,
                "created_at": when_export(r.created_at),
            }
            for r in Response.objects.filter(volunteer=user)
        ],
        "notifications": [
            {"kind": n.kind, "request": n.request_id, "created_at": when_export(n.created_at)}
            for n in Notification.objects.filter(user=user)
        ],
        "follow_ups": [
            {
                "request": f.request_id,
                "role": f.role,
                "score": f.score,
                "comment": f.comment,
                "asked_at": when_export(f.asked_at),
                "answered_at": when_export(f.answered_at),
            }
            for f in FollowUp.objects.filter(user=user)
        ],
    }


def erase(user) -> None:
    """Their open requests are cancelled (the neighbours involved are told),
    then every request of theirs loses its text and exact point and stays as
    an anonymous row the impact figures count; their offers go. Responses,
    notifications go with the user's row (CASCADE), follow-up scores stay
    without them (SET_NULL)."""
    open_ones = HelpRequest.objects.filter(
        author=user, status__in=[HelpRequest.Status.OPEN, HelpRequest.Status.MATCHED]
    )
    for request in open_ones:
        help_request_cancel(request=request, user=user)
    HelpRequest.objects.filter(author=user).update(**_SCRUBBED)
    for offer in VolunteerOffer.objects.filter(volunteer=user, is_active=True):
        offer_deactivate(offer=offer, user=user)
    VolunteerOffer.objects.filter(volunteer=user).delete()


def kept_neighbour_erase(neighbour) -> None:
    """A relay withdraws a neighbour's consent: the open requests posted for
    them are cancelled (the volunteers who answered are told), and every
    request for them loses its text and exact point, as on erasure."""
    requests = HelpRequest.objects.filter(on_behalf_of=neighbour)
    for request in requests.filter(
        status__in=[HelpRequest.Status.OPEN, HelpRequest.Status.MATCHED]
    ):
        help_request_cancel(request=request, user=request.author)
    requests.update(**_SCRUBBED)


def retention_apply(now: datetime) -> dict:
    """Deletes the exact meeting points of requests closed more than
    RETENTION_MEETING_POINT_DAYS ago; the public points and counts stay."""
    points = HelpRequest.objects.filter(
        status__in=CLOSED_STATUSES,
        closed_at__lt=now - timedelta(days=settings.RETENTION_MEETING_POINT_DAYS),
        exact_deleted=False,
    ).update(location=F("public_location"), exact_deleted=True, meeting_address="", meeting_note="")
    return {"meeting_points": points, "kept_neighbours": _kept_neighbours_forget(now)}


def _kept_neighbours_forget(now: datetime) -> int:
    """Neighbours without internet whose requests all closed more than
    RETENTION_MEETING_POINT_DAYS ago lose their phone number and place with
    the requests' meeting points (their first name and consent stay, for
    their relay)."""
    cutoff = now - timedelta(days=settings.RETENTION_MEETING_POINT_DAYS)
    still_needed = HelpRequest.objects.filter(on_behalf_of__isnull=False).filter(
        Q(closed_at__isnull=True) | Q(closed_at__gte=cutoff)
    )
    done_with = (
        HelpRequest.objects.filter(on_behalf_of__isnull=False, closed_at__lt=cutoff)
        .exclude(on_behalf_of__in=still_needed.values("on_behalf_of"))
        .values_list("on_behalf_of", flat=True)
        .distinct()
    )
    return kept_neighbours_forget(neighbour_ids=list(done_with))
