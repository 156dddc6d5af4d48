"""Who could walk to what: nearby requests and offers, and the volunteers a
request's notification waves go to.

Privacy (DESIGN.md rule 4): whether an item shows up never depends on the
distance between two exact points. A searcher's own exact home is measured
to an item's public point; a request's exact point to a volunteer's public
home. Ordering and what is shown use bands and rounded walking minutes."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from geo.distance import BANDS, Band, band_for, metres_between, walk_minutes
from geo.queries import nearest_first, nearest_within, within
from requests_board.models import HelpRequest, Urgency, VolunteerOffer
from requests_board.visibility import offers_public, requests_public
from safety.selectors import blocked_user_ids

URGENCY_RANK = {Urgency.HIGH: 0, Urgency.NORMAL: 1, Urgency.LOW: 2}
PAGE_SIZE = 50


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
        requests_public()
        .exclude(author=viewer)
        .exclude(author_id__in=blocked_user_ids(viewer) or [0])
        .select_related("category", "author", "addressed_to")
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


def _offers_for(viewer):
    """The offers the viewer may see and ask: active, not theirs, nobody
    blocked, of volunteers who would walk to the viewer's (public) home."""
    return (
        offers_public()
        .exclude(volunteer=viewer)
        .exclude(volunteer_id__in=blocked_user_ids(viewer) or [0])
        .filter(location__distance_lte=(viewer.home_public, F("radius_m")))
    )


def offer_addressable(*, viewer, offer_id) -> VolunteerOffer | None:
    """The offer a request may be addressed to ("Ask Louise"): one of those
    the viewer is shown, of a volunteer free to help; otherwise None."""
    if viewer.home_public is None or not isinstance(offer_id, int) or isinstance(offer_id, bool):
        return None
    offer = _offers_for(viewer).filter(pk=offer_id).select_related("volunteer").first()
    if offer is None or offer.volunteer.is_restricted:
        return None
    return offer


def offers_nearby(*, viewer, page: int = 1, category: str | None = None) -> MatchPage:
    """Active offers of volunteers who would walk to the viewer's home."""
    _require_home(viewer)
    qs = _offers_for(viewer).select_related("volunteer").prefetch_related("categories")
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
        offers_public()
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
