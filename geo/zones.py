"""Which drawn zone holds a point (server side only: exact points)."""

from geo.models import Zone


def zones_for_point(point) -> list[Zone]:
    """Every zone containing an exact point (server side only), the most
    specific (smallest) first: zones may overlap, a district inside a city."""
    if point is None:
        return []
    return sorted(Zone.objects.filter(area__contains=point), key=zone_specificity)


def zone_specificity(zone: Zone) -> tuple[float, int]:
    # Square degrees: enough to tell a district from the city around it.
    return (zone.area.area, zone.pk)


def zone_for_point(point) -> Zone | None:
    """The most specific zone containing an exact point (server side only)."""
    zones = zones_for_point(point)
    return zones[0] if zones else None
