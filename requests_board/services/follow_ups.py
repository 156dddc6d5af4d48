"""Follow-up: one question once a request is done, "Did this help?"."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from common.text import texts_check
from neighbors import notify
from requests_board.models import (
    FollowUp,
    HelpRequest,
    Notification,
)
from requests_board.services.notifications import (
    email_person,
    in_language_of,
    notification_send,
)

Status = HelpRequest.Status


def follow_ups_ask(*, request: HelpRequest) -> list[FollowUp]:
    """Asks both sides "Did this help?": in the app, and by email for those
    who opted in. One question per person and request."""
    asked = []
    for user_id, role in (
        (request.author_id, FollowUp.Role.REQUESTER),
        (request.helper_id, FollowUp.Role.HELPER),
    ):
        if user_id is None:
            continue
        follow_up, created = FollowUp.objects.get_or_create(
            request=request, user_id=user_id, defaults={"role": role}
        )
        if created:
            asked.append(follow_up)
    _follow_ups_tell(asked)
    return asked


def _follow_ups_tell(follow_ups: list[FollowUp]) -> None:
    if not follow_ups:
        return
    request = follow_ups[0].request
    notification_send(
        user_ids=[f.user_id for f in follow_ups], kind=Notification.Kind.FOLLOW_UP, request=request
    )
    for follow_up in follow_ups:
        user = follow_up.user
        if not notify.wants(user, "follow_up", "email"):
            continue
        links = "\n".join(
            f"{score}: {settings.SITE_URL}{follow_up_link(follow_up, score)}"
            for score in range(1, 6)
        )
        with in_language_of(user):
            email_person(
                user=user,
                subject=_("Did this help? %(title)s") % {"title": request.title},
                body=_(
                    'One question about "%(title)s": did this help? Click a number, from '
                    "1 (not at all) to 5 (a lot):\n\n%(links)s\n\nTo add a comment, or "
                    "to answer in the app: %(page)s\n\nThank you!"
                )
                % {
                    "title": request.title,
                    "links": links,
                    "page": settings.SITE_URL + reverse("board:follow-up", args=[request.pk]),
                },
            )


FOLLOW_UP_SALT = "entraide.follow-up"


def follow_up_link(follow_up: FollowUp, score: int) -> str:
    """A link that answers the question in one click, without signing in."""
    token = signing.dumps(follow_up.pk, salt=FOLLOW_UP_SALT, compress=True)
    return reverse("board:follow-up-link", args=[token, score])


def follow_up_from_token(token: str) -> FollowUp:
    try:
        pk = signing.loads(
            token, salt=FOLLOW_UP_SALT, max_age=timedelta(days=settings.FOLLOW_UP_LINK_DAYS)
        )
    except signing.BadSignature:
        raise Http404 from None
    follow_up = FollowUp.objects.select_related("request").filter(pk=pk).first()
    if follow_up is None or follow_up.user_id is None:
        raise Http404
    return follow_up


@transaction.atomic
def follow_up_answer(*, follow_up: FollowUp, score, comment: str | None = None) -> FollowUp:
    """Records (or changes) an answer: a score from 1 to 5, a comment if any."""
    if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
        raise ValidationError({"score": [_("Choose a number from 1 to 5.")]})
    if comment is not None and (not isinstance(comment, str) or len(comment) > 1000):
        raise ValidationError({"comment": [_("At most 1,000 characters.")]})
    texts_check(comment=comment)
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    follow_up.score = score
    if comment is not None:
        follow_up.comment = comment.strip()
    follow_up.answered_at = timezone.now()
    follow_up.save(update_fields=["score", "comment", "answered_at"])
    return follow_up


def follow_ups_remind(*, now: datetime | None = None) -> int:
    """Reminds, once, those who have not answered after FOLLOW_UP_REMIND_DAYS."""
    now = now or timezone.now()
    due = list(
        FollowUp.objects.filter(
            answered_at__isnull=True,
            reminded_at__isnull=True,
            user__isnull=False,
            asked_at__lte=now - timedelta(days=settings.FOLLOW_UP_REMIND_DAYS),
        ).select_related("request", "user")[:500]
    )
    with transaction.atomic():
        FollowUp.objects.filter(pk__in=[f.pk for f in due]).update(reminded_at=now)
        for follow_up in due:
            _follow_ups_tell([follow_up])
    return len(due)
