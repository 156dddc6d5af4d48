"""What safety announces to the apps above it (connected in their
AppConfig.ready; docs/architecture.md lists who listens)."""

from django.dispatch import Signal

# Sent inside the block's transaction with first_id, second_id and blocked
# (whether the two are still separated, by either one's block): chat closes
# or reopens their conversations.
blocks_changed = Signal()

# Sent after a post is saved whose text seemed to hold personal data and
# whose author published it anyway, with target_type ("request", "offer"),
# target_id and found (what it seemed to hold): moderation flags it to the
# zone's moderators.
published_anyway = Signal()
