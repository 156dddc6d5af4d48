"""One request as a viewer may see it, and people's own lists."""

from django.http import Http404
from django.utils import timezone

from geo.distance import Band, band_for, metres_between, walk_minutes
from requests_board.models import HelpRequest, Response
from requests_board.selectors.matching import Match
from safety.selectors import blocked_user_ids


def help_request_for_viewer(*, viewer, request_id: int) -> HelpRequest:
    """The request if the viewer may see it: open ones for everyone; closed
    ones for their author, helper and responders. Missing and forbidden look
    the same (Http404)."""
    request = (
        HelpRequest.objects.select_related(
            "category", "author", "helper", "addressed_to__volunteer", "on_behalf_of"
        )
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise Http404
    if viewer is not None and request.author_id in blocked_user_ids(viewer):
        raise Http404
    if request.hidden or (request.author is not None and request.author.is_restricted):
        # Out of sight for everyone but its author (who is told why).
        if viewer is not None and viewer.is_authenticated and viewer.pk == request.author_id:
            return request
        raise Http404
    if request.status == HelpRequest.Status.OPEN and request.expires_at > timezone.now():
        return request
    if viewer is not None and viewer.is_authenticated:
        if viewer.pk in (request.author_id, request.helper_id):
            return request
        if request.responses.filter(volunteer=viewer).exists():
            return request
    raise Http404


def help_request_exact_visible(*, viewer, request: HelpRequest) -> bool:
    """Only the author, and the accepted helper while matched, see the exact
    point; nobody once it was deleted (retention, erasure)."""
    if viewer is None or not viewer.is_authenticated or request.exact_deleted:
        return False
    if viewer.pk == request.author_id:
        return True
    return request.status == HelpRequest.Status.MATCHED and viewer.pk == request.helper_id


def help_request_view_distance(*, viewer, request: HelpRequest) -> Match | None:
    """Band and walking minutes from the viewer's home to the public point."""
    if viewer is None or not viewer.is_authenticated or viewer.home is None:
        return None
    metres = metres_between(viewer.home, request.public_location)
    return Match(item=request, band=band_for(metres), walk_minutes=walk_minutes(metres))


def responses_for_author(*, viewer, request: HelpRequest):
    if viewer.pk != request.author_id:
        raise Http404
    # The request rides along: each response's band is measured from it.
    return request.responses.select_related("volunteer")


def offers_of_help_waiting(*, author, limit: int = 5) -> list[Response]:
    """The offers of help on the author's open requests that wait for their
    answer, newest first: what the home page tells a requester who comes
    back ("Karim offers to help")."""
    return list(
        Response.objects.filter(
            request__author=author,
            request__status=HelpRequest.Status.OPEN,
            status=Response.Status.PENDING,
        )
        .exclude(volunteer_id__in=blocked_user_ids(author))
        .select_related("volunteer", "request")
        .order_by("-created_at", "-pk")[:limit]
    )


def direct_asks_waiting(*, volunteer, limit: int = 5) -> list[HelpRequest]:
    """The requests addressed to the volunteer ("Ask Louise") that still wait
    for her answer: what her home page tells her when she comes back."""
    return list(
        HelpRequest.objects.filter(
            addressed_to__volunteer=volunteer,
            status=HelpRequest.Status.OPEN,
            hidden=False,
            addressed_until__gt=timezone.now(),
        )
        .exclude(responses__volunteer=volunteer)
        .exclude(author_id__in=blocked_user_ids(volunteer))
        .select_related("author")
        .order_by("-created_at", "-pk")[:limit]
    )


def response_distance(*, request: HelpRequest, volunteer) -> Band | None:
    """How far a responder lives, as a band: request's exact point to their public home."""
    if volunteer.home_public is None:
        return None
    return band_for(metres_between(request.location, volunteer.home_public))


def help_requests_of(*, user):
    return HelpRequest.objects.filter(author=user).select_related("category", "on_behalf_of")


def help_requests_helping(*, user):
    return HelpRequest.objects.filter(helper=user).select_related("category", "author")


def responses_pending(*, request: HelpRequest):
    """The offers of help on `request` not answered yet, oldest first."""
    return request.responses.filter(status=Response.Status.PENDING).select_related("volunteer")
