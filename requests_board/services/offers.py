"""Volunteer offers: published at the volunteer's home, following it when it moves."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from common.text import texts_check
from requests_board import visibility
from requests_board.models import (
    HelpRequest,
    VolunteerOffer,
)
from safety.flags import personal_data_check
from safety.limits import limit_check
from safety.sanctions import restriction_check
from safety.signals import published_anyway

Status = HelpRequest.Status


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
    visibility.post_sync(offer)
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
        visibility.post_sync(offer)
    return offer


def offers_follow_home(*, user) -> None:
    """Active offers sit at their volunteer's home: move them with it."""
    for offer in VolunteerOffer.objects.select_for_update().filter(volunteer=user, is_active=True):
        if user.home is None:
            offer.is_active = False
        else:
            offer.location = user.home
            offer.public_location = user.home_public
        offer.save(update_fields=["location", "public_location", "is_active"])
        visibility.post_sync(offer)
