"""Writes for the help board: requests, their lifecycle, responses, offers.

DESIGN.md, "Request lifecycle": open -> matched -> done | cancelled; an open
request expires. Every transition is a function here; an invalid one raises
TransitionError, which the API and the pages turn into a clear 4xx.
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mass_mail
from django.db import IntegrityError, models, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from common.text import texts_check
from geo.privacy import public_point
from geo.zones import zone_for_point
from neighbors.models import HelpCategory, User
from realtime.events import publish
from requests_board.map_cells import map_post_adjust
from requests_board.models import (
    FollowUp,
    HelpRequest,
    Notification,
    Response,
    Urgency,
    VolunteerOffer,
)
from requests_board.selectors import volunteer_candidates
from requests_board.signals import response_created
from safety.flags import personal_data_check
from safety.limits import limit_check
from safety.sanctions import restriction_check
from safety.selectors import blocked_between
from safety.signals import published_anyway

Status = HelpRequest.Status


class TransitionError(Exception):
    """A lifecycle step that the request's state does not allow."""

    def __init__(self, message: str, code: str = "invalid_transition"):
        super().__init__(message)
        self.message = message
        self.code = code


def _expiry(needed_by) -> datetime:
    if needed_by is not None:
        return timezone.make_aware(datetime.combine(needed_by + timedelta(days=1), time.min))
    return timezone.now() + timedelta(days=settings.REQUEST_TTL_DAYS)


def _validate_request_fields(*, title, description, needed_by, max_distance_m) -> dict:
    texts_check(title=title, description=description)
    errors = {}
    if not title.strip():
        errors["title"] = [_("Give your request a short title.")]
    if len(title) > 120:
        errors["title"] = [_("At most 120 characters.")]
    if len(description) > 2000:
        errors["description"] = [_("At most 2,000 characters.")]
    if needed_by is not None and needed_by < timezone.localdate():
        errors["needed_by"] = [_("This date is in the past.")]
    if max_distance_m is not None and not 100 <= max_distance_m <= 3000:
        errors["max_distance_m"] = [_("Between 100 and 3,000 metres.")]
    return errors


def notification_send(*, user_ids, kind: str, request: HelpRequest | None = None) -> None:
    """Stores one notification per user and pushes it over their websockets."""
    user_ids = list(user_ids)
    Notification.objects.bulk_create(
        [Notification(user_id=uid, kind=kind, request=request) for uid in user_ids]
    )
    payload = {"kind": kind, "request": request.pk if request else None}
    publish(user_ids, "event.notification", {"notification": payload})


@transaction.atomic
def help_request_create(
    *,
    author,
    title: str,
    category: HelpCategory,
    location: Point,
    description: str = "",
    urgency: str = Urgency.NORMAL,
    needed_by=None,
    max_distance_m: int | None = None,
    publish_anyway: bool = False,
) -> HelpRequest:
    """Publishes a request. Text that seems to hold a phone number, an email
    or an address is refused with a warning unless `publish_anyway`; then it
    is published and flagged to moderators."""
    restriction_check(author)
    errors = _validate_request_fields(
        title=title, description=description, needed_by=needed_by, max_distance_m=max_distance_m
    )
    if errors:
        raise ValidationError(errors)
    found = personal_data_check(
        {"title": title, "description": description}, publish_anyway=publish_anyway
    )
    limit_check(author, "request")
    request = HelpRequest.objects.create(
        author=author,
        title=title.strip(),
        description=description.strip(),
        category=category,
        urgency=urgency,
        location=location,
        public_location=location,  # replaced below: the public point needs the id
        needed_by=needed_by,
        max_distance_m=max_distance_m,
        expires_at=_expiry(needed_by),
    )
    request.public_location = public_point(location, identity=f"request:{request.pk}")
    request.zone = zone_for_point(location)
    request.save(update_fields=["public_location", "zone"])
    map_post_adjust(request, 1)
    if found:
        published_anyway.send(sender=None, target_type="request", target_id=request.pk, found=found)
    transaction.on_commit(lambda: _enqueue_first_wave(request.pk))
    return request


def _enqueue_first_wave(request_id: int) -> None:
    from requests_board.tasks import notify_wave  # the tasks module imports this one

    notify_wave.enqueue(request_id)


@transaction.atomic
def help_request_update(
    *, request: HelpRequest, user, publish_anyway: bool = False, **fields
) -> HelpRequest:
    request = HelpRequest.objects.select_for_update().get(pk=request.pk)
    if request.author_id != user.pk:
        raise PermissionDenied(_("Only the author can edit a request."))
    restriction_check(user)
    if request.status != Status.OPEN:
        raise TransitionError(_("Only an open request can be edited."))
    merged = {
        "title": fields.get("title", request.title),
        "description": fields.get("description", request.description),
        "needed_by": fields.get("needed_by", request.needed_by),
        "max_distance_m": fields.get("max_distance_m", request.max_distance_m),
    }
    errors = _validate_request_fields(**merged)
    if errors:
        raise ValidationError(errors)
    found = personal_data_check(
        {"title": merged["title"], "description": merged["description"]},
        publish_anyway=publish_anyway,
    )
    for name in ("title", "description", "category", "urgency", "needed_by", "max_distance_m"):
        if name in fields:
            setattr(
                request,
                name,
                fields[name].strip() if isinstance(fields[name], str) else fields[name],
            )
    if "needed_by" in fields:
        request.expires_at = _expiry(request.needed_by)
    if "location" in fields and not fields["location"].equals_exact(request.location, 1e-9):
        old = request.public_location
        request.location = fields["location"]
        request.public_location = public_point(request.location, identity=f"request:{request.pk}")
        request.zone = zone_for_point(request.location)
        map_post_adjust(request, -1, point=old)
        map_post_adjust(request, 1)
    request.save()
    if found:
        published_anyway.send(sender=None, target_type="request", target_id=request.pk, found=found)
    return request


def _locked(request: HelpRequest) -> HelpRequest:
    return HelpRequest.objects.select_for_update().get(pk=request.pk)


def help_request_respond(*, request: HelpRequest, volunteer, message: str) -> Response:
    """A volunteer offers to help. Once the response is committed, chat opens
    the conversation with the response as its first message, in its own
    transaction (response_created): published in the conversation's order."""
    response = _response_create(request=request, volunteer=volunteer, message=message)
    response_created.send(sender=Response, response=response)
    return response


@transaction.atomic
def _response_create(*, request: HelpRequest, volunteer, message: str) -> Response:
    restriction_check(volunteer)
    request = _locked(request)
    if request.author_id == volunteer.pk:
        raise TransitionError(_("You cannot respond to your own request."), code="own_request")
    if blocked_between(request.author_id, volunteer.pk):
        raise Http404  # the request is out of sight for both

    if request.status != Status.OPEN or request.expires_at <= timezone.now():
        raise TransitionError(_("This request is no longer open."))
    texts_check(message=message)
    message = message.strip()
    if not message:
        raise ValidationError({"message": [_("Say a word to your neighbour.")]})
    if len(message) > 1000:
        raise ValidationError({"message": [_("At most 1,000 characters.")]})
    limit_check(volunteer, "response")
    limit_check(volunteer, "conversation")
    try:
        with transaction.atomic():
            response = Response.objects.create(
                request=request, volunteer=volunteer, message=message
            )
    except IntegrityError:
        raise TransitionError(
            _("You have already offered to help with this request."), code="already_responded"
        ) from None
    if request.first_response_at is None:
        request.first_response_at = response.created_at
        request.save(update_fields=["first_response_at"])
    notification_send(
        user_ids=[request.author_id], kind=Notification.Kind.NEW_RESPONSE, request=request
    )
    return response


@transaction.atomic
def help_request_accept(*, request: HelpRequest, requester, helper_id: int) -> HelpRequest:
    request = _locked(request)
    if request.author_id != requester.pk:
        raise PermissionDenied(_("Only the author can accept a helper."))
    if request.status != Status.OPEN:
        raise TransitionError(_("This request is not open: it cannot take a helper."))
    response = request.responses.filter(volunteer_id=helper_id).first()
    if response is None or blocked_between(request.author_id, response.volunteer_id):
        raise ValidationError({"helper": [_("This neighbour has not offered to help.")]})
    now = timezone.now()
    request.status = Status.MATCHED
    request.helper_id = helper_id
    request.matched_at = now
    request.save(update_fields=["status", "helper", "matched_at"])
    request.responses.exclude(pk=response.pk).update(status=Response.Status.DECLINED)
    response.status = Response.Status.ACCEPTED
    response.save(update_fields=["status"])
    map_post_adjust(request, -1)
    notification_send(user_ids=[helper_id], kind=Notification.Kind.ACCEPTED, request=request)
    return request


@transaction.atomic
def help_request_complete(*, request: HelpRequest, user) -> HelpRequest:
    request = _locked(request)
    if user.pk not in (request.author_id, request.helper_id):
        raise PermissionDenied(_("Only the author or the helper can mark a request done."))
    if request.status != Status.MATCHED:
        raise TransitionError(_("Only a request with an accepted helper can be marked done."))
    request.status = Status.DONE
    request.closed_at = timezone.now()
    request.save(update_fields=["status", "closed_at"])
    other = request.helper_id if user.pk == request.author_id else request.author_id
    notification_send(user_ids=[other], kind=Notification.Kind.CLOSED, request=request)
    follow_ups_ask(request=request)
    return request


@transaction.atomic
def help_request_cancel(*, request: HelpRequest, user) -> HelpRequest:
    request = _locked(request)
    if request.author_id != user.pk:
        raise PermissionDenied(_("Only the author can cancel a request."))
    if request.status not in (Status.OPEN, Status.MATCHED):
        raise TransitionError(_("This request is already closed."))
    was_open = request.status == Status.OPEN
    request.status = Status.CANCELLED
    request.closed_at = timezone.now()
    request.save(update_fields=["status", "closed_at"])
    if was_open:
        map_post_adjust(request, -1)
    others = set(request.responses.values_list("volunteer_id", flat=True))
    if others:
        notification_send(user_ids=others, kind=Notification.Kind.CLOSED, request=request)
    return request


def help_requests_expire(*, now: datetime | None = None) -> int:
    """Closes open requests past their expiry. Returns how many."""
    now = now or timezone.now()
    expired = 0
    ids = list(
        HelpRequest.objects.filter(status=Status.OPEN, expires_at__lte=now).values_list(
            "pk", flat=True
        )
    )
    for pk in ids:
        with transaction.atomic():
            request = HelpRequest.objects.select_for_update().get(pk=pk)
            if request.status != Status.OPEN:
                continue
            request.status = Status.EXPIRED
            request.closed_at = now
            request.save(update_fields=["status", "closed_at"])
            map_post_adjust(request, -1)
            expired += 1
    return expired


@transaction.atomic
def offer_create(
    *,
    volunteer,
    categories,
    radius_m: int | None = None,
    availability: str = "",
    note: str = "",
    publish_anyway: bool = False,
) -> VolunteerOffer:
    restriction_check(volunteer)
    texts_check(availability=availability, note=note)
    if volunteer.home is None:
        raise ValidationError(
            {"non_field_errors": [_("Set your home first: offers are matched from it.")]}
        )
    categories = list(categories)
    if not categories:
        raise ValidationError({"categories": [_("Choose at least one kind of help.")]})
    radius_m = radius_m or volunteer.walk_radius_m
    if not 100 <= radius_m <= 3000:
        raise ValidationError({"radius_m": [_("Between 100 and 3,000 metres.")]})
    found = personal_data_check(
        {"availability": availability, "note": note}, publish_anyway=publish_anyway
    )
    limit_check(volunteer, "offer")
    offer = VolunteerOffer.objects.create(
        volunteer=volunteer,
        radius_m=radius_m,
        availability=availability.strip(),
        note=note.strip(),
        location=volunteer.home,
        public_location=volunteer.home_public,
    )
    offer.categories.set(categories)
    map_post_adjust(offer, 1)
    if found:
        published_anyway.send(sender=None, target_type="offer", target_id=offer.pk, found=found)
    return offer


@transaction.atomic
def offer_deactivate(*, offer: VolunteerOffer, user) -> VolunteerOffer:
    offer = VolunteerOffer.objects.select_for_update().get(pk=offer.pk)
    if offer.volunteer_id != user.pk:
        raise PermissionDenied(_("Only its volunteer can withdraw an offer."))
    if offer.is_active:
        offer.is_active = False
        offer.save(update_fields=["is_active"])
        map_post_adjust(offer, -1)
    return offer


def offers_follow_home(*, user) -> None:
    """Active offers sit at their volunteer's home: move them with it."""
    for offer in VolunteerOffer.objects.select_for_update().filter(volunteer=user, is_active=True):
        map_post_adjust(offer, -1)
        if user.home is None:
            offer.is_active = False
        else:
            offer.location = user.home
            offer.public_location = user.home_public
            map_post_adjust(offer, 1)
        offer.save(update_fields=["location", "public_location", "is_active"])


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
            request=request, kind=Notification.Kind.NEW_REQUEST
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
        emails = list(
            User.objects.filter(pk__in=wave, email_notifications=True).values_list(
                "email", flat=True
            )
        )
    if emails:
        _email_new_request(request, emails)
    remaining = [uid for uid in candidates if uid not in busy and uid not in wave]
    return len(wave), bool(remaining)


def _email_new_request(request: HelpRequest, emails: list[str]) -> None:
    subject = _("A neighbour near you needs help: %(title)s") % {"title": request.title}
    body = _(
        "%(title)s\n\nSee the request and offer your help: %(url)s\n\n"
        "You receive this because you asked to be told by email. "
        "You can turn it off on your profile."
    ) % {
        "title": request.title,
        "url": settings.SITE_URL + reverse("board:request", args=[request.pk]),
    }
    send_mass_mail([(subject, body, None, [email]) for email in emails], fail_silently=True)


# --- Follow-up: one question once a request is done ------------------------------


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
    mails = []
    for follow_up in follow_ups:
        user = follow_up.user
        if not user.email_notifications:
            continue
        links = "\n".join(
            f"{score}: {settings.SITE_URL}{follow_up_link(follow_up, score)}"
            for score in range(1, 6)
        )
        mails.append(
            (
                _("Did this help? %(title)s") % {"title": request.title},
                _(
                    'One question about "%(title)s": did this help? Click a number, from '
                    "1 (not at all) to 5 (a lot):\n\n%(links)s\n\nThank you!"
                )
                % {"title": request.title, "links": links},
                None,
                [user.email],
            )
        )
    if mails:
        transaction.on_commit(lambda: send_mass_mail(mails, fail_silently=True))


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
