"""Reads for the help board, with the permission checks that views share.

Privacy (DESIGN.md rule 4): whether an item shows up never depends on the
distance between two exact points. A searcher's own exact home is measured
to an item's public point; a request's exact point to a volunteer's public
home. Ordering and what is shown use bands and rounded walking minutes.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from geo.distance import BANDS, Band, band_for, metres_between, walk_minutes
from geo.public import public_place
from geo.queries import in_bbox, nearest_first, nearest_within, within
from neighbors.models import HelpCategory, User
from requests_board.map_cells import LEVELS, cell_count, map_cells_in_bbox
from requests_board.models import FollowUp, HelpRequest, Urgency, VolunteerOffer
from safety.selectors import blocked_user_ids

URGENCY_RANK = {Urgency.HIGH: 0, Urgency.NORMAL: 1, Urgency.LOW: 2}
PAGE_SIZE = 50


def categories_list():
    return HelpCategory.objects.all()


@dataclass
class Match:
    """An item as one viewer sees it: the object plus band, minutes, reasons."""

    item: object
    band: Band
    walk_minutes: int
    reasons: list[str] = field(default_factory=list)
    skill_match: bool = False


@dataclass
class MatchPage:
    results: list[Match]
    page: int
    has_next: bool


def _open_requests():
    """Open requests anyone may see: not hidden by moderation, and not by a
    user under a sanction (a handful of rows: a small hashed subquery)."""
    return HelpRequest.objects.filter(
        status=HelpRequest.Status.OPEN, expires_at__gt=timezone.now(), hidden=False
    ).exclude(author__in=User.objects.restricted())


def _active_offers():
    return VolunteerOffer.objects.filter(is_active=True, hidden=False).exclude(
        volunteer__in=User.objects.restricted()
    )


def viewer_skill_ids(viewer) -> set[int]:
    ids = set(viewer.skills.values_list("pk", flat=True))
    ids |= set(
        VolunteerOffer.objects.filter(volunteer=viewer, is_active=True).values_list(
            "categories", flat=True
        )
    )
    ids.discard(None)
    return ids


def _require_home(viewer) -> None:
    if viewer.home is None or viewer.home_public is None:
        raise ValidationError({"home": [_("Set your home first: nearby help is found from it.")]})


def _radius_for(viewer, band: str | None) -> float:
    radius = viewer.walk_radius_m
    if band:
        uppers = {b.code: upper for upper, b in BANDS}
        if band not in uppers:
            raise ValidationError({"band": [_("Unknown distance band.")]})
        radius = min(radius, uppers[band])
    return radius


def _urgency_reason(request: HelpRequest) -> str | None:
    today = timezone.localdate()
    if request.needed_by == today or (
        request.needed_by is None and request.urgency == Urgency.HIGH
    ):
        return _("needed today")
    if request.needed_by == today + timedelta(days=1):
        return _("needed tomorrow")
    if request.needed_by is not None:
        return _("needed by %(date)s") % {"date": request.needed_by.strftime("%d/%m")}
    if request.urgency == Urgency.NORMAL:
        return _("needed this week")
    return None


def _page_within(qs, origin, radius_m: float, page: int) -> tuple[list, bool]:
    if page < 1:
        raise ValidationError({"page": [_("Pages start at 1.")]})
    return nearest_within(
        qs, "public_location", origin, radius_m, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE
    )


def help_requests_nearby(
    *,
    viewer,
    page: int = 1,
    category: str | None = None,
    urgency: str | None = None,
    band: str | None = None,
) -> MatchPage:
    """Open requests a volunteer could walk to, nearest band first.

    Pages follow distance (KNN on the index: a dense city has thousands of
    requests within a walk); inside a page, items are ranked by skill match,
    band, urgency and freshness. Bands only grow from page to page."""
    _require_home(viewer)
    qs = (
        _open_requests()
        .exclude(author=viewer)
        .exclude(author_id__in=blocked_user_ids(viewer) or [0])
        .select_related("category", "author")
        # Geometries cost to parse: only the public point is needed here.
        .defer("location", "author__home", "author__home_public", "author__password")
    )
    # The requester's limit, from their exact point to the viewer's public home.
    qs = qs.filter(
        Q(max_distance_m__isnull=True)
        | Q(location__distance_lte=(viewer.home_public, F("max_distance_m")))
    )
    if category:
        qs = qs.filter(category__slug=category)
    if urgency:
        qs = qs.filter(urgency=urgency)
    rows, has_next = _page_within(qs, viewer.home, _radius_for(viewer, band), page)
    skills = viewer_skill_ids(viewer)
    matches = []
    for request in rows:
        metres = metres_between(viewer.home, request.public_location)
        match = Match(
            item=request,
            band=band_for(metres),
            walk_minutes=walk_minutes(metres),
            skill_match=request.category_id in skills,
        )
        match.reasons.append(_("about %(minutes)d min walk") % {"minutes": match.walk_minutes})
        if match.skill_match:
            match.reasons.append(
                _("matches your skill: %(category)s") % {"category": request.category.name}
            )
        if reason := _urgency_reason(request):
            match.reasons.append(reason)
        matches.append(match)
    matches.sort(
        key=lambda m: (
            not m.skill_match,
            m.band.rank,
            URGENCY_RANK.get(m.item.urgency, 1),
            -m.item.created_at.timestamp(),
        )
    )
    return MatchPage(results=matches, page=page, has_next=has_next)


def offers_nearby(*, viewer, page: int = 1, category: str | None = None) -> MatchPage:
    """Active offers of volunteers who would walk to the viewer's home."""
    _require_home(viewer)
    qs = (
        _active_offers()
        .exclude(volunteer=viewer)
        .exclude(volunteer_id__in=blocked_user_ids(viewer) or [0])
        .select_related("volunteer")
        .prefetch_related("categories")
    )
    qs = qs.filter(location__distance_lte=(viewer.home_public, F("radius_m")))
    if category:
        qs = qs.filter(categories__slug=category)
    rows, has_next = _page_within(qs, viewer.home, viewer.walk_radius_m, page)
    matches = []
    for offer in rows:
        metres = metres_between(viewer.home, offer.public_location)
        match = Match(item=offer, band=band_for(metres), walk_minutes=walk_minutes(metres))
        match.reasons.append(_("about %(minutes)d min walk") % {"minutes": match.walk_minutes})
        names = ", ".join(c.name for c in offer.categories.all())
        if names:
            match.reasons.append(_("helps with: %(categories)s") % {"categories": names})
        if offer.availability:
            match.reasons.append(offer.availability)
        matches.append(match)
    matches.sort(key=lambda m: (m.band.rank, -m.item.created_at.timestamp()))
    return MatchPage(results=matches, page=page, has_next=has_next)


def volunteer_candidates(*, request: HelpRequest, limit: int = 200) -> list[Match]:
    """Volunteers who could help with a request, best first (same ranking as
    a volunteer's own view: skill, band, freshness)."""
    max_m = request.max_distance_m or 3000
    qs = (
        _active_offers()
        .exclude(volunteer_id=request.author_id)
        .exclude(volunteer_id__in=blocked_user_ids(request.author) or [0])
        .select_related("volunteer")
        .prefetch_related("categories")
    )
    qs = within(qs, "public_location", request.location, max_m)
    qs = qs.filter(location__distance_lte=(request.public_location, F("radius_m")))
    rows = list(nearest_first(qs, "public_location", request.location)[:limit])
    best: dict[int, Match] = {}
    for offer in rows:
        metres = metres_between(request.location, offer.public_location)
        skill = any(c.pk == request.category_id for c in offer.categories.all())
        match = Match(
            item=offer, band=band_for(metres), walk_minutes=walk_minutes(metres), skill_match=skill
        )
        match.reasons.append(_("about %(minutes)d min walk") % {"minutes": match.walk_minutes})
        if skill:
            match.reasons.append(
                _("helps with: %(categories)s") % {"categories": request.category.name}
            )
        current = best.get(offer.volunteer_id)
        if current is None or (not current.skill_match and skill):
            best[offer.volunteer_id] = match
    ranked = sorted(
        best.values(),
        key=lambda m: (not m.skill_match, m.band.rank, -m.item.created_at.timestamp()),
    )
    return ranked


# --- Access to one request ------------------------------------------------


def help_request_for_viewer(*, viewer, request_id: int) -> HelpRequest:
    """The request if the viewer may see it: open ones for everyone; closed
    ones for their author, helper and responders. Missing and forbidden look
    the same (Http404)."""
    request = (
        HelpRequest.objects.select_related("category", "author", "helper")
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


def response_distance(*, request: HelpRequest, volunteer) -> Band | None:
    """How far a responder lives, as a band: request's exact point to their public home."""
    if volunteer.home_public is None:
        return None
    return band_for(metres_between(request.location, volunteer.home_public))


def help_requests_of(*, user):
    return HelpRequest.objects.filter(author=user).select_related("category")


def help_requests_helping(*, user):
    return HelpRequest.objects.filter(helper=user).select_related("category", "author")


# --- The map --------------------------------------------------------------


def _point_feature(kind: str, obj, properties: dict) -> dict:
    location = public_place(obj)["public_location"]
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [location["lng"], location["lat"]]},
        "properties": {"kind": kind, "id": obj.pk, **properties},
    }


def map_features(*, bbox, zoom: int, viewer=None) -> dict:
    """A GeoJSON FeatureCollection of public points in the box, or of cluster
    counts where points would be too many; never more than MAP_MAX_FEATURES."""
    cap = settings.MAP_MAX_FEATURES
    if zoom >= settings.MAP_POINTS_MIN_ZOOM:
        # Points of people the viewer is separated from by a block are left
        # out; cluster counts say nothing about anyone.
        hidden = blocked_user_ids(viewer) or [0]
        requests = list(
            # No ORDER BY: the model's default (-created_at) would make the
            # database fetch and sort every point in the box before the LIMIT.
            in_bbox(_open_requests(), "public_location", bbox)
            .exclude(author_id__in=hidden)
            .order_by()
            .select_related("category")
            .only("id", "title", "urgency", "public_location", "category__slug", "category__icon")[
                : cap + 1
            ]
        )
        offers = []
        if len(requests) <= cap:
            offers = list(
                in_bbox(_active_offers(), "public_location", bbox)
                .exclude(volunteer_id__in=hidden)
                .order_by()
                .select_related("volunteer")
                .only("id", "public_location", "volunteer__display_name")[: cap + 1 - len(requests)]
            )
        if len(requests) + len(offers) <= cap:
            features = [
                _point_feature(
                    "request",
                    r,
                    {
                        "title": r.title,
                        "category": r.category.slug,
                        "icon": r.category.icon,
                        "urgency": r.urgency,
                    },
                )
                for r in requests
            ]
            features += [
                _point_feature("offer", o, {"title": o.volunteer.display_name, "icon": "🙋"})
                for o in offers
            ]
            return {"type": "FeatureCollection", "features": features, "clustered": False}
    level = LEVELS[0]
    for candidate in LEVELS:
        if candidate <= zoom + 1 and 2 * cell_count(bbox, candidate) <= cap:
            level = candidate
    features = [
        {
            "type": "Feature",
            "geometry": {
                "type": "Point",
                "coordinates": [round(c.sum_lng / c.count, 6), round(c.sum_lat / c.count, 6)],
            },
            "properties": {"cluster": True, "kind": c.kind, "count": c.count},
        }
        for c in map_cells_in_bbox(bbox=bbox, level=level)[:cap]
    ]
    return {"type": "FeatureCollection", "features": features, "clustered": True}


def follow_ups_of(*, user):
    return FollowUp.objects.filter(user=user).select_related("request")


def follow_up_of(*, user, follow_up_id) -> FollowUp:
    """One of the user's follow-up questions; anyone else's is a 404."""
    follow_up = follow_ups_of(user=user).filter(pk=follow_up_id).first()
    if follow_up is None:
        raise Http404
    return follow_up


def notifications_for(*, user, limit: int = 50):
    return user.notifications.select_related("request")[:limit]


def help_requests_in_area(
    *, bbox, category: str | None = None, urgency: str | None = None, viewer=None
):
    """Open requests in a box, newest first: the list twin of the map for
    visitors without a home."""
    qs = (
        in_bbox(_open_requests(), "public_location", bbox)
        .exclude(author_id__in=blocked_user_ids(viewer) or [0])
        .select_related("category", "author")
    )
    if category:
        qs = qs.filter(category__slug=category)
    if urgency:
        qs = qs.filter(urgency=urgency)
    return qs.order_by("-created_at")[:PAGE_SIZE]


def offers_in_area(*, bbox, viewer=None):
    qs = in_bbox(_active_offers(), "public_location", bbox).exclude(
        volunteer_id__in=blocked_user_ids(viewer) or [0]
    )
    return (
        qs.select_related("volunteer")
        .prefetch_related("categories")
        .order_by("-created_at")[:PAGE_SIZE]
    )
