"""What neighbors announces to the apps above it (connected in their
AppConfig.ready; docs/architecture.md lists who listens)."""

from django.dispatch import Signal

# Inside the transaction that moved (or cleared) a home, with `user`:
# the help board moves the user's offers, and the map counts with them.
home_moved = Signal()
