"""Writes for relays: naming and removing them, and keeping neighbours."""

from datetime import date

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.phones import phone_e164
from common.text import text_is_storable
from geo.models import Zone
from neighbors.models import SPOKEN_LANGUAGES
from relays.models import ConsentHow, KeptNeighbour, Relay
from relays.selectors import relay_check

LANGUAGE_CODES = {code for code, _name in SPOKEN_LANGUAGES}
# What a relay records about a neighbour (kept_neighbour_add's fields).
KEPT_FIELDS = (
    "first_name",
    "phone",
    "place",
    "languages",
    "texts",
    "consent_given_at",
    "consent_how",
)


@transaction.atomic
def relay_name(*, user, zones, named_by=None) -> Relay:
    """Makes `user` a relay in `zones` (added to any they have)."""
    if not zones:
        raise ValidationError({"zones": [_("Choose at least one zone.")]})
    relay, _created = Relay.objects.get_or_create(user=user, defaults={"named_by": named_by})
    relay.zones.add(*zones)
    return relay


@transaction.atomic
def relay_remove(*, user, zones=None) -> bool:
    """Takes `user`'s relay role away in `zones`, or everywhere; the role
    goes with its last zone. Their neighbours stay recorded (their open
    requests go on), but no one can post for them until a relay takes them.
    Returns whether `user` is still a relay."""
    relay = Relay.objects.filter(user=user).first()
    if relay is None:
        return False
    if zones is not None:
        relay.zones.remove(*zones)
        if relay.zones.exists():
            return True
    relay.delete()
    return False


def _kept_neighbour_clean(
    *, relay_user, pk, first_name, phone, place, languages, texts, consent_given_at, consent_how
) -> dict:
    errors, cleaned = {}, {}
    first_name = (first_name or "").strip()
    if not first_name:
        errors["first_name"] = [_("Write the neighbour's first name.")]
    elif len(first_name) > 60 or not text_is_storable(first_name):
        errors["first_name"] = [_("Write a first name of at most 60 letters.")]
    cleaned["first_name"] = first_name
    cleaned["phone"] = ""
    if phone:
        try:
            cleaned["phone"] = phone_e164(phone)
        except ValidationError as exc:
            errors["phone"] = exc.messages
        else:
            if KeptNeighbour.objects.filter(phone=cleaned["phone"]).exclude(pk=pk).exists():
                errors["phone"] = [
                    _(
                        "This number is already recorded for a neighbour. If it is the same "
                        "person, ask the moderators which relay keeps them."
                    )
                ]
    if texts and not phone:
        errors["texts"] = [_("Text messages need a phone number.")]
    cleaned["texts"] = bool(texts)
    if not isinstance(place, Point):
        errors["place"] = [_("Place the pin where the neighbour lives")]
    elif not Zone.objects.filter(relays__user=relay_user, area__intersects=place).exists():
        zones = ", ".join(
            Zone.objects.filter(relays__user=relay_user).values_list("name", flat=True)
        )
        errors["place"] = [
            _("This place is outside the zones you relay in (%(zones)s).") % {"zones": zones}
        ]
    cleaned["place"] = place
    languages = list(dict.fromkeys(languages or []))
    if any(code not in LANGUAGE_CODES for code in languages):
        errors["languages"] = [_("Choose languages from the list.")]
    cleaned["languages"] = languages
    if not isinstance(consent_given_at, date) or consent_given_at > timezone.localdate():
        errors["consent_given_at"] = [_("Give the day the neighbour agreed: today or before.")]
    cleaned["consent_given_at"] = consent_given_at
    if consent_how not in ConsentHow.values:
        errors["consent_how"] = [_("Say how the neighbour agreed.")]
    cleaned["consent_how"] = consent_how
    if errors:
        raise ValidationError(errors)
    return cleaned


def kept_neighbour_add(
    *,
    relay_user,
    first_name: str,
    place: Point,
    consent_given_at: date,
    consent_how: str,
    phone: str = "",
    languages=(),
    texts: bool = False,
) -> KeptNeighbour:
    """Records a neighbour without internet, with the consent they gave the
    relay (the day, and how)."""
    relay_check(relay_user)
    cleaned = _kept_neighbour_clean(
        relay_user=relay_user,
        pk=None,
        first_name=first_name,
        phone=phone,
        place=place,
        languages=languages,
        texts=texts,
        consent_given_at=consent_given_at,
        consent_how=consent_how,
    )
    return KeptNeighbour.objects.create(relay=relay_user, **cleaned)


def kept_neighbour_update(*, neighbour: KeptNeighbour, **fields) -> KeptNeighbour:
    """Changes what is kept about a neighbour (the fields of kept_neighbour_add)."""
    current = {name: getattr(neighbour, name) for name in KEPT_FIELDS}
    cleaned = _kept_neighbour_clean(
        relay_user=neighbour.relay, pk=neighbour.pk, **{**current, **fields}
    )
    for name, value in cleaned.items():
        setattr(neighbour, name, value)
    neighbour.save()
    return neighbour


def kept_neighbours_forget(*, neighbour_ids) -> int:
    """Their phone numbers and places go (retention); returns how many."""
    return (
        KeptNeighbour.objects.filter(pk__in=neighbour_ids)
        .exclude(phone="", place__isnull=True)
        .update(phone="", place=None, texts=False)
    )
