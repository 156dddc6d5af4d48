"""Writes for safety: blocks."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from common.ids import as_id
from safety.models import Block
from safety.selectors import blocked_between
from safety.signals import blocks_changed


@transaction.atomic
def user_block(*, user, other_id) -> tuple[Block, bool]:
    """Blocks `other_id` for `user`; returns (block, created). Open
    conversations between the two close for both."""
    other = _other_user(user, other_id)
    block, created = Block.objects.get_or_create(blocker=user, blocked=other)
    blocks_changed.send(sender=Block, first_id=user.pk, second_id=other.pk, blocked=True)
    return block, created


@transaction.atomic
def user_unblock(*, user, other_id) -> bool:
    """Lifts `user`'s block; returns whether there was one. Conversations
    between the two reopen unless the other person blocks `user` too."""
    other = _other_user(user, other_id)
    deleted, _counts = Block.objects.filter(blocker=user, blocked=other).delete()
    if deleted:
        blocked = blocked_between(user.pk, other.pk)
        blocks_changed.send(sender=Block, first_id=user.pk, second_id=other.pk, blocked=blocked)
    return bool(deleted)


def _other_user(user, other_id):
    other_id = as_id(other_id)
    if other_id is None:
        raise Http404
    if other_id == user.pk:
        raise ValidationError({"user": [_("You cannot block yourself.")]})
    other = get_user_model().objects.filter(pk=other_id, is_active=True).first()
    if other is None:
        raise Http404
    return other
