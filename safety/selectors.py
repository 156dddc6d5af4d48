"""Reads for safety: who is separated from whom."""

from django.db.models import Q

from safety.models import Block


def blocked_user_ids(user) -> set[int]:
    """Everyone separated from `user` by a block, whoever made it."""
    if user is None or not user.is_authenticated:
        return set()
    pairs = Block.objects.filter(Q(blocker=user) | Q(blocked=user)).values_list(
        "blocker_id", "blocked_id"
    )
    return {other for pair in pairs for other in pair} - {user.pk}


def blocks(blocker, blocked) -> bool:
    """Whether `blocker` (themselves) blocks `blocked`."""
    return Block.objects.filter(blocker=blocker, blocked=blocked).exists()


def blocked_between(first_id: int, second_id: int) -> bool:
    return Block.objects.filter(
        Q(blocker_id=first_id, blocked_id=second_id) | Q(blocker_id=second_id, blocked_id=first_id)
    ).exists()


def blocks_made_by(user):
    return Block.objects.filter(blocker=user).select_related("blocked").order_by("-created_at")
