"""What the help board announces to the apps above it (connected in their
AppConfig.ready; docs/architecture.md lists who listens)."""

from django.dispatch import Signal

# After a volunteer's response is committed, with `response`: chat opens the
# conversation between the two neighbours, the response as its first message.
response_created = Signal()

# After a requester accepted a helper (committed), with `request`: the SMS
# bridge tells a neighbour without internet who comes.
helper_accepted = Signal()

# A request's page is being shown, with `request` and `viewer` (signed in):
# each receiver returns a dict of what it adds to the page; chat adds
# "conversation_ids", {volunteer id: conversation id} as far as the viewer
# takes part.
request_page_shown = Signal()
