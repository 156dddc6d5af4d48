"""Phone numbers, parsed and stored in E.164 (the phonenumbers library)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def phone_e164(text: str) -> str:
    """`text` as "+33612345678". A number written without its country code
    is read as from PHONE_REGION. Not a number that can be dialled: a
    ValidationError in plain words."""
    import phonenumbers  # imported here: an install without texts never loads its tables

    text = (text or "").strip()
    if len(text) > 40:
        raise ValidationError(_("This is not a phone number."), code="phone")
    try:
        number = phonenumbers.parse(text, settings.PHONE_REGION)
    except phonenumbers.NumberParseException:
        raise ValidationError(_("This is not a phone number."), code="phone") from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("This phone number does not exist. Check it, with its country code if abroad."),
            code="phone",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_shown(e164: str) -> str:
    """How the number is written for its owner and their relay: "06 12 34 56 78"
    at home, "+44 20 7946 0958" from abroad."""
    import phonenumbers

    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    region = phonenumbers.region_code_for_number(number)
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if region == settings.PHONE_REGION
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)
