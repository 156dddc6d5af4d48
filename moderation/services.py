"""Writes for moderation and safety."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from chat.models import Conversation
from moderation.models import Block
from moderation.selectors import blocked_between


def _between(first_id: int, second_id: int) -> Q:
    return Q(requester_id=first_id, volunteer_id=second_id) | Q(
        requester_id=second_id, volunteer_id=first_id
    )


@transaction.atomic
def user_block(*, user, other_id) -> tuple[Block, bool]:
    """Blocks `other_id` for `user`; returns (block, created). Open
    conversations between the two close for both."""
    other = _other_user(user, other_id)
    block, created = Block.objects.get_or_create(blocker=user, blocked=other)
    Conversation.objects.filter(_between(user.pk, other.pk), closed_at__isnull=True).update(
        closed_at=timezone.now()
    )
    return block, created


@transaction.atomic
def user_unblock(*, user, other_id) -> bool:
    """Lifts `user`'s block; returns whether there was one. Conversations
    between the two reopen unless the other person blocks `user` too."""
    other = _other_user(user, other_id)
    deleted, _counts = Block.objects.filter(blocker=user, blocked=other).delete()
    if deleted and not blocked_between(user.pk, other.pk):
        # Conversations only ever close because of a block.
        Conversation.objects.filter(_between(user.pk, other.pk)).update(closed_at=None)
    return bool(deleted)


def _other_user(user, other_id):
    try:
        other_id = int(other_id)
    except (TypeError, ValueError):
        raise Http404 from None
    if other_id == user.pk:
        raise ValidationError({"user": [_("You cannot block yourself.")]})
    other = get_user_model().objects.filter(pk=other_id, is_active=True).first()
    if other is None:
        raise Http404
    return other
