"""The SMS bridge (DESIGN.md, "Relays and SMS"): the conversations of a
neighbour without internet carried to their basic phone, and their short
answers (YES, NO, DONE, a digit, STOP) turned into what a tap would do.

Numbers never travel further than the provider: a helper's words reach the
neighbour's phone from the association's number, and the neighbour's words
reach the chat in their relay's name."""

import logging
import re
import unicodedata
from datetime import datetime, time

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from chat.models import RESERVED_CLIENT_IDS, TEXT_CLIENT_ID
from chat.services import RateLimited, conversation_open, message_send
from common.phones import phone_e164
from relays.models import KeptNeighbour
from relays.selectors import relay_check
from requests_board.models import HelpRequest, Notification
from requests_board.selectors import follow_up_for_request, responses_pending
from requests_board.services import (
    TransitionError,
    follow_up_answer,
    help_request_accept,
    help_request_complete,
    notification_send,
    response_pass,
)
from sms import backends
from sms.models import StoppedNumber, Text, Thread

logger = logging.getLogger(__name__)
State = Thread.State

# A text carries at most this much of a chat message (about three SMS).
BODY_MAX = 450
# What is still worth counting against today's budget.
SPENT = [Text.Status.QUEUED, Text.Status.SENT, Text.Status.DELIVERED, Text.Status.FAILED]


# --- Sending ---------------------------------------------------------------------


def number_hash(phone: str) -> str:
    return salted_hmac("entraide.stopped-number", phone, algorithm="sha256").hexdigest()


def number_stopped(phone: str) -> bool:
    return StoppedNumber.objects.filter(number_hash=number_hash(phone)).exists()


def _today_start() -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate(), time.min))


def _spent_today(**which) -> int:
    """Texts sent (or tried) today: all of them, or those `which` says."""
    return Text.objects.filter(
        direction=Text.Direction.OUT, status__in=SPENT, created_at__gte=_today_start(), **which
    ).count()


def text_send(*, phone: str, body: str, neighbour=None, thread=None, user=None) -> Text:
    """Queues one text from the association's number (sent by the task
    worker once committed), or records why it was not sent: the number
    answered STOP, or today's texts are used up for the site
    (SMS_DAILY_BUDGET) or for this number (SMS_NUMBER_DAILY_CAP). A relay
    whose neighbour's text was not sent for a limit is told, once a day."""
    status = Text.Status.QUEUED
    if number_stopped(phone):
        status = Text.Status.STOPPED
    elif user is not None and _spent_today(user__isnull=False) >= settings.SMS_CODES_DAILY_BUDGET:
        # Phone codes have their own, smaller budget: sign-ups in bulk
        # cannot use up the neighbours' texts.
        status = Text.Status.OVER_BUDGET
    elif _spent_today() >= settings.SMS_DAILY_BUDGET:
        status = Text.Status.OVER_BUDGET
    elif _spent_today(phone=phone) >= settings.SMS_NUMBER_DAILY_CAP:
        status = Text.Status.OVER_CAP
    text = Text.objects.create(
        direction=Text.Direction.OUT,
        status=status,
        phone=phone,
        body=body,
        neighbour=neighbour,
        thread=thread,
        user=user,
    )
    if status == Text.Status.QUEUED:
        from sms.tasks import text_deliver

        transaction.on_commit(lambda: text_deliver.enqueue(text.pk))
    elif status != Text.Status.STOPPED and neighbour is not None:
        refused_before = (
            Text.objects.filter(
                neighbour=neighbour,
                status__in=[Text.Status.OVER_BUDGET, Text.Status.OVER_CAP],
                created_at__gte=_today_start(),
            )
            .exclude(pk=text.pk)
            .exists()
        )
        if not refused_before:
            notification_send(
                user_ids=[neighbour.relay_id],
                kind=Notification.Kind.TEXT_NOT_SENT,
                request=thread.request if thread else None,
            )
    return text


def text_deliver_now(*, text_id: int) -> str:
    """Hands one queued text to the provider (the task's body). Returns its
    new status."""
    text = Text.objects.filter(pk=text_id, status=Text.Status.QUEUED).first()
    backend = backends.backend()
    if text is None:
        return "gone"
    if backend is None:
        status, provider_id = Text.Status.FAILED, ""
    else:
        result = backend.send(message_id=str(text.pk), to=text.phone, body=text.body)
        status = Text.Status.SENT if result.ok else Text.Status.FAILED
        provider_id = result.provider_id
        if not result.ok:
            logger.warning("text %s not accepted by the provider: %s", text.pk, result.detail)
    kept = {"body": CODE_SENT} if text.user_id else {}  # a phone code is kept nowhere
    Text.objects.filter(pk=text.pk, status=Text.Status.QUEUED).update(
        status=status, provider_id=provider_id, **kept
    )
    return status


# What is left of a texted phone code once it went.
CODE_SENT = "(code)"


def delivery_status_record(*, update: backends.StatusUpdate) -> int:
    """A provider's delivery report: "delivered" or "failed" (what the
    relay sees). A report about a text we do not know changes nothing."""
    status = {"delivered": Text.Status.DELIVERED, "failed": Text.Status.FAILED}.get(update.status)
    if status is None or not update.provider_id:
        return 0
    return Text.objects.filter(
        direction=Text.Direction.OUT,
        provider_id=update.provider_id,
        status__in=[Text.Status.SENT, Text.Status.QUEUED],
    ).update(status=status)


# --- Threads: a request carried by text ----------------------------------------------


def _language(neighbour: KeptNeighbour) -> str:
    """The first of the neighbour's languages the site speaks, else the site's."""
    spoken = {code for code, _name in settings.LANGUAGES}
    return next((code for code in neighbour.languages if code in spoken), settings.LANGUAGE_CODE)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= BODY_MAX else text[: BODY_MAX - 1] + "…"


def _tell(thread: Thread, words, **values) -> Text:
    """Texts the thread's neighbour, in their language. (Texts keep to plain
    spaces and quotes: a character outside the GSM alphabet makes each SMS
    hold 70 characters instead of 160.)"""
    neighbour = thread.neighbour
    with translation.override(_language(neighbour)):
        body = str(words()) % values if values else str(words())
    return text_send(phone=neighbour.phone, body=body, neighbour=neighbour, thread=thread)


def _thread_set(thread: Thread, state: str, *, volunteer=None) -> None:
    """Moves the thread on; with `volunteer`, to the conversation with them
    (waiting: to none). The latest moved thread of a number is the one its
    next text is about."""
    thread.state = state
    fields = ["state", "updated_at", "conversation"]
    if volunteer is not None:
        thread.conversation = conversation_open(request=thread.request, volunteer=volunteer)
    elif state == State.WAITING:
        thread.conversation = None
    thread.updated_at = timezone.now()
    thread.save(update_fields=fields)


def _propose(thread: Thread, response) -> None:
    _thread_set(thread, State.PROPOSING, volunteer=response.volunteer)
    _tell(
        thread,
        lambda: _(
            'Entraide: %(name)s offers to help you with "%(title)s": "%(message)s" '
            "Reply YES to accept, or NO. (STOP: no more texts)"
        ),
        name=response.volunteer.display_name,
        title=thread.request.title,
        message=_short(response.message),
    )


def _propose_next(thread: Thread) -> None:
    response = responses_pending(request=thread.request).first()
    if response is not None:
        _propose(thread, response)
        return
    _thread_set(thread, State.WAITING)


@transaction.atomic
def response_texted(*, response) -> None:
    """A volunteer offered to help a neighbour whose requests are carried by
    text (their "texts" box, or the relay handed this one over): their offer
    is texted as a proposal, unless another one is waiting for an answer
    (then it is texted after a NO)."""
    request = response.request
    neighbour = request.on_behalf_of
    if neighbour is None or not neighbour.phone or not backends.enabled():
        return
    if neighbour.texts:
        Thread.objects.get_or_create(request=request, defaults={"neighbour": neighbour})
    thread = (
        Thread.objects.select_for_update()
        .select_related("request", "neighbour")
        .filter(request=request)
        .first()
    )
    if thread is not None and thread.state == State.WAITING:
        _propose(thread, response)


@transaction.atomic
def thread_hand_over(*, request: HelpRequest, user) -> Thread:
    """The relay hands a request's conversation to the neighbour's phone:
    the accepted helper's from now on, or else the offers one by one."""
    if request.author_id != user.pk or request.on_behalf_of_id is None:
        raise PermissionDenied(_("Only the relay who posted this request can do this."))
    relay_check(user)
    neighbour = request.on_behalf_of
    if not backends.enabled():
        raise ValidationError(_("Text messages are not set up on this site."))
    if not neighbour.phone:
        raise ValidationError(_("Add the neighbour's phone number first."))
    if number_stopped(neighbour.phone):
        raise ValidationError(_("This neighbour answered STOP: no more texts can be sent."))
    if request.status not in (HelpRequest.Status.OPEN, HelpRequest.Status.MATCHED):
        raise TransitionError(_("This request is closed."))
    thread, created = Thread.objects.get_or_create(
        request=request, defaults={"neighbour": neighbour}
    )
    thread = Thread.objects.select_for_update().select_related("request").get(pk=thread.pk)
    if not created and thread.state != State.WAITING:
        raise TransitionError(_("The conversation is carried by text already."))
    if request.status == HelpRequest.Status.MATCHED:
        _thread_set(thread, State.HELPING, volunteer=request.helper)
        _tell(
            thread,
            lambda: _(
                'Entraide: %(name)s will help you with "%(title)s". Their messages come to '
                "this phone, and your answers go to them. Reply DONE once it is done. "
                "(STOP: no more texts)"
            ),
            name=request.helper.display_name,
            title=request.title,
        )
    else:
        _propose_next(thread)
    return thread


def _thread_follow_request(thread: Thread) -> None:
    """The request may have moved on in the app since the last text: the
    relay accepted a helper there (the phone now carries that helper's
    conversation, and the neighbour is told who comes), or it was closed."""
    request = thread.request
    if thread.state in (State.FOLLOW_UP, State.OVER):
        return
    if not thread.neighbour.phone or (
        request.status == HelpRequest.Status.MATCHED and request.helper_id is None
    ):
        # Her number was forgotten, or the helper erased their account.
        _thread_set(thread, State.OVER)
    elif request.status == HelpRequest.Status.MATCHED and (
        thread.state != State.HELPING or thread.conversation.volunteer_id != request.helper_id
    ):
        _thread_set(thread, State.HELPING, volunteer=request.helper)
        _tell_helper_comes(thread, request.helper)
    elif request.status not in (HelpRequest.Status.OPEN, HelpRequest.Status.MATCHED):
        _thread_set(thread, State.OVER)


def _tell_helper_comes(thread: Thread, helper) -> None:
    _tell(
        thread,
        lambda: _(
            "Thank you. %(name)s will help you: their messages come to this phone. "
            "Reply DONE once it is done."
        ),
        name=helper.display_name,
    )


@transaction.atomic
def thread_follow(*, request: HelpRequest) -> None:
    """A helper was accepted (in the app, or by YES): the phone catches up.
    Nothing is read for a request no phone carries."""
    if request.on_behalf_of_id is None or not backends.enabled():
        return
    thread = (
        Thread.objects.select_for_update(of=("self",))
        .select_related("neighbour", "request__helper", "conversation")
        .filter(request=request)
        .first()
    )
    if thread is not None:
        _thread_follow_request(thread)


def messages_texted(*, messages) -> int:
    """Carries the helper's new messages to the neighbour's phone, for the
    conversations on it now. Returns how many texts were queued."""
    if not backends.enabled():
        return 0
    written = [
        message
        for message in messages
        if not message.client_id.startswith(RESERVED_CLIENT_IDS)
        and message.sender_id == message.conversation.volunteer_id
    ]
    if not written:
        return 0
    queued = 0
    with transaction.atomic():
        threads = {
            thread.request_id: thread
            for thread in Thread.objects.select_for_update(of=("self",))
            .filter(
                request_id__in={m.conversation.request_id for m in written},
                state__in=[State.PROPOSING, State.HELPING, State.FOLLOW_UP],
            )
            .select_related("neighbour", "request__helper", "conversation")
        }
        for thread in threads.values():
            _thread_follow_request(thread)
        for message in written:
            thread = threads.get(message.conversation.request_id)
            if thread is None or thread.state == State.OVER:
                continue
            if thread.conversation_id != message.conversation_id:
                continue  # a helper not (or no longer) on the phone
            _tell(
                thread,
                lambda: _("%(name)s: %(message)s"),
                name=message.sender.display_name,
                message=_short(message.body),
            )
            queued += 1
    return queued


# --- Inbound texts ---------------------------------------------------------------------

# A short answer, whatever its case, accents and final punctuation.
WORDS = {
    "OUI": "yes",
    "YES": "yes",
    "NON": "no",
    "NO": "no",
    "FAIT": "done",
    "DONE": "done",
    "STOP": "stop",
    "ARRET": "stop",
}
_DIGIT = re.compile(r"^([1-5])(?:\s*/\s*5)?$")


def answer_word(body: str) -> str | None:
    """ "yes", "no", "done", "stop", "1" to "5", or None for any other text."""
    plain = unicodedata.normalize("NFKD", body or "").encode("ascii", "ignore").decode()
    plain = plain.strip().strip(".!?, ").upper()
    if plain in WORDS:
        return WORDS[plain]
    digit = _DIGIT.match(plain)
    return digit.group(1) if digit else None


def _sender_number(sender: str) -> str:
    try:
        return phone_e164(sender)
    except ValidationError:
        return sender.strip()


def inbound_receive(*, inbound: backends.InboundText) -> Text | None:
    """A text from a phone. Stored once per provider id; a number nobody
    keeps leaves nothing behind (but its STOP is kept). Returns the stored
    text, or None."""
    phone = _sender_number(inbound.sender)
    word = answer_word(inbound.body)
    try:
        with transaction.atomic():
            if Text.objects.filter(direction=Text.Direction.IN, provider_id=inbound.id).exists():
                return None
            thread = _thread_answered(phone, word)
            neighbour = thread.neighbour if thread else _neighbour_of(phone)
            if neighbour is None:
                if word == "stop":
                    number_stop(phone=phone)  # a volunteer's phone code, say
                logger.info("a text from a number no relay keeps: dropped")
                return None
            text = Text.objects.create(
                direction=Text.Direction.IN,
                status=Text.Status.RECEIVED,
                phone=phone,
                body=inbound.body,
                neighbour=neighbour,
                thread=thread,
                provider_id=inbound.id,
            )
            _answer(text, word, thread, neighbour)
            return text
    except IntegrityError:
        return None  # the same text, arriving twice at once: stored by the other


# Which state of a thread each short answer is for.
ANSWERED_IN = {
    "yes": State.PROPOSING,
    "no": State.PROPOSING,
    "done": State.HELPING,
    **{digit: State.FOLLOW_UP for digit in "12345"},
}


def _thread_answered(phone: str, word: str | None) -> Thread | None:
    """The thread a text from `phone` is about: the latest one the short
    answer fits (YES to a proposal, DONE to a help under way, a digit to the
    follow-up), else the latest one under way. Waiting threads have nothing
    to answer."""
    threads = list(
        Thread.objects.select_for_update(of=("self",))
        .filter(neighbour__phone=phone)
        .exclude(state__in=[State.OVER, State.WAITING])
        .select_related("neighbour", "request__author", "request__helper", "conversation")
        .order_by("-updated_at", "-pk")
    )
    for thread in threads:
        _thread_follow_request(thread)
    threads = [t for t in threads if t.state not in (State.OVER, State.WAITING)]
    fitting = [t for t in threads if ANSWERED_IN.get(word) == t.state]
    return (fitting or threads or [None])[0]


def _neighbour_of(phone: str) -> KeptNeighbour | None:
    return KeptNeighbour.objects.filter(phone=phone).order_by("-created_at").first()


def _answer(text: Text, word: str | None, thread: Thread | None, neighbour) -> None:
    if word == "stop":
        number_stop(phone=text.phone)
        return
    if thread is None:
        notification_send(user_ids=[neighbour.relay_id], kind=Notification.Kind.TEXT_RECEIVED)
        return
    request, relay = thread.request, thread.request.author
    try:
        if thread.state == State.PROPOSING and word == "yes":
            help_request_accept(
                request=request, requester=relay, helper_id=thread.conversation.volunteer_id
            )
            _thread_set(thread, State.HELPING)
            _tell_helper_comes(thread, thread.conversation.volunteer)
            return
        if thread.state == State.PROPOSING and word == "no":
            response_pass(
                request=request, requester=relay, volunteer_id=thread.conversation.volunteer_id
            )
            _propose_next(thread)
            if thread.state == State.WAITING:
                _tell(thread, lambda: _("Understood. We will text you if someone else offers."))
            return
        if thread.state == State.HELPING and word == "done":
            help_request_complete(request=request, user=relay)
            _thread_set(thread, State.FOLLOW_UP)
            _tell(
                thread,
                lambda: _(
                    "Thank you! Did this help? Reply with a number from 1 (not at all) "
                    "to 5 (a lot)."
                ),
            )
            return
        if thread.state == State.FOLLOW_UP and word in {"1", "2", "3", "4", "5"}:
            follow_up = follow_up_for_request(user=relay, request_id=request.pk)
            follow_up_answer(follow_up=follow_up, score=int(word))
            _thread_set(thread, State.OVER)
            _tell(thread, lambda: _("Thank you for your answer. Take care!"))
            return
    except (TransitionError, ValidationError, PermissionDenied, Http404):
        # The request changed in the meantime (the relay, a moderator, or a
        # volunteer who left): the words go to the conversation, where the
        # relay sees them, and a proposal no longer open makes way.
        logger.info("text on request %s: the answer no longer applies", request.pk)
        if thread.state == State.PROPOSING and not _proposal_open(thread):
            _propose_next(thread)
            if word in ("yes", "no"):
                return
    _into_conversation(text, thread)


def _proposal_open(thread: Thread) -> bool:
    conversation = thread.conversation
    return (
        conversation is not None
        and conversation.closed_at is None
        and responses_pending(request=thread.request)
        .filter(volunteer_id=conversation.volunteer_id)
        .exists()
    )


def _into_conversation(text: Text, thread: Thread) -> None:
    """Any other text: into the conversation on the phone, in the relay's
    name; with none, the relay is told it came."""
    if thread.conversation_id is not None and thread.state != State.WAITING:
        try:
            message_send(
                user=thread.request.author,
                conversation_id=thread.conversation_id,
                body=text.body or "…",
                client_id=f"{TEXT_CLIENT_ID}{text.pk}",
                internal=True,
            )
            return
        except (ValidationError, Http404, PermissionDenied, RateLimited):
            logger.info("text %s could not go into its conversation", text.pk)
    notification_send(
        user_ids=[thread.neighbour.relay_id],
        kind=Notification.Kind.TEXT_RECEIVED,
        request=thread.request,
    )


def number_stop(*, phone: str) -> None:
    """STOP: no text goes to this number again, and each relay keeping it
    is told (their neighbour's texts are switched off)."""
    StoppedNumber.objects.get_or_create(number_hash=number_hash(phone))
    neighbours = KeptNeighbour.objects.filter(phone=phone)
    relay_ids = set(neighbours.values_list("relay_id", flat=True))
    neighbours.update(texts=False)
    Thread.objects.filter(neighbour__phone=phone).update(state=State.OVER)
    Text.objects.filter(phone=phone, status=Text.Status.QUEUED).update(status=Text.Status.STOPPED)
    notification_send(user_ids=relay_ids, kind=Notification.Kind.TEXTS_STOPPED)
