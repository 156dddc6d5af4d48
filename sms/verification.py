"""A volunteer's phone number, verified by a texted code (DESIGN.md: 6
digits, valid 10 minutes, 5 tries) and shown to requesters as "phone
verified". The number itself is seen by its owner alone; of the code, only
a keyed hash is kept."""

import hmac
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework.exceptions import ErrorDetail, Throttled

from common.phones import phone_e164
from neighbors.models import User
from neighbors.notify import in_language_of
from safety.sanctions import restriction_check
from sms import backends
from sms.models import PhoneCode, Text
from sms.services import SPENT, text_send

CODE_DIGITS = 6
CODE_VALID = timedelta(minutes=10)
CODE_TRIES = 5
# New codes a user may ask for: one a minute, five a day. Counted from the
# texts themselves (a code's text keeps its user), so no counter can drift.
CODE_EVERY = timedelta(seconds=60)
CODES_PER_DAY = 5


class CodesTooOften(Throttled):
    """Too many codes asked for: the API answers 429 (with Retry-After),
    pages show the message. The message says when to try again in words,
    so DRF's "Expected available in N seconds." is left out."""

    def __init__(self, message: str, wait: int):
        super().__init__(wait=wait)
        self.detail = ErrorDetail(message, code=self.default_code)


def _code_hash(user_id: int, code: str) -> str:
    # The user's id is in the message: the same digits hash differently for
    # each user, so one leaked row tells nothing about another.
    return salted_hmac("entraide.phone-code", f"{user_id}:{code}", algorithm="sha256").hexdigest()


def _phone_error(message: str) -> ValidationError:
    return ValidationError({"phone": [message]})


def _code_error(message: str) -> ValidationError:
    return ValidationError({"code": [message]})


def _codes_rate_check(user) -> None:
    now = timezone.now()
    texted = Text.objects.filter(
        user=user,
        direction=Text.Direction.OUT,
        status__in=SPENT,
        created_at__gte=now - timedelta(days=1),
    ).values_list("created_at", flat=True)
    texted = sorted(texted, reverse=True)
    if texted and texted[0] > now - CODE_EVERY:
        wait = int((texted[0] + CODE_EVERY - now).total_seconds()) + 1
        raise CodesTooOften(
            _("A code was texted less than a minute ago. Wait a minute, then ask again."), wait
        )
    if len(texted) >= CODES_PER_DAY:
        wait = int((texted[CODES_PER_DAY - 1] + timedelta(days=1) - now).total_seconds()) + 1
        raise CodesTooOften(
            _("You asked for %(count)s codes today. Try again tomorrow.")
            % {"count": CODES_PER_DAY},
            wait,
        )


def phone_code_send(*, user, phone: str) -> PhoneCode:
    """Texts a new code to `phone` (any previous code is replaced). Refuses
    with a ValidationError on "phone" when the number cannot be texted,
    CodesTooOften when codes were asked for too often, Restricted under a
    sanction."""
    if not backends.enabled():
        raise _phone_error(_("Text messages are not set up on this site."))
    if not (phone or "").strip():
        raise _phone_error(_("Write your phone number."))
    try:
        phone = phone_e164(phone)
    except ValidationError as exc:
        raise _phone_error(exc.messages[0]) from None
    restriction_check(user)
    if user.phone == phone and user.phone_verified_at is not None:
        raise _phone_error(_("This number is verified already."))
    code = "".join(secrets.choice("0123456789") for _digit in range(CODE_DIGITS))
    with transaction.atomic():
        # One request at a time per user: two at once would both pass the
        # rate check.
        User.objects.select_for_update().filter(pk=user.pk).first()
        _codes_rate_check(user)
        phone_code, _created = PhoneCode.objects.update_or_create(
            user=user,
            defaults={
                "phone": phone,
                "code_hash": _code_hash(user.pk, code),
                "expires_at": timezone.now() + CODE_VALID,
                "tries": 0,
            },
        )
        with in_language_of(user):
            body = _(
                "Entraide: your code is %(code)s. It is valid for 10 minutes. "
                "Never give it to anyone."
            ) % {"code": code}
        text = text_send(phone=phone, body=body, user=user)
        if text.status == Text.Status.QUEUED:
            return phone_code
        # Not sent: undo the code and the text's row alike (the previous
        # code, if any, stays valid), so what the person reads is the truth.
        transaction.set_rollback(True)
    if text.status == Text.Status.OVER_CAP:
        raise _phone_error(_("This number has had too many texts today. Try again tomorrow."))
    if text.status == Text.Status.STOPPED:
        raise _phone_error(_("This number answered STOP to our texts: no code can be sent to it."))
    raise _phone_error(_("No more texts can be sent today. Try again tomorrow."))


def phone_code_pending(*, user) -> PhoneCode | None:
    """The user's code that can still be typed, if any."""
    return PhoneCode.objects.filter(user=user, expires_at__gt=timezone.now()).first()


def phone_code_check(*, user, code: str) -> None:
    """The code typed: right, the number is verified and stored on the user;
    wrong, a try is spent (after CODE_TRIES, the code is); expired, it is
    gone. Refuses with a ValidationError on "code"."""
    typed = "".join((code or "").split()).replace("-", "")
    if len(typed) != CODE_DIGITS or not typed.isascii() or not typed.isdigit():
        raise _code_error(
            _("Write the %(count)s digits of the code we texted you.") % {"count": CODE_DIGITS}
        )
    # The tries spent must be saved: the refusal is raised after the commit.
    with transaction.atomic():
        phone_code = PhoneCode.objects.select_for_update().filter(user=user).first()
        if phone_code is None:
            refusal = _("There is no code to check. Ask for a new one.")
        elif phone_code.expires_at <= timezone.now():
            phone_code.delete()
            refusal = _("This code has expired. Ask for a new one.")
        elif hmac.compare_digest(phone_code.code_hash, _code_hash(user.pk, typed)):
            user.phone = phone_code.phone
            user.phone_verified_at = timezone.now()
            user.save(update_fields=["phone", "phone_verified_at"])
            phone_code.delete()
            return
        else:
            phone_code.tries += 1
            left = CODE_TRIES - phone_code.tries
            if left <= 0:
                phone_code.delete()
                refusal = _("This code is not right, and that was the last try. Ask for a new one.")
            else:
                phone_code.save(update_fields=["tries"])
                refusal = ngettext(
                    "This code is not right. %(left)s try left.",
                    "This code is not right. %(left)s tries left.",
                    left,
                ) % {"left": left}
    raise _code_error(refusal)


@transaction.atomic
def phone_forget(*, user) -> None:
    """The "remove my number" button: no number, nothing verified, no code pending."""
    PhoneCode.objects.filter(user=user).delete()
    user.phone = ""
    user.phone_verified_at = None
    user.save(update_fields=["phone", "phone_verified_at"])
