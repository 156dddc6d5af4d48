"""The one owner of what the public sees of a post (a request or an offer).

A post is on the map, in lists and in searches while it is live (an open
request not past its expiry, an active offer), not hidden by moderation and
its author is under no sanction: `requests_public()` and `offers_public()`
say so for every read. The map's counts per cell (map_cells) follow the same
rule and change here only: after any change of status, hiding, place or its
author's sanctions, the writer calls `post_sync` (or `user_posts_sync`), which
compares where the post is counted (`map_point`) with where it should be and
moves the count. Changes that come with time alone (an expiry, a suspension
running out) are caught by `map_reconcile`, run by the periodic expiry task.
"""

from django.db import transaction
from django.utils import timezone

from neighbors.models import User
from requests_board.map_cells import map_cells_adjust
from requests_board.models import HelpRequest, VolunteerOffer


def requests_public():
    """Open requests anyone may see: not expired, not hidden by moderation,
    and not by a user under a sanction (a handful of rows: a small hashed
    subquery)."""
    return HelpRequest.objects.filter(
        status=HelpRequest.Status.OPEN, expires_at__gt=timezone.now(), hidden=False
    ).exclude(author__in=User.objects.restricted())


def offers_public():
    """Active offers anyone may see, on the same terms."""
    return VolunteerOffer.objects.filter(is_active=True, hidden=False).exclude(
        volunteer__in=User.objects.restricted()
    )


def _kind(model) -> str:
    return "request" if model is HelpRequest else "offer"


def _is_public(post) -> bool:
    """`requests_public()` / `offers_public()` for one row."""
    if post.hidden:
        return False
    if isinstance(post, HelpRequest):
        live = post.status == HelpRequest.Status.OPEN and post.expires_at > timezone.now()
        author = post.author
    else:
        live = post.is_active
        author = post.volunteer
    return live and (author is None or not author.is_restricted)


@transaction.atomic
def post_sync(post) -> None:
    """Counts the post on the map where it should be now, as its saved row
    says: in, out, or moved to its new public point. Idempotent. The row is
    locked, so two writers cannot count one post twice."""
    model = type(post)
    author = "author" if model is HelpRequest else "volunteer"
    row = (
        model.objects.select_for_update(of=("self",))
        .select_related(author)
        .filter(pk=post.pk)
        .first()
    )
    if row is None:
        return
    counted = row.map_point
    wanted = row.public_location if _is_public(row) else None
    if counted is not None and wanted is not None and counted.equals_exact(wanted, 0):
        post.map_point = counted
        return
    if counted is None and wanted is None:
        return
    if counted is not None:
        map_cells_adjust(kind=_kind(model), point=counted, delta=-1)
    if wanted is not None:
        map_cells_adjust(kind=_kind(model), point=wanted, delta=1)
    model.objects.filter(pk=row.pk).update(map_point=wanted)
    post.map_point = wanted


def user_posts_sync(user_id: int) -> None:
    """After a sanction is given or lifted, or an account is erased: every
    post of the user that is, or should be, on the map."""
    for post in HelpRequest.objects.filter(author_id=user_id).exclude(
        map_point__isnull=True, status__in=_CLOSED
    ):
        post_sync(post)
    for post in VolunteerOffer.objects.filter(volunteer_id=user_id).exclude(
        map_point__isnull=True, is_active=False
    ):
        post_sync(post)


_CLOSED = [s for s in HelpRequest.Status.values if s != HelpRequest.Status.OPEN]


def map_reconcile() -> int:
    """Syncs every post whose place on the map disagrees with the rule: those
    time alone changed (expired, a suspension over) or a change made outside
    the services (the admin). Returns how many moved."""
    stale = [
        *requests_public().filter(map_point__isnull=True),
        *HelpRequest.objects.filter(map_point__isnull=False).exclude(
            pk__in=requests_public().values("pk")
        ),
        *offers_public().filter(map_point__isnull=True),
        *VolunteerOffer.objects.filter(map_point__isnull=False).exclude(
            pk__in=offers_public().values("pk")
        ),
    ]
    for post in stale:
        post_sync(post)
    return len(stale)
