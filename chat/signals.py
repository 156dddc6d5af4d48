"""What chat announces to the apps above it (connected in their
AppConfig.ready; docs/architecture.md lists who listens)."""

from django.dispatch import Signal

# After new messages are committed, with `messages` (their conversations
# loaded): the SMS bridge texts those written to a neighbour without internet.
messages_stored = Signal()
