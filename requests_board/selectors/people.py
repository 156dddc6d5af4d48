"""A person's follow-up questions, notifications and the categories they choose from."""

from django.http import Http404

from neighbors.models import HelpCategory
from requests_board.models import FollowUp


def categories_list():
    return HelpCategory.objects.all()


def follow_ups_of(*, user):
    return FollowUp.objects.filter(user=user).select_related("request")


def follow_ups_waiting(*, user, limit: int = 3) -> list[FollowUp]:
    """The questions not answered yet, for the home page."""
    return list(follow_ups_of(user=user).filter(answered_at__isnull=True)[:limit])


def _one_follow_up(user, **which) -> FollowUp:
    follow_up = follow_ups_of(user=user).filter(**which).first()
    if follow_up is None:
        raise Http404
    return follow_up


def follow_up_of(*, user, follow_up_id) -> FollowUp:
    """One of the user's follow-up questions; anyone else's is a 404."""
    return _one_follow_up(user, pk=follow_up_id)


def follow_up_for_request(*, user, request_id) -> FollowUp:
    """The user's question about one request (where "done" leads); none is a 404."""
    return _one_follow_up(user, request_id=request_id)


def notifications_for(*, user, limit: int = 50):
    return user.notifications.select_related("request")[:limit]
