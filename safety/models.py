from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class Block(models.Model):
    """`blocker` no longer wants contact with `blocked`. Either direction
    separates the two: neither sees the other's posts, responds to them or
    messages the other (safety.selectors.blocked_user_ids)."""

    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_made"
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_received"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "moderation_block"  # moved from moderation, the table kept
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="one_block_per_pair"),
            models.CheckConstraint(condition=~Q(blocker=F("blocked")), name="no_self_block"),
        ]

    def __str__(self):
        return f"{self.blocker_id} blocks {self.blocked_id}"
