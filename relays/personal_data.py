"""relays' part of a person's data (data_rights): the neighbours without
internet a relay keeps. They are the relay's to see, so they are in the
relay's export; when the relay erases their account, data_rights erases
each of them first (kept_neighbour_erase), as a withdrawn consent."""

from common.export import point_export, when_export
from relays.models import KeptNeighbour


def export(user) -> dict:
    return {
        "kept_neighbours": [
            {
                "id": n.pk,
                "first_name": n.first_name,
                "phone": n.phone,
                "place": point_export(n.place),
                "languages": n.languages,
                "texts": n.texts,
                "consent_given_at": when_export(n.consent_given_at),
                "consent_how": n.consent_how,
                "created_at": when_export(n.created_at),
            }
            for n in KeptNeighbour.objects.filter(relay=user)
        ],
        "relay_zones": list(user.relay.zones.values_list("name", flat=True))
        if hasattr(user, "relay")
        else [],
    }


def erase(user) -> None:
    """Their neighbours are erased one by one before (data_rights); the
    relay role goes with the user's row."""
