"""A person's follow-up questions, notifications and the categories they choose from."""

from django.http import Http404

from neighbors.models import HelpCategory
from requests_board.models import FollowUp


def categories_list():
    return HelpCategory.objects.all()


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
