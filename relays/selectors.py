"""Reads for relays: who is one, and the neighbours each keeps. A kept
neighbour is only ever read through its relay."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from relays.models import KeptNeighbour, Relay


def relay_is(user) -> bool:
    return bool(user and user.is_authenticated) and Relay.objects.filter(user=user).exists()


def relay_check(user) -> None:
    """PermissionDenied unless `user` is a relay now."""
    if not relay_is(user):
        raise PermissionDenied(_("Only a relay can do this."))


def relays_list(*, zones=None):
    """Relays with their users and zones; those of `zones` (a queryset or
    list of zones) when given."""
    relays = Relay.objects.select_related("user").prefetch_related("zones").order_by("user__email")
    if zones is not None:
        relays = relays.filter(zones__in=zones).distinct()
    return relays


def kept_neighbours_list(*, relay_user):
    return KeptNeighbour.objects.filter(relay=relay_user)


def kept_neighbour_get(*, relay_user, pk) -> KeptNeighbour:
    """One of `relay_user`'s neighbours, while they are a relay;
    KeptNeighbour.DoesNotExist for any other (someone else's is as absent
    as one that never was)."""
    return KeptNeighbour.objects.get(pk=pk, relay=relay_user, relay__relay__isnull=False)


def kept_neighbour_to_withdraw(*, relay_user, pk) -> KeptNeighbour:
    """One of the neighbours `relay_user` recorded, even once their relay
    role was taken away: they can always withdraw the consent."""
    return KeptNeighbour.objects.get(pk=pk, relay=relay_user)


def kept_neighbour_for_posting(*, relay_user, pk) -> KeptNeighbour:
    """The neighbour a relay posts for: theirs, while they are a relay, and
    with a place. KeptNeighbour.DoesNotExist otherwise."""
    neighbour = KeptNeighbour.objects.get(pk=pk, relay=relay_user, relay__relay__isnull=False)
    if neighbour.place is None:
        raise KeptNeighbour.DoesNotExist
    return neighbour
