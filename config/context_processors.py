import functools

from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _


def notify_labels(request):
    """Texts for the live notices of static/js/notify.js (signed-in pages)."""
    if not request.user.is_authenticated:
        return {}
    return {
        "notify_labels": {
            "me": request.user.pk,
            "message": _("New message. See your messages."),
            "new_request": _("A neighbour near you needs help."),
            "new_response": _("A neighbour offers to help you."),
            "accepted": _("Your offer of help was accepted."),
            "closed": _("A request you answered is closed."),
            "moderation": _("A moderator acted on something of yours: see why."),
            "report_outcome": _("A report you made was reviewed."),
            "follow_up": _("Did this help? One question in My requests."),
            "direct_request": _("A neighbour asks you directly: see the home page."),
            "direct_declined": _(
                "The volunteer you asked cannot this time: other neighbours are asked."
            ),
            "generic": _("Something new for you."),
        }
    }


def moderation(request):
    """Whether to show the moderators' and the relays' links: one query for
    both roles, asked only by a template that uses them."""
    if not request.user.is_authenticated:
        return {}
    roles = functools.cache(lambda: _roles(request.user))
    return {
        "is_moderator": SimpleLazyObject(lambda: roles()[0]),
        "is_relay": SimpleLazyObject(lambda: roles()[1]),
    }


def _roles(user) -> tuple[bool, bool]:
    from django.db.models import Exists, OuterRef

    from moderation.models import Moderator
    from neighbors.models import User
    from relays.models import Relay

    moderator, relay = (
        User.objects.filter(pk=user.pk)
        .annotate(
            moderates=Exists(Moderator.objects.filter(user=OuterRef("pk"))),
            relays=Exists(Relay.objects.filter(user=OuterRef("pk"))),
        )
        .values_list("moderates", "relays")
        .get()
    )
    return user.is_superuser or moderator, relay


def unread(request):
    """The menu's count of unread messages, on every page of a signed-in
    user (notify.js counts on from it live); one query, asked only by a
    template that shows it."""
    from chat.selectors import unread_count

    if not request.user.is_authenticated:
        return {}
    return {"unread_messages": SimpleLazyObject(lambda: unread_count(user=request.user))}
