"""Asking one volunteer first ("Ask Louise", DESIGN.md: a request addressed
to one offer): who may be asked, and telling her. The waves wait for her
answer (requests_board.services.notifications.notify_wave)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from neighbors import notify
from requests_board.models import HelpRequest, Notification, VolunteerOffer
from requests_board.selectors.matching import offer_addressable
from requests_board.services.notifications import (
    email_in_their_language,
    in_language_of,
    notification_send,
    request_url,
)


def direct_offer_check(*, author, offer_id) -> VolunteerOffer:
    """The offer a new request may go to first: one the author is shown, of a
    volunteer free to help. Anything else is refused in the same words, so
    nobody learns which offers exist beyond those they see."""
    offer = offer_addressable(viewer=author, offer_id=offer_id)
    if offer is None:
        raise ValidationError(
            {
                "addressed_to": [
                    _(
                        "This volunteer cannot be asked directly now. Ask the neighbours "
                        "nearby instead, or choose another offer."
                    )
                ]
            }
        )
    return offer


def direct_deadline() -> datetime:
    return timezone.now() + timedelta(minutes=settings.DIRECT_REQUEST_MINUTES)


def direct_ask_tell(request: HelpRequest) -> None:
    """Tells the volunteer asked: in the app at once, and by email unless she
    turned every email off."""
    volunteer = request.addressed_to.volunteer
    notification_send(
        user_ids=[volunteer.pk], kind=Notification.Kind.DIRECT_REQUEST, request=request
    )
    if not (
        notify.wants(volunteer, "new_request", "email")
        or notify.wants(volunteer, "accepted", "email")
    ):
        return
    with in_language_of(volunteer):
        wait = direct_wait_words()
    email_in_their_language(
        user=volunteer,
        subject=gettext_lazy("%(name)s asks you for help: %(title)s"),
        body=gettext_lazy(
            "%(name)s saw your offer of help and asks you first: “%(title)s”.\n\n"
            "Answer here, or say that you cannot this time: %(url)s\n\n"
            "If you do not answer within %(hours)s, other neighbours nearby are asked."
        ),
        name=request.author.display_name,
        title=request.title,
        url=request_url(request),
        hours=wait,
    )


def direct_wait_words() -> str:
    """How long the volunteer asked has, in words ("2 hours", "45 minutes")."""
    minutes = settings.DIRECT_REQUEST_MINUTES
    if minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
