"""Help requests and their lifecycle.

DESIGN.md, "Request lifecycle": open -> matched -> done | cancelled; an open
request expires. Every transition is a function here; an invalid one raises
TransitionError, which the API and the pages turn into a clear 4xx. Every
change of what the public sees goes through requests_board.visibility."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from common.text import texts_check
from geo.geocoding import address_of
from geo.privacy import public_point
from geo.zones import zone_for_point
from neighbors import notify
from neighbors.models import HelpCategory
from relays.models import KeptNeighbour
from relays.selectors import kept_neighbour_for_posting
from requests_board import visibility
from requests_board.models import (
    HelpRequest,
    Notification,
    PartOfDay,
    Response,
    Urgency,
)
from requests_board.services.direct import (
    direct_ask_tell,
    direct_deadline,
    direct_offer_check,
)
from requests_board.services.follow_ups import follow_ups_ask
from requests_board.services.notifications import (
    email_in_their_language,
    notification_send,
    request_url,
    waves_start,
)
from requests_board.signals import helper_accepted
from safety.flags import personal_data_check
from safety.limits import limit_check
from safety.sanctions import restriction_check
from safety.selectors import blocked_between
from safety.signals import published_anyway

Status = HelpRequest.Status
CLIENT_ID_SECONDS = 7 * 24 * 3600


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


def meeting_address_fill(request_id: int) -> str:
    """The meeting point in words (geo.geocoding.reverse), stored privately
    beside it; nothing if the geocoder cannot say or the point moved on."""
    request = HelpRequest.objects.filter(pk=request_id, exact_deleted=False).first()
    if request is None:
        return ""
    point = request.location
    language = request.author.language if request.author_id else settings.LANGUAGE_CODE
    address = address_of(lat=point.y, lng=point.x, language=language)
    if address:
        HelpRequest.objects.filter(pk=request_id, location=point, exact_deleted=False).update(
            meeting_address=address[:300]
        )
    return address


@task()
def meeting_address_find(request_id: int) -> str:
    """In the background: a request never waits on the geocoder."""
    return meeting_address_fill(request_id)


def urgency_for_day(needed_by) -> str:
    """How urgent a request is, from the day it is for (the web form asks
    for the day, in the person's words, not for an urgency): today or
    tomorrow is urgent, no day is "when possible"."""
    if needed_by is None:
        return Urgency.LOW
    if needed_by <= timezone.localdate() + timedelta(days=1):
        return Urgency.HIGH
    return Urgency.NORMAL


def needed_by_check(needed_by) -> None:
    """The one "not in the past" rule of a request's date (today, in the
    server's time zone, is allowed): the service applies it, and the web form
    and the API serializer call it to answer field by field."""
    if needed_by is not None and needed_by < timezone.localdate():
        raise ValidationError(_("This date is in the past."), code="past_date")


def _validate_request_fields(
    *,
    title,
    description,
    needed_by,
    max_distance_m,
    needed_on=None,
    part_of_day="",
    meeting_note="",
) -> dict:
    texts_check(title=title, description=description, meeting_note=meeting_note)
    errors = {}
    if not title.strip():
        errors["title"] = [_("Give your request a short title.")]
    if len(title) > 120:
        errors["title"] = [_("At most 120 characters.")]
    if len(description) > 2000:
        errors["description"] = [_("At most 2,000 characters.")]
    try:
        needed_by_check(needed_by)
    except ValidationError as exc:
        errors["needed_by"] = exc.error_list
    try:
        needed_by_check(needed_on)
    except ValidationError as exc:
        errors["needed_on"] = exc.error_list
    if needed_on and needed_by and needed_by < needed_on and "needed_by" not in errors:
        errors["needed_by"] = [_("This is before the day the help is for.")]
    if part_of_day not in PartOfDay.values:
        errors["part_of_day"] = [_("Choose the morning, the afternoon or the evening.")]
    if len(meeting_note) > 200:
        errors["meeting_note"] = [_("At most 200 characters.")]
    if max_distance_m is not None and not 100 <= max_distance_m <= 3000:
        errors["max_distance_m"] = [_("Between 100 and 3,000 metres.")]
    return errors


def help_request_create(*, author, client_id: str = "", **fields) -> HelpRequest:
    """Publishes a request. Text that seems to hold a phone number, an email
    or an address is refused with a warning unless `publish_anyway`; then it
    is published and flagged to moderators. A request for a day
    (`needed_on`) is of no use after it unless `needed_by` says otherwise.
    A request `addressed_to` an offer goes to that volunteer first: the
    waves wait DIRECT_REQUEST_MINUTES for her. A `client_id` (a form sent
    again when a connection returned) publishes one request, however often
    it comes. The fields are _help_request_publish's."""
    if not client_id:
        return _help_request_publish(author=author, **fields)
    key = f"request-client:{author.pk}:{client_id[:64]}"
    if not cache.add(key, 0, CLIENT_ID_SECONDS):
        earlier = HelpRequest.objects.filter(pk=cache.get(key) or 0, author=author).first()
        if earlier is None:
            raise TransitionError(_("This request is being published."), code="in_progress")
        return earlier
    try:
        request = _help_request_publish(author=author, **fields)
    except BaseException:
        cache.delete(key)  # refused: corrected, it may come again
        raise
    cache.set(key, request.pk, CLIENT_ID_SECONDS)
    return request


@transaction.atomic
def _help_request_publish(
    *,
    author,
    title: str,
    category: HelpCategory,
    location: Point | None = None,
    description: str = "",
    urgency: str = Urgency.NORMAL,
    needed_by=None,
    needed_on=None,
    part_of_day: str = "",
    meeting_note: str = "",
    max_distance_m: int | None = None,
    addressed_to: int | None = None,
    on_behalf_of: int | None = None,
    publish_anyway: bool = False,
) -> HelpRequest:
    restriction_check(author)
    needed_by = needed_by or needed_on
    errors = _validate_request_fields(
        title=title,
        description=description,
        needed_by=needed_by,
        needed_on=needed_on,
        part_of_day=part_of_day,
        meeting_note=meeting_note,
        max_distance_m=max_distance_m,
    )
    offer = None
    if addressed_to is not None:
        try:
            offer = direct_offer_check(author=author, offer_id=addressed_to)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    neighbour = None
    if on_behalf_of is not None:
        try:
            neighbour = kept_neighbour_for_posting(relay_user=author, pk=on_behalf_of)
        except KeptNeighbour.DoesNotExist:
            errors["on_behalf_of"] = [
                _("Only a relay can post for a neighbour, and only for one they keep.")
            ]
        else:
            # Matched from the neighbour's place unless the relay gave a meeting point.
            location = location or neighbour.place
    if location is None and "on_behalf_of" not in errors:
        errors["location"] = [_("Place the pin where the help is needed")]
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
        needed_on=needed_on,
        part_of_day=part_of_day,
        meeting_note=meeting_note.strip(),
        max_distance_m=max_distance_m,
        expires_at=_expiry(needed_by),
        addressed_to=offer,
        addressed_until=direct_deadline() if offer else None,
        on_behalf_of=neighbour,
    )
    request.public_location = public_point(location, identity=f"request:{request.pk}")
    request.zone = zone_for_point(location)
    request.save(update_fields=["public_location", "zone"])
    visibility.post_sync(request)
    if found:
        published_anyway.send(sender=None, target_type="request", target_id=request.pk, found=found)
    if offer:
        direct_ask_tell(request)
    waves_start(request)
    transaction.on_commit(lambda: meeting_address_find.enqueue(request.pk))
    return request


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
    if "needed_on" in fields and "needed_by" not in fields:
        fields["needed_by"] = fields["needed_on"]
    merged = {
        name: fields.get(name, getattr(request, name))
        for name in (
            "title",
            "description",
            "needed_by",
            "needed_on",
            "part_of_day",
            "meeting_note",
            "max_distance_m",
        )
    }
    errors = _validate_request_fields(**merged)
    if errors:
        raise ValidationError(errors)
    found = personal_data_check(
        {"title": merged["title"], "description": merged["description"]},
        publish_anyway=publish_anyway,
    )
    changeable = (
        "title",
        "description",
        "category",
        "urgency",
        "needed_by",
        "needed_on",
        "part_of_day",
        "meeting_note",
        "max_distance_m",
    )
    for name in changeable:
        if name in fields:
            setattr(
                request,
                name,
                fields[name].strip() if isinstance(fields[name], str) else fields[name],
            )
    if "needed_by" in fields:
        request.expires_at = _expiry(request.needed_by)
    moved = "location" in fields and not fields["location"].equals_exact(request.location, 1e-9)
    if moved:
        request.location = fields["location"]
        request.public_location = public_point(request.location, identity=f"request:{request.pk}")
        request.zone = zone_for_point(request.location)
        request.meeting_address = ""  # found again for the new point
        transaction.on_commit(lambda: meeting_address_find.enqueue(request.pk))
    request.save()
    visibility.post_sync(request)
    if found:
        published_anyway.send(sender=None, target_type="request", target_id=request.pk, found=found)
    return request


def _locked(request: HelpRequest) -> HelpRequest:
    return HelpRequest.objects.select_for_update().get(pk=request.pk)


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
    visibility.post_sync(request)
    notification_send(user_ids=[helper_id], kind=Notification.Kind.ACCEPTED, request=request)
    helper = response.volunteer
    if notify.wants(helper, "accepted", "email"):
        _email_accepted(request, helper)
    transaction.on_commit(lambda: helper_accepted.send(sender=HelpRequest, request=request))
    return request


def _email_accepted(request: HelpRequest, helper) -> None:
    email_in_their_language(
        user=helper,
        subject=gettext_lazy("%(name)s accepted your help: %(title)s"),
        body=gettext_lazy(
            "%(name)s accepted your offer of help with “%(title)s”. The meeting "
            "place and your conversation are here: %(url)s"
        ),
        name=request.author.display_name,
        title=request.title,
        url=request_url(request),
    )


@transaction.atomic
def help_request_decline(*, request: HelpRequest, user) -> HelpRequest:
    """The volunteer asked first says she cannot this time: the request goes
    to the usual waves at once, and its author is told."""
    request = _locked(request)
    offer = request.addressed_to
    if offer is None or offer.volunteer_id != user.pk:
        raise TransitionError(_("This request was not addressed to you."), code="not_addressed")
    if request.status != Status.OPEN or request.expires_at <= timezone.now():
        raise TransitionError(_("This request is no longer open."))
    now = timezone.now()
    if request.addressed_until is None or request.addressed_until <= now:
        raise TransitionError(
            _("Other neighbours have already been asked: no need to answer."),
            code="already_widened",
        )
    if request.responses.filter(volunteer_id=user.pk).exists():
        raise TransitionError(_("You have already offered to help with this request."))
    request.addressed_until = now
    request.save(update_fields=["addressed_until"])
    notification_send(
        user_ids=[request.author_id], kind=Notification.Kind.DIRECT_DECLINED, request=request
    )
    if notify.wants(request.author, "response", "email"):
        email_in_their_language(
            user=request.author,
            subject=gettext_lazy("%(name)s cannot help this time: %(title)s"),
            body=gettext_lazy(
                "%(name)s cannot help this time with “%(title)s”. Other neighbours "
                "nearby are being asked now: %(url)s"
            ),
            name=user.display_name,
            title=request.title,
            url=request_url(request),
        )
    waves_start(request)
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
    request.status = Status.CANCELLED
    request.closed_at = timezone.now()
    request.save(update_fields=["status", "closed_at"])
    visibility.post_sync(request)
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
            visibility.post_sync(request)
            expired += 1
    return expired
