"""safety's part of a person's data (data_rights): the blocks they made."""

from safety.models import Block


def export(user) -> dict:
    return {"blocks": [b.blocked_id for b in Block.objects.filter(blocker=user)]}


def erase(user) -> None:
    """Blocks made or received go with the user's row (CASCADE)."""
