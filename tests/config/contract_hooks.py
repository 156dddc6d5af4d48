"""Schemathesis hooks for tests/config/test_api_contract.py, loaded by the
`st` process (SCHEMATHESIS_HOOKS=<this file>), not by pytest.

Schemathesis's positive_data_acceptance check wants every request that
matches the schema accepted (2xx, or 401/403/404/409/429). The schema says
everything about a request's shape that OpenAPI can say (types, lengths,
ranges, patterns, the category slugs that exist); what it cannot say is
below: refusals that depend on the date, on other rows or on the caller's
state. Each operation's descriptions in the schema name them. The contract
test lets positive_data_acceptance pass a 400, and this check then fails any
400 to a schema-valid request unless every field it names (or its error
code) is one of the refusals listed here for that operation."""

import json
import zoneinfo

import schemathesis
from schemathesis.specs.openapi.checks import is_unexpected_http_status_case

# Refusals the schema cannot express, per operation: field names of the
# error's `fields`, or "error:<code>" for its `error`.
SEMANTIC_400 = {
    "POST /api/v1/auth/signup": {
        # The address has an account; Django's password validators (too
        # short, too common, all digits, too close to the email or name).
        "email",
        "password",
    },
    # Not the caller's email and password.
    "POST /api/v1/auth/token": {"error:invalid_credentials"},
    # Not the caller's password.
    "DELETE /api/v1/me": {"password"},
    # Blocking oneself.
    "POST /api/v1/blocks/{user_id}": {"user"},
    "DELETE /api/v1/blocks/{user_id}": {"user"},
    # Reporting oneself or one's own posts.
    "POST /api/v1/reports": {"target_id"},
    # A box with its minimum above its maximum, or larger than
    # MAP_BBOX_MAX_SPAN, or outside -180..180 / -90..90.
    "GET /api/v1/map": {"bbox"},
    # The caller has no home (PATCH /api/v1/me may have cleared it).
    "GET /api/v1/requests/nearby": {"home"},
    "GET /api/v1/offers/nearby": {"home"},
    # A date in the past (or a last day before the day); text that looks
    # like a phone number, an email or an address without publish_anyway
    # (error "personal_data"); an `addressed_to` offer the caller is not
    # shown (another's, too far, withdrawn, blocked, or none); no `location`
    # without `on_behalf_of`, or an `on_behalf_of` neighbour the caller does
    # not keep as a relay.
    "POST /api/v1/requests": {
        "needed_by",
        "needed_on",
        "addressed_to",
        "location",
        "on_behalf_of",
        "error:personal_data",
    },
    # Text messages not set up on the server, a number that does not exist,
    # answered STOP or is out of texts for today; a code that is not the one
    # texted, expired, or never asked.
    "POST /api/v1/me/phone": {"phone"},
    "POST /api/v1/me/phone/verify": {"code"},
    # The neighbour's phone number does not exist; texts without a number;
    # the consent given in the future.
    "POST /api/v1/relay/neighbours": {"phone", "texts", "consent.given_at"},
    # No home (offers start from it; the service names no field), or text
    # that looks like personal data without publish_anyway.
    "POST /api/v1/offers": {"non_field_errors", "error:personal_data"},
    # The helper must be a volunteer who responded to this request.
    "POST /api/v1/requests/{id}/accept": {"helper"},
    # An action that does not fit the target (hiding a person, acting on the
    # author of content that has none), a suspension without `days`, content
    # deleted since it was reported.
    "POST /api/v1/moderation/reports/{id}/actions": {"action", "days", "report"},
    # A push endpoint on a private or loopback address, or that does not
    # resolve; keys that are not a P-256 point or a 16-byte secret.
    "POST /api/v1/push/subscriptions": {"endpoint", "keys.p256dh", "keys.auth"},
    # Text that looks like personal data (responses have no publish_anyway).
    "POST /api/v1/requests/{id}/responses": {"error:personal_data"},
    # A client id with one of the server's own prefixes ("response-", "sms-").
    "POST /api/v1/conversations/{id}/messages": {"error:personal_data", "client_id"},
}


class SemanticRefusal(AssertionError):
    pass


@schemathesis.check
def only_documented_refusals(ctx, response, case):
    """A schema-valid request answered 400 must be one of SEMANTIC_400."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 400:
        return None
    if is_unexpected_http_status_case(case):
        return None  # a probe of the request's shape, not a schema-valid request
    label = f"{case.method.upper()} {case.operation.path}"
    allowed = SEMANTIC_400.get(label, set())
    try:
        body = json.loads(response.content)
    except ValueError:
        raise SemanticRefusal(f"{label}: a 400 that is not JSON") from None
    names = set(body.get("fields") or {})
    if f"error:{body.get('error')}" in allowed or (names and names <= allowed):
        return None
    raise SemanticRefusal(
        f"Schema-valid request refused with 400 for a reason the schema does not state\n"
        f"Allowed refusals for {label}: {sorted(allowed) or 'none'}\n"
        f"Got: error={body.get('error')!r}, fields={sorted(names)}"
    )


# The coverage phase sends every value of every enum once. The time_zone of
# PATCH /api/v1/me/notifications lists every IANA zone (about 600): a quarter
# of the run's requests, on each backend, down one code path. Three zones
# are sent here; tests/push/test_push.py saves every listed zone in process.
ZONES = zoneinfo.available_timezones()
ZONES_SENT = {"Europe/Paris", "UTC", "Pacific/Chatham"}


@schemathesis.hook
def filter_case(ctx, case):
    meta = case.meta
    if meta is None or meta.phase.name != "coverage" or not isinstance(case.body, dict):
        return True
    zone = case.body.get("time_zone")
    return not (isinstance(zone, str) and zone in ZONES and zone not in ZONES_SENT)
