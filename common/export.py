"""How values are written in a person's data export (data_rights)."""


def point_export(point) -> dict | None:
    return None if point is None else {"lat": point.y, "lng": point.x}


def when_export(value) -> str | None:
    return value.isoformat() if value else None
