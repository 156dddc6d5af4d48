"""A person's rights over their data (DESIGN.md): export, erasure and
retention. Each app owns its rows and says what of them is personal, in its
`personal_data` module (`export`, `erase`, and `retention_apply` where it
keeps anything for a limited time); this module only asks them, in order."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chat import personal_data as chat_data
from moderation import personal_data as moderation_data
from neighbors import personal_data as neighbors_data
from relays import personal_data as relays_data
from relays import selectors as relays_selectors
from requests_board import personal_data as board_data
from safety import personal_data as safety_data
from sms import personal_data as sms_data

EXPORT_FORMAT = "entraide-export/1"
# Lowest layer first. Erasure goes in the same order: the board cancels
# open requests (telling the neighbours involved) before chat closes the
# conversations.
PARTS = [neighbors_data, relays_data, safety_data, board_data, chat_data, sms_data, moderation_data]
RETAINING = [board_data, chat_data, sms_data]
# What hangs on a neighbour a relay keeps, in the same order.
# (The neighbour's own row goes last, with what cascades from it.)
NEIGHBOUR_PARTS = [board_data, chat_data, sms_data]


def account_export(*, user) -> dict:
    """Everything the app holds about `user`, as one JSON document: their
    own data, and nothing about anyone else beyond what they could see."""
    document = {"format": EXPORT_FORMAT, "exported_at": timezone.now().isoformat()}
    for part in PARTS:
        document.update(part.export(user))
    return document


@transaction.atomic
def account_erase(*, user, password: str) -> None:
    """Erases the account, irreversibly, once the password confirms it.

    Removed: the profile and home, offers, responses, notifications, blocks,
    tokens, and the exact points and texts of the user's requests. Kept,
    without the user: the body-less messages they sent (the other
    participant sees "deleted account"), the reports they filed (the audit
    trail), follow-up scores and the requests' anonymous rows, which the
    impact figures count."""
    if not isinstance(password, str) or not user.check_password(password):
        raise ValidationError({"password": [_("The password is not right.")]})
    for neighbour in relays_selectors.kept_neighbours_list(relay_user=user):
        _kept_neighbour_erase(neighbour)
    for part in PARTS:
        part.erase(user)
    # The rest goes with the row: SET_NULL keeps the anonymous parts
    # (messages, requests, reports, follow-ups), CASCADE removes the others.
    user.delete()


@transaction.atomic
def kept_neighbour_erase(*, relay_user, neighbour_id) -> None:
    """A relay withdraws the consent of a neighbour they keep: the neighbour
    is erased, with their place, number and texts, and the requests posted
    for them keep only an anonymous row. Anyone else's neighbour, or one
    that never was: KeptNeighbour.DoesNotExist."""
    _kept_neighbour_erase(
        relays_selectors.kept_neighbour_to_withdraw(relay_user=relay_user, pk=neighbour_id)
    )


def _kept_neighbour_erase(neighbour) -> None:
    for part in NEIGHBOUR_PARTS:
        part.kept_neighbour_erase(neighbour)
    neighbour.delete()


def retention_apply(*, now: datetime | None = None) -> dict[str, int]:
    """Deletes what is kept only for a while (old exact meeting points, old
    messages); returns how many of each kind went."""
    now = now or timezone.now()
    deleted = {}
    for part in RETAINING:
        deleted.update(part.retention_apply(now))
    return deleted
