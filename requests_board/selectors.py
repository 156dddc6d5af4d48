"""Reads for the help board. Everything here returns public points only."""

from geo.public import public_place
from requests_board.models import HelpCategory, HelpRequest, VolunteerOffer


def categories_list():
    return HelpCategory.objects.all()


def map_items(*, limit: int = 500) -> list[dict]:
    """Open requests and active offers for the map and its list twin, at their
    public points. (The bbox/cluster API of the board issue will replace the limit.)"""
    requests = (
        HelpRequest.objects.filter(status=HelpRequest.Status.OPEN)
        .select_related("category")
        .only(
            "id",
            "title",
            "urgency",
            "public_location",
            "category__slug",
            "category__icon",
            "category__name_en",
            "category__name_fr",
            "created_at",
        )[:limit]
    )
    offers = (
        VolunteerOffer.objects.filter(is_active=True)
        .select_related("volunteer")
        .prefetch_related("categories")
        .only("id", "public_location", "availability", "volunteer__display_name", "created_at")[
            :limit
        ]
    )
    items = []
    for req in requests:
        items.append(
            {
                "kind": "request",
                "id": req.pk,
                "title": req.title,
                "category": req.category.slug,
                "category_name": req.category.name,
                "icon": req.category.icon,
                "urgency": req.urgency,
                "urgency_label": str(req.get_urgency_display()),
                **public_place(req),
            }
        )
    for offer in offers:
        categories = list(offer.categories.all())
        items.append(
            {
                "kind": "offer",
                "id": offer.pk,
                "title": offer.volunteer.display_name,
                "category": categories[0].slug if categories else "other",
                "category_name": ", ".join(c.name for c in categories),
                "icon": "🙋",
                "availability": offer.availability,
                **public_place(offer),
            }
        )
    return items
