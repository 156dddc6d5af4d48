"""What a report can be about: a request, an offer, a message or a user,
resolved to its author and points. The exact point only serves to find the
zone, on the server; moderators see the public point."""

from dataclasses import dataclass

from django.contrib.gis.geos import Point

from chat.models import Message
from config.ids import as_id
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
    if target_type == TargetType.REQUEST:
        obj = HelpRequest.objects.select_related("author").filter(pk=target_id).first()
        return obj and Target(target_type, obj, obj.author, obj.location, obj.public_location)
    if target_type == TargetType.OFFER:
        obj = VolunteerOffer.objects.select_related("volunteer").filter(pk=target_id).first()
        return obj and Target(target_type, obj, obj.volunteer, obj.location, obj.public_location)
    if target_type == TargetType.MESSAGE:
        obj = (
            Message.objects.select_related("sender", "conversation__request")
            .filter(pk=target_id)
            .first()
        )
        if obj is None:
            return None
        request = obj.conversation.request
        return Target(target_type, obj, obj.sender, request.location, request.public_location)
    if target_type == TargetType.USER:
        obj = User.objects.filter(pk=target_id, is_active=True).first()
        return obj and Target(target_type, obj, obj, obj.home, obj.home_public)
    return None
