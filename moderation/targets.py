"""What a report can be about: a request, an offer, a message or a user,
resolved to its author and points. The exact point only serves to find the
zone, on the server; moderators see the public point."""

from dataclasses import dataclass

from django.contrib.gis.geos import Point

from chat.models import Message
from common.ids import as_id
from moderation.models import TargetType
from neighbors.models import User
from requests_board.models import HelpRequest, VolunteerOffer


@dataclass
class Target:
    type: str
    obj: object
    author: User | None
    exact_point: Point | None
    public_point: Point | None

    @property
    def hideable(self) -> bool:
        return self.type != TargetType.USER

    @property
    def hidden(self) -> bool:
        return bool(getattr(self.obj, "hidden", False))


def target_resolve(target_type: str, target_id) -> Target | None:
    target_id = as_id(target_id)
    if target_id is None:
        return None
    return targets_resolve([(target_type, target_id)]).get((target_type, target_id))


def _target(target_type: str, obj) -> Target:
    if target_type == TargetType.REQUEST:
        return Target(target_type, obj, obj.author, obj.location, obj.public_location)
    if target_type == TargetType.OFFER:
        return Target(target_type, obj, obj.volunteer, obj.location, obj.public_location)
    if target_type == TargetType.MESSAGE:
        request = obj.conversation.request
        return Target(target_type, obj, obj.sender, request.location, request.public_location)
    return Target(target_type, obj, obj, obj.home, obj.home_public)


_QUERIES = {
    TargetType.REQUEST: lambda: HelpRequest.objects.select_related("author"),
    TargetType.OFFER: lambda: VolunteerOffer.objects.select_related("volunteer"),
    TargetType.MESSAGE: lambda: Message.objects.select_related("sender", "conversation__request"),
    TargetType.USER: lambda: User.objects.filter(is_active=True),
}


def targets_resolve(keys) -> dict[tuple[str, int], Target]:
    """{(type, id): Target} for many report targets, one query per type;
    missing ones are left out."""
    ids_by_type: dict[str, set[int]] = {}
    for target_type, target_id in keys:
        if target_type in _QUERIES:
            ids_by_type.setdefault(target_type, set()).add(target_id)
    return {
        (target_type, pk): _target(target_type, obj)
        for target_type, ids in ids_by_type.items()
        for pk, obj in _QUERIES[target_type]().in_bulk(ids).items()
    }
