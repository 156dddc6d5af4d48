"""The daily digest (DESIGN.md, "Reach"): for those who chose one email a
day instead of one email each time (User.email_digest), everything since
the last one: the notifications, and the messages waiting unread. Here in
chat, the layer that sees both."""

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chat.selectors import unread_count
from neighbors.models import User
from neighbors.notify import user_zone
from requests_board.models import Notification
from requests_board.services.notifications import email_message, in_language_of

DIGEST_HOUR = 18  # local time: the evening's email


def digests_send(*, now=None) -> int:
    """Sends the digests due: once a day, from DIGEST_HOUR in each person's
    time zone, and only when something happened. Returns how many went."""
    now = now or timezone.now()
    due = User.objects.filter(email_digest=True, is_active=True).exclude(
        digest_sent_at__gt=now - timedelta(hours=20)
    )
    sent = 0
    for user in due.iterator():
        if now.astimezone(user_zone(user)).hour < DIGEST_HOUR or not user.email:
            continue
        since = user.digest_sent_at or now - timedelta(days=1)
        news = list(
            Notification.objects.filter(user=user, created_at__gt=since)
            .select_related("request")
            .order_by("created_at")[:50]
        )
        waiting = unread_count(user=user)
        if news or waiting:
            with in_language_of(user):
                email_message(
                    user=user, subject=_("Your day on Entraide"), body=_digest_words(news, waiting)
                ).send(fail_silently=True)
            sent += 1
        User.objects.filter(pk=user.pk).update(digest_sent_at=now)
    return sent


def _digest_words(news, waiting: int) -> str:
    lines = []
    for notification in news:
        line = str(notification.get_kind_display())
        if notification.request is not None:
            url = settings.SITE_URL + reverse("board:request", args=[notification.request_id])
            line += f": {notification.request.title}\n  {url}"
        lines.append(f"- {line}")
    if waiting:
        lines.append(
            _("- %(n)d unread messages: %(url)s")
            % {"n": waiting, "url": settings.SITE_URL + reverse("chat:conversations")}
        )
    return _("Since yesterday:") + "\n\n" + "\n".join(lines)
