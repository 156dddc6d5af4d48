"""Address to point, through geopy. Provider, domain and user agent are settings."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

# geopy is imported when first used: its adapters module imports requests
# and aiohttp whenever they are installed (pywebpush brings them), tens of
# MB that a server which never searches an address need not hold.


class GeocodingError(Exception):
    """The geocoder could not answer; the message is safe to show to users."""


@dataclass(frozen=True)
class Place:
    lat: float
    lng: float
    label: str


def _geocoder():
    from geopy.adapters import URLLibAdapter
    from geopy.geocoders import get_geocoder_for_service

    conf = settings.GEOCODER
    cls = get_geocoder_for_service(conf["PROVIDER"])
    return cls(
        domain=conf["DOMAIN"],
        scheme=conf["SCHEME"],
        user_agent=conf["USER_AGENT"],
        timeout=conf["TIMEOUT"],
        # The standard library's HTTP client: one try within the timeout, no
        # retries (whichever HTTP libraries happen to be installed).
        adapter_factory=URLLibAdapter,
    )


def geocode(address: str, *, language: str | None = None) -> Place:
    """The best match for `address`; raises GeocodingError with a user-facing message."""
    address = address.strip()
    if not address:
        raise GeocodingError(_("Type an address."))
    kwargs = {"exactly_one": True}
    if settings.GEOCODER["PROVIDER"] == "nominatim":
        if settings.GEOCODER["COUNTRY_CODES"]:
            kwargs["country_codes"] = settings.GEOCODER["COUNTRY_CODES"].split(",")
        if language:
            kwargs["language"] = language
    from geopy.exc import GeopyError

    try:
        location = _geocoder().geocode(address, **kwargs)
    except GeopyError as exc:
        raise GeocodingError(
            _(
                "The address search is not available right now. Try again later, or place the pin on the map."
            )
        ) from exc
    if location is None:
        raise GeocodingError(
            _("No place matches this address. Check it, or place the pin on the map.")
        )
    return Place(lat=location.latitude, lng=location.longitude, label=location.address)


# The parts of a Nominatim address that a neighbour would say, in order.
_STREET = ("house_number", "road")
_TOWN = ("city", "town", "village", "municipality")


def address_of(*, lat: float, lng: float, language: str | None = None) -> str:
    """The address at a point in words ("12 Rue Oberkampf, 75011 Paris"), or
    "" when the geocoder cannot say: it is a convenience, never required."""
    kwargs = {"exactly_one": True}
    if language and settings.GEOCODER["PROVIDER"] == "nominatim":
        kwargs["language"] = language
    from geopy.exc import GeopyError

    try:
        location = _geocoder().reverse((lat, lng), **kwargs)
    except (GeopyError, ValueError):
        return ""
    if location is None:
        return ""
    parts = (location.raw or {}).get("address") or {}
    street = " ".join(parts[key] for key in _STREET if parts.get(key))
    town = next((parts[key] for key in _TOWN if parts.get(key)), "")
    town = " ".join(p for p in (parts.get("postcode", ""), town) if p)
    return ", ".join(p for p in (street, town) if p) or (location.address or "")
