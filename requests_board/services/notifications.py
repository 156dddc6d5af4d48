"""Notifications in the app (stored, pushed live) and the waves that tell
the best-placed volunteers about a new request, by email too if they opted in."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from geo.distance import band_for, metres_between
from neighbors import notify
from neighbors.models import User
from neighbors.notify import in_language_of
from neighbors.services import email_stop_url
from push.services import lock_screen, push_to
from realtime.events import publish
from requests_board.models import (
    HelpRequest,
    Notification,
)
from requests_board.selectors import volunteer_candidates

Status = HelpRequest.Status


def notification_send(*, user_ids, kind: str, request: HelpRequest | None = None) -> None:
    """Stores one notification per user and pushes it over their websockets.
    An erased account (a helper or an author who left: None) is nobody to tell."""
    user_ids = [uid for uid in user_ids if uid is not None]
    if not user_ids:
        return
    Notification.objects.bulk_create(
        [Notification(user_id=uid, kind=kind, request=request) for uid in user_ids]
    )
    payload = {"kind": kind, "request": request.pk if request else None}
    publish(user_ids, "event.notification", {"notification": payload})
    if request is not None and kind in PUSHED:
        _push(user_ids, kind, request)


# What reaches the phone (DESIGN.md, "Reach"): the kind of push of each kind
# of notification, and its words. The others (a moderator's decision, a
# report's outcome) wait in the app.
PUSHED = {
    Notification.Kind.NEW_REQUEST: "new_request",
    Notification.Kind.DIRECT_REQUEST: "new_request",
    Notification.Kind.NEW_RESPONSE: "response",
    Notification.Kind.DIRECT_DECLINED: "response",
    Notification.Kind.ACCEPTED: "accepted",
    Notification.Kind.FOLLOW_UP: "follow_up",
}
PUSH_TITLES = {
    Notification.Kind.NEW_REQUEST: gettext_lazy("A neighbour near you needs help"),
    Notification.Kind.DIRECT_REQUEST: gettext_lazy("A neighbour asks you directly"),
    Notification.Kind.NEW_RESPONSE: gettext_lazy("A neighbour offers to help you"),
    Notification.Kind.DIRECT_DECLINED: gettext_lazy("The volunteer you asked cannot this time"),
    Notification.Kind.ACCEPTED: gettext_lazy("Your offer of help was accepted"),
    Notification.Kind.FOLLOW_UP: gettext_lazy("Did this help? One question"),
}


def _push(user_ids, kind: str, request: HelpRequest) -> None:
    def payload_for(user) -> dict:
        body = lock_screen(user, request.title, _("Open Entraide to see it."))
        if PUSHED[kind] == "new_request" and user.home is not None:
            # The band the volunteer's own list shows: from their home to
            # the request's public point.
            band = band_for(metres_between(user.home, request.public_location))
            body = f"{body} · {band.label}"
        path = (
            reverse("board:follow-up", args=[request.pk])
            if kind == Notification.Kind.FOLLOW_UP
            else reverse("board:request", args=[request.pk])
        )
        return {
            "type": PUSHED[kind],
            "title": str(PUSH_TITLES[kind]),
            "body": body,
            "url": path,
            "tag": f"request-{request.pk}",
        }

    push_to(
        users=User.objects.filter(pk__in=user_ids),
        kind=PUSHED[kind],
        payload_for=payload_for,
        urgent=request.urgency == "high",
    )


def email_message(*, user, subject: str, body: str) -> EmailMessage:
    """Every notification email: to one person, the site's name in the
    subject, a link that stops them at the end, and the headers of mail
    clients' own unsubscribe button (RFC 8058)."""
    stop = email_stop_url(user)
    return EmailMessage(
        subject=f"{_('Entraide')} · {subject}",
        body=body + "\n\n-- \n" + _("Stop these emails: %(url)s") % {"url": stop},
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{stop}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def email_in_their_language(*, user, subject, body, **words) -> None:
    """One notification email to `user` in their language: `subject` and
    `body` are lazy translations (gettext_lazy), filled with `words` once
    that language is on."""
    with in_language_of(user):
        email_person(user=user, subject=str(subject) % words, body=str(body) % words)


def email_person(*, user, subject: str, body: str) -> None:
    """A notification email, sent once the transaction commits."""
    message = email_message(user=user, subject=subject, body=body)
    transaction.on_commit(lambda: message.send(fail_silently=True))


def request_url(request: HelpRequest) -> str:
    return settings.SITE_URL + reverse("board:request", args=[request.pk])


def request_notify_wave(*, request_id: int) -> tuple[int, bool]:
    """Notifies the next NOTIFY_WAVE_SIZE best volunteers not yet told, none
    over NOTIFY_MAX_PER_DAY today. Returns (how many, whether more remain).
    Stops once the request has a response or is no longer open."""
    request = HelpRequest.objects.filter(pk=request_id).first()
    if (
        request is None
        or request.status != Status.OPEN
        or request.hidden
        or request.author is None
        or request.author.is_restricted
        or request.responses.exists()
    ):
        return 0, False
    told = set(
        Notification.objects.filter(
            request=request,
            kind__in=[Notification.Kind.NEW_REQUEST, Notification.Kind.DIRECT_REQUEST],
        ).values_list("user_id", flat=True)
    )
    since = timezone.now() - timedelta(days=1)
    candidates = [
        m.item.volunteer_id
        for m in volunteer_candidates(request=request)
        if m.item.volunteer_id not in told
    ]
    if not candidates:
        return 0, False
    busy = {
        row["user_id"]
        for row in Notification.objects.filter(user_id__in=candidates, created_at__gte=since)
        .values("user_id")
        .annotate(n=models.Count("pk"))
        .filter(n__gte=settings.NOTIFY_MAX_PER_DAY)
    }
    wave = [uid for uid in candidates if uid not in busy][: settings.NOTIFY_WAVE_SIZE]
    with transaction.atomic():
        notification_send(user_ids=wave, kind=Notification.Kind.NEW_REQUEST, request=request)
        emails = [
            _email_new_request(request, user)
            for user in User.objects.filter(pk__in=wave)
            if notify.wants(user, "new_request", "email")
        ]
    if emails:  # the wave is committed: out at once, in one connection
        get_connection(fail_silently=True).send_messages(emails)
    remaining = [uid for uid in candidates if uid not in busy and uid not in wave]
    return len(wave), bool(remaining)


def _email_new_request(request: HelpRequest, user) -> EmailMessage:
    with in_language_of(user):
        return _email_new_request_words(request, user)


def _email_new_request_words(request: HelpRequest, user) -> EmailMessage:
    return email_message(
        user=user,
        subject=_("A neighbour near you needs help: %(title)s") % {"title": request.title},
        body=_(
            "%(title)s\n\nSee the request and offer your help: %(url)s\n\n"
            "You receive this because you asked to be told by email. "
            "You can turn it off on your profile."
        )
        % {"title": request.title, "url": request_url(request)},
    )


@task()
def notify_wave(request_id: int, until: str | None = None) -> int:
    """Notifies the next wave of volunteers for a request; schedules the one
    after if nobody has responded by then. Returns how many were notified.

    A request addressed to one volunteer queues its waves for her deadline,
    `until` (addressed_until, ISO): a job whose deadline has since changed
    (she declined: the waves started at once) stops, so one chain of waves
    runs, never two."""
    waiting = (
        HelpRequest.objects.filter(pk=request_id).values_list("addressed_until", flat=True).first()
    )
    if until is not None and (waiting is None or waiting != datetime.fromisoformat(until)):
        return 0
    if waiting and waiting > timezone.now():
        # Addressed to one volunteer, who still has time: the waves wait.
        notify_wave.using(run_after=waiting).enqueue(request_id, until)
        return 0
    notified, more = request_notify_wave(request_id=request_id)
    if more:
        notify_wave.using(
            run_after=timezone.now() + timedelta(minutes=settings.NOTIFY_WAVE_MINUTES)
        ).enqueue(request_id, until)
    return notified


def waves_start(request: HelpRequest) -> None:
    """Queues the request's first wave after commit: at once, or at the
    deadline of the volunteer it is addressed to."""
    until = request.addressed_until
    if until is None:
        transaction.on_commit(lambda: notify_wave.enqueue(request.pk))
        return
    job = notify_wave.using(run_after=until) if until > timezone.now() else notify_wave
    transaction.on_commit(lambda: job.enqueue(request.pk, until.isoformat()))
