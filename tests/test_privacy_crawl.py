"""The privacy crawl (DESIGN.md, "Location privacy", rule 5): every route of
the URL configuration, as every kind of user, searched for what they must
not see.

The routes are not listed by hand: they come from walking
`django.urls.get_resolver()`, and each is fetched (GET) as each role with
its path parameters filled from the scene (`PARAMETERS`, by parameter name:
a route with a name the table does not know fails the test) and with the
query strings its list needs (`QUERIES`). Nothing is skipped but `EXCLUDED`
(each with its reason), and each role's test fails if it fetched fewer
routes than were collected for it (`roles_for`), so a new page cannot escape
the crawl. Admin pages are crawled signed out and as a non-staff user: each
must send them to the admin's login page.

The secrets (`SECRETS`) are the exact points (every home, every meeting
point), every email address, Alice's phone number (written in a private
message), Bob's verified phone number and Martine's (a neighbour without
internet whom the moderator, also a relay, keeps; her place too), each with
the roles DESIGN.md lets see it: its owner, and for a
meeting point the accepted helper while the request is matched (after it is
done, the author alone). A point is found when its latitude and longitude,
each to five decimals (about a metre, with a point or a comma), are written
near each other (`PAIR_WINDOW`: JSON objects, data attributes, GeoJSON),
or the pair to four decimals in either order; the public points' own
numbers are blanked first (`public_tokens`), as one may share five decimals
with an exact point. Bodies and headers are searched; no answer may be a
5xx. The search is proven able to fail: each role finds every secret it may
see, and the pages listed in `REACHED` answer the others with real content.

The websocket (/ws/, routed by config/asgi.py outside the URL
configuration) is checked the same way on every frame each role's socket
receives while the scene is played, then for `sync` from the start and for
typing, read receipts and messages aimed at every conversation."""

import asyncio
import json
import re
import time
from dataclasses import dataclass, field
from datetime import date

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.contenttypes.models import ContentType
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils import timezone

from chat.models import Conversation
from chat.services import message_send
from common.phones import phone_e164
from config.asgi import application
from geo.models import Zone
from moderation import services as moderation_services
from moderation.models import Moderator, TargetType
from neighbors.categories import categories_ensure
from neighbors.models import HelpCategory, User
from neighbors.services import email_stop_url
from push.models import PushSubscription
from relays.services import kept_neighbour_add, relay_name
from requests_board import services
from requests_board.models import FollowUp, HelpRequest, VolunteerOffer
from sms import services as sms_services
from sms.backends import InboundText
from tests.factories import UserFactory, resident_at

pytestmark = pytest.mark.slow(15)

ROLES = ("anonymous", "stranger", "declined", "helper", "requester", "moderator")
ORIGIN = (b"origin", b"http://127.0.0.1")

# Distinctive places in Paris, all inside the moderator's zone and within a
# kilometre of each other. The sixth decimal of each is at most 4, so every
# rendering with five or more decimals, rounded or truncated, starts with the
# five-decimal needle (checked by `axis_needles`).
HOMES = {
    "requester": (48.8566123, 2.3522412),  # Alice
    "helper": (48.8597412, 2.3583216),  # Bob, accepted on the matched request
    "stranger": (48.8544302, 2.3566143),  # Carol, a volunteer nearby, in nothing
    "declined": (48.8589213, 2.3498132),  # Dina, responded, not chosen
}
POINTS = {
    "matched": (48.8581234, 2.3547312),
    "open": (48.8553721, 2.3509143),
    "done": (48.8572318, 2.3561127),
}
EMAILS = {
    "requester": "alice.crawl@example.org",
    "helper": "bob.crawl@example.org",
    "stranger": "carol.crawl@example.org",
    "declined": "dina.crawl@example.org",
    "moderator": "modo.crawl@example.org",
}
NAMES = {
    "requester": "Alice",
    "helper": "Bob",
    "stranger": "Carol",
    "declined": "Dina",
    "moderator": "Modo",
}
PHONE = "06 71 82 93 04"  # Alice's, in her message to Bob only
PHONE_PATTERN = re.compile(r"6\D{0,4}71\D{0,3}82\D{0,3}93\D{0,3}04")
# Bob verified his by a texted code: for him alone ("phone verified" for others).
BOB_PHONE = "07 51 62 73 84"
BOB_PHONE_PATTERN = re.compile(r"7\D{0,4}51\D{0,3}62\D{0,3}73\D{0,3}84")
# Martine has no internet: the moderator, who is also a relay, keeps her
# number and place, and posts a request for her that Dina answers.
MARTINE_PHONE = "06 48 59 60 37"
MARTINE_PHONE_PATTERN = re.compile(r"6\D{0,4}48\D{0,3}59\D{0,3}60\D{0,3}37")
MARTINE_PLACE = (48.8561432, 2.3538214)


# --- what must not leak -----------------------------------------------------


# How far apart a point's latitude and longitude may be written and still
# be taken for one point (JSON keys, data attributes, GeoJSON, WKT between).
PAIR_WINDOW = 200


def axis_needles(value: float) -> tuple[str, ...]:
    """One coordinate to five decimals, about a metre, with a point or a comma."""
    digits = f"{value:.7f}".split(".")[1]
    assert int(digits[5]) <= 4, f"{value}: rounding and truncating differ; pick another"
    assert digits[4] != "0", f"{value}: written shorter without its trailing zero; pick another"
    text = f"{value:.5f}"
    return text, text.replace(".", ",")


def pair_needles(lat: float, lng: float) -> tuple[str, ...]:
    """The pair to four decimals (about 10 m), in both orders."""
    a, b = f"{lat:.4f}", f"{lng:.4f}"
    return tuple(
        f"{first}{sep}{second}"
        for first, second in ((a, b), (b, a))
        for sep in (",", ", ", "%2C", " ", ";", "/")
    )


@dataclass(frozen=True)
class Secret:
    name: str
    allowed: frozenset  # roles that may see it
    needles: tuple = ()
    pattern: re.Pattern | None = None
    point: tuple | None = None  # (lat, lng): both axes near each other

    def found_in(self, text: str) -> str | None:
        for needle in self.needles:
            if needle in text:
                return needle
        if self.pattern is not None:
            match = self.pattern.search(text)
            if match:
                return match.group(0)
        if self.point is not None:
            lat_forms, lng_forms = (axis_needles(v) for v in self.point)
            for lat in lat_forms:
                for match in re.finditer(re.escape(lat), text):
                    around = text[max(0, match.start() - PAIR_WINDOW) : match.end() + PAIR_WINDOW]
                    for lng in lng_forms:
                        if lng in around:
                            return f"{lat} ... {lng}"
        return None


def point_secret(name: str, allowed: set, lat: float, lng: float) -> Secret:
    return Secret(name, frozenset(allowed), pair_needles(lat, lng), point=(lat, lng))


_NUMBER = re.compile(r"-?\d+[.,]\d+")


def public_tokens(points) -> frozenset:
    """Every way the public points' coordinates are written (4 to 7 decimals,
    point or comma). A public point may share its first five decimals with
    an exact one (another object's, in the same few hundred metres): these
    numbers are blanked before the search, whole numbers only, so an exact
    coordinate is never blanked unless it is written exactly like a public one."""
    out = set()
    for point in points:
        for value in (point.y, point.x):
            for places in (4, 5, 6, 7):
                for text in (f"{value:.{places}f}", repr(round(value, places))):
                    out |= {text, text.replace(".", ",")}
    return frozenset(out)


def blank_public(text: str, tokens: frozenset) -> str:
    return _NUMBER.sub(lambda m: "#" if m.group(0) in tokens else m.group(0), text)


# Made-up street names, found nowhere else on any page.
ADDRESS = {
    kind: f"{n} Rue Zéphyrine-{kind.title()}"
    for n, kind in ((3, "matched"), (5, "open"), (9, "done"))
}
NOTE = {kind: f"Devant la pharmacie Quentinou-{kind}" for kind in ("matched", "open", "done")}


def _secrets() -> list[Secret]:
    secrets = [
        point_secret(f"home of {NAMES[role]}", {role}, *home) for role, home in HOMES.items()
    ]
    secrets += [
        # The accepted helper sees the matched request's point; once a
        # request is done, its point is for its author alone again.
        point_secret(
            "meeting point of the matched request", {"requester", "helper"}, *POINTS["matched"]
        ),
        point_secret("meeting point of the open request", {"requester"}, *POINTS["open"]),
        point_secret("meeting point of the done request", {"requester"}, *POINTS["done"]),
    ]
    # The meeting place in words (its address and the author's note) goes
    # where its point goes.
    for kind, allowed in (
        ("matched", {"requester", "helper"}),
        ("open", {"requester"}),
        ("done", {"requester"}),
    ):
        secrets += [
            Secret(f"meeting address of the {kind} request", frozenset(allowed), (ADDRESS[kind],)),
            Secret(f"meeting note of the {kind} request", frozenset(allowed), (NOTE[kind],)),
        ]
    # The local part: the address in any encoding (%40, &#64;) holds it.
    secrets += [
        Secret(f"email of {NAMES[role]}", frozenset({role}), (email.split("@")[0],))
        for role, email in EMAILS.items()
    ]
    secrets.append(
        Secret("phone of Alice", frozenset({"requester", "helper"}), pattern=PHONE_PATTERN)
    )
    secrets += [
        Secret("verified phone of Bob", frozenset({"helper"}), pattern=BOB_PHONE_PATTERN),
        Secret("phone of Martine", frozenset({"moderator"}), pattern=MARTINE_PHONE_PATTERN),
        point_secret("place of Martine", {"moderator"}, *MARTINE_PLACE),
    ]
    return secrets


SECRETS = _secrets()


# --- the scene --------------------------------------------------------------


@dataclass
class Scene:
    users: dict  # role -> user (no anonymous)
    requests: dict  # "matched", "open", "done" -> HelpRequest
    offers: dict = field(default_factory=dict)  # role -> VolunteerOffer
    conversations: list = field(default_factory=list)
    messages: dict = field(default_factory=dict)
    reports: list = field(default_factory=list)  # open ones, in the moderator's queue
    follow_ups: list = field(default_factory=list)
    public: frozenset = frozenset()  # the public points' coordinates, as written
    neighbour: object = None  # Martine, kept by the moderator as a relay

    def user(self, role):
        return self.users.get(role)


def scene_people() -> Scene:
    """Everyone, their offers, the zone and its moderator; nothing asked yet."""
    categories_ensure(HelpCategory)
    groceries = HelpCategory.objects.get(slug="groceries")
    users = {
        role: resident_at(*home, display_name=NAMES[role], email=EMAILS[role])
        for role, home in HOMES.items()
    }
    users["moderator"] = UserFactory(display_name="Modo", email=EMAILS["moderator"])
    scene = Scene(users=users, requests={})
    # The requester's phone can receive pushes (a device key, not a place).
    PushSubscription.objects.create(
        user=users["requester"],
        endpoint="https://93.184.216.34/push/requester-phone",
        p256dh="B" + "A" * 86,
        auth="A" * 22,
    )
    for role in ("helper", "stranger", "declined"):
        users[role].skills.add(groceries)
        scene.offers[role] = services.offer_create(
            volunteer=users[role], categories=[groceries], availability="Le soir"
        )
    zone = Zone.objects.create(
        name="Paris centre",
        area=MultiPolygon(Polygon.from_bbox((2.34, 48.85, 2.37, 48.87)), srid=4326),
    )
    Moderator.objects.create(user=users["moderator"]).zones.add(zone)
    relay_name(user=users["moderator"], zones=[zone])
    scene.neighbour = kept_neighbour_add(
        relay_user=users["moderator"],
        first_name="Martine",
        phone=MARTINE_PHONE,
        place=Point(MARTINE_PLACE[1], MARTINE_PLACE[0], srid=4326),
        languages=["fr"],
        texts=True,
        consent_given_at=date(2026, 12, 1),
        consent_how="phone",
    )
    User.objects.filter(pk=users["helper"].pk).update(
        phone=phone_e164(BOB_PHONE), phone_verified_at=timezone.now()
    )
    return scene


def scene_play(scene: Scene) -> Scene:
    """Alice asks three times; Bob and Dina respond; Alice accepts Bob and
    gives him her phone number; one request is done; Carol and Dina report."""
    alice, bob, carol, dina = (
        scene.users[r] for r in ("requester", "helper", "stranger", "declined")
    )
    groceries = HelpCategory.objects.get(slug="groceries")
    for kind, title in (("matched", "Courses"), ("open", "Un colis"), ("done", "Les plantes")):
        lat, lng = POINTS[kind]
        scene.requests[kind] = services.help_request_create(
            author=alice,
            title=title,
            category=groceries,
            location=Point(lng, lat, srid=4326),
            meeting_note=NOTE[kind],
        )
        # What the background geocoding would store.
        HelpRequest.objects.filter(pk=scene.requests[kind].pk).update(meeting_address=ADDRESS[kind])
        # The first wave, as the task would: Bob, Carol and Dina are told.
        services.request_notify_wave(request_id=scene.requests[kind].pk)
    matched, done = scene.requests["matched"], scene.requests["done"]
    services.help_request_respond(request=matched, volunteer=bob, message="Je peux à 10 h")
    services.help_request_respond(request=matched, volunteer=dina, message="Moi aussi")
    services.help_request_respond(request=done, volunteer=bob, message="Avec plaisir")
    with_bob = Conversation.objects.get(request=matched, volunteer=bob)
    with_dina = Conversation.objects.get(request=matched, volunteer=dina)
    scene.messages["to dina"], _ = message_send(
        user=alice, conversation_id=with_dina.pk, body="Bonjour Dina, merci !", client_id="a-d1"
    )
    services.help_request_accept(request=matched, requester=alice, helper_id=bob.pk)
    scene.messages["phone"], _ = message_send(
        user=alice,
        conversation_id=with_bob.pk,
        body=f"Merci Bob ! Mon numéro : {PHONE}",
        client_id="a-b1",
    )
    message_send(user=bob, conversation_id=with_bob.pk, body="Bien noté", client_id="b-a1")
    services.help_request_accept(request=done, requester=alice, helper_id=bob.pk)
    services.help_request_complete(request=done, user=alice)
    # The relay asks for Martine (from her place); Dina answers; Martine's
    # phone gets the proposal and texts back.
    scene.requests["for martine"] = services.help_request_create(
        author=scene.users["moderator"],
        title="Pour Martine",
        category=groceries,
        on_behalf_of=scene.neighbour.pk,
    )
    services.help_request_respond(
        request=scene.requests["for martine"], volunteer=dina, message="Je passe jeudi"
    )
    for words in ("Jeudi c'est bien", "NON"):
        sms_services.inbound_receive(
            inbound=InboundText(id=f"crawl-{words}", sender=phone_e164(MARTINE_PHONE), body=words)
        )
    scene.conversations = list(Conversation.objects.order_by("pk"))
    scene.follow_ups = list(FollowUp.objects.order_by("pk"))

    def report(reporter, target_type, target_id, reason):
        made, _created = moderation_services.report_create(
            reporter=reporter, target_type=target_type, target_id=target_id, reason=reason
        )
        return made

    scene.reports = [
        report(carol, "request", scene.requests["open"].pk, "spam"),
        report(dina, "message", scene.messages["to dina"].pk, "harassment"),
    ]
    warned = report(carol, "user", alice.pk, "other")
    moderation_services.moderation_act(
        moderator=scene.users["moderator"],
        report_id=warned.pk,
        action="warn",
        reason="Restez courtoise.",
    )
    return scene


def scene_public_tokens() -> frozenset:
    points = [r.public_location for r in HelpRequest.objects.all()]
    points += [o.public_location for o in VolunteerOffer.objects.all()]
    points += [u.home_public for u in User.objects.exclude(home_public=None)]
    return public_tokens(points)


def _roomy_limits() -> dict:
    # As tests/conftest.py's `_roomy_limits`, which is per test: the scene is per class.
    from django.conf import settings

    return {
        "ACTION_LIMITS": {
            action: ((10_000, seconds), (10_000, seconds))
            for action, ((_, seconds), _new) in settings.ACTION_LIMITS.items()
        },
        "NEW_ACCOUNT_MESSAGES_PER_MINUTE": 10_000,
        # The SMS bridge on (texts are queued; no task worker sends them).
        "SMS_BACKEND": "gateway",
        "SMS_GATEWAY_URL": "http://127.0.0.1:9/",
        "SMS_WEBHOOK_SECRET": "crawl",
    }


@pytest.fixture(scope="class")
def scene(django_db_setup, django_db_blocker):
    """Built once for the crawl's tests, in a transaction rolled back after
    them; each test runs in a savepoint inside it (its writes, say a
    follow-up answered by its link, are undone)."""
    with django_db_blocker.unblock(), override_settings(**_roomy_limits()):
        with transaction.atomic():
            made = scene_play(scene_people())
            made.public = scene_public_tokens()
            yield made
            transaction.set_rollback(True)


# --- the routes -------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    route: str  # as ResolverMatch.route spells it
    name: str | None
    params: tuple
    chain: tuple  # the patterns from the root

    @property
    def key(self) -> str:
        return self.name or self.route


def collect_routes() -> list[Route]:
    def join(route, more):
        return route + more.removeprefix("^") if route else more

    def walk(resolver, chain, route, namespace):
        for entry in resolver.url_patterns:
            here = (*chain, entry.pattern)
            text = join(route, str(entry.pattern))
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from walk(entry, here, text, inner)
            else:
                assert isinstance(entry, URLPattern), entry
                params = tuple(n for p in here for n in p.regex.groupindex)
                name = namespace + entry.name if entry.name else None
                yield Route(text, name, params, here)

    return list(walk(get_resolver(), (), "", ""))


_GROUP = re.compile(r"\(\?P<(\w+)>")


def _fill_regex(text: str, values: dict) -> str:
    """A regex route with its named groups replaced by values; what is left
    must be literal."""
    text = text.removeprefix("^").removesuffix("$")
    out = ""
    while match := _GROUP.search(text):
        out += text[: match.start()] + str(values[match.group(1)])
        depth, index = 1, match.end()
        while depth:
            depth += {"(": 1, ")": -1}.get(text[index], 0)
            index += 1
        text = text[index:]
    out += text
    assert not re.search(r"(?<!\\)[$^*+?()\[\]{}|]", out), f"not literal: {out}"
    return out.replace("\\", "")


def route_path(route: Route, values: dict) -> str:
    path = ""
    for pattern in route.chain:
        if isinstance(pattern, RoutePattern):
            path += re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), str(pattern))
        else:
            assert isinstance(pattern, RegexPattern), f"unknown pattern type: {pattern!r}"
            path += _fill_regex(str(pattern), values)
    return "/" + path


def _pk(scene: Scene, role: str, route: Route, values: dict) -> list:
    before = route.route.split("<")[0].rstrip("/").split("/")[-1]
    pks = {
        "requests": [r.pk for r in scene.requests.values()],
        "conversations": [c.pk for c in scene.conversations],
        "follow-ups": [f.pk for f in scene.follow_ups],
        "reports": [r.pk for r in scene.reports],
        "subscriptions": list(PushSubscription.objects.values_list("pk", flat=True)),
        "neighbours": [scene.neighbour.pk],
    }
    assert before in pks, f"{route.route}: a pk of what? add {before!r} to PARAMETERS' _pk"
    return pks[before]


def _target_id(scene: Scene, role: str, route: Route, values: dict) -> list:
    ids = {
        TargetType.REQUEST: scene.requests["open"].pk,
        TargetType.OFFER: scene.offers["stranger"].pk,
        TargetType.MESSAGE: scene.messages["to dina"].pk,
        TargetType.USER: scene.users["requester"].pk,
    }
    return [ids[TargetType(values["target_type"])]]  # a new kind: KeyError here


def _token(scene: Scene, role: str, route: Route, values: dict) -> list:
    """A signed link's token: the role's own (else Alice's) stop-emails link
    on that route, a follow-up's everywhere else."""
    if route.name == "neighbors:email-stop":
        user = scene.user(role) or scene.users["requester"]
        return [email_stop_url(user).rstrip("/").split("/")[-1]]
    return _follow_up_token(scene, role, route, values)


def _follow_up_token(scene: Scene, role: str, route: Route, values: dict) -> list:
    user = scene.user(role)
    own = [f for f in scene.follow_ups if user is not None and f.user_id == user.pk]
    path = services.follow_up_link((own or scene.follow_ups)[0], 4)
    return [path.rstrip("/").split("/")[-2]]


def _reset_user(scene: Scene, role: str):
    # The role's own link (another user's signs the visitor out); made after
    # signing in, as a key depends on the last login.
    user = scene.user(role) or scene.users["stranger"]
    user.refresh_from_db()
    return user


# How each path parameter is filled, by name: (what, values(scene, role, route, values so far)).
PARAMETERS = {
    "pk": (
        "the object the segment before it names: each of Alice's requests, every "
        "conversation, every follow-up, each open report",
        _pk,
    ),
    "user_id": (
        "Alice and Bob",
        lambda s, role, r, v: [s.users["requester"].pk, s.users["helper"].pk],
    ),
    "report_id": (
        "each open report in the moderator's zone",
        lambda s, role, r, v: [x.pk for x in s.reports],
    ),
    "target_type": ("every kind of report target", lambda s, role, r, v: list(TargetType.values)),
    "target_id": ("an object of that kind that involves Alice", _target_id),
    "token": (
        "a follow-up's or a stop-emails link's token: the role's own, else Alice's",
        _token,
    ),
    "score": ("a score", lambda s, role, r, v: [4]),
    "uidb36": (
        "the role's user (Carol for the anonymous visitor)",
        lambda s, role, r, v: [user_pk_to_url_str(_reset_user(s, role))],
    ),
    "key": (
        "that user's valid password reset key, and a wrong one",
        lambda s, role, r, v: [default_token_generator.make_token(_reset_user(s, role)), "x-1"],
    ),
    # The admin's, crawled by non-staff users: every page sends them to log in.
    "object_id": (
        "Alice's id (any object: nobody gets past the login)",
        lambda s, role, r, v: [s.users["requester"].pk],
    ),
    "id": ("Alice's id", lambda s, role, r, v: [s.users["requester"].pk]),
    "content_type_id": (
        "the user model's content type",
        lambda s, role, r, v: [ContentType.objects.get_for_model(User).pk],
    ),
    "app_label": ("an app of the admin", lambda s, role, r, v: ["neighbors"]),
    "url": ("a page the admin does not have", lambda s, role, r, v: ["no-such-page/"]),
}

# Query strings per route (each route is also fetched without one).
QUERIES = {
    "api-map": [f"?bbox=2.34,48.85,2.37,48.87&zoom={zoom}" for zoom in (18, 16, 14, 12, 9)],
    "api-requests-nearby": ["?band=under_500m", "?category=groceries", "?page=1"],
    "api-offers-nearby": ["?page=1"],
    "board:home": ["?band=under_500m&category=groceries", "?page=1"],
    "board:near-me": ["?band=under_500m"],
    "api-conversation-messages": ["?after=0"],
}

# Routes not crawled, each with its reason. Empty for now: every GET is safe
# to make (POST-only actions answer 405, logout pages ask first, the admin
# sends non-staff users to its login), so everything is fetched.
EXCLUDED: dict[str, str] = {}

# Fetched as the anonymous visitor only: the same for everyone, and slow to build.
ONE_ROLE = {
    "api-schema": "the OpenAPI document: built from the code, the same for every user",
}
# The admin answers every non-staff user alike (its login page): crawled
# signed out and signed in as one of them, not as each.
ADMIN_ROLES = ("anonymous", "stranger")


def roles_for(route: "Route") -> tuple:
    if route.key in EXCLUDED:
        return ()
    if route.key in ONE_ROLE:
        return ("anonymous",)
    if route.route.startswith("admin/"):
        return ADMIN_ROLES
    return ROLES


# What an admin page answers a non-staff visitor: (status, where it redirects).
ADMIN_LOGIN = (302, "/admin/login/")
ADMIN_ANSWERS = {
    "admin:login": (200, ""),  # the login form itself
    "admin:logout": (302, "/admin/"),  # which sends them on to the login
}


# Pages that must answer 200 to a role that may not see the secrets, so that
# the search runs over real content there (not only over refusals).
REACHED = {
    "anonymous": {"board:home", "board:request", "api-map", "board:impact", "board:impact-csv"},
    "stranger": {
        "board:request",
        "api-request",
        "api-requests-nearby",
        "api-offers-nearby",
        "api-map",
        "data_rights:account-export",
        "api-me-export",
        "moderation:my-reports",
        "board:impact-geojson",
        "api-impact",
    },
    "declined": {"chat:conversation", "api-conversation-messages", "api-me-export"},
    "moderator": {"moderation:queue", "api-moderation-reports", "moderation:log"},
}


def visits(scene: Scene, role: str, routes: list[Route]) -> list[tuple[Route, str]]:
    """(route, URL) of everything to fetch as `role`."""
    out = []
    for route in routes:
        if role not in roles_for(route):
            continue
        unknown = [p for p in route.params if p not in PARAMETERS]
        assert not unknown, (
            f"{route.route}: fill {unknown} in PARAMETERS (or exclude it with a reason)"
        )
        combos = [{}]
        for param in route.params:
            combos = [
                {**values, param: value}
                for values in combos
                for value in PARAMETERS[param][1](scene, role, route, values)
            ]
        for values in combos:
            path = route_path(route, values)
            match = resolve(path)
            assert match.route == route.route, (path, match.route, route.route)
            for query in ["", *QUERIES.get(route.key, [])]:
                out.append((route, path + query))
    return out


def client_for(scene: Scene, role: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    if scene.user(role) is not None:
        client.force_login(scene.user(role))
    return client


def search(role: str, where: str, text: str, public: frozenset) -> tuple[list[str], set[str]]:
    """(leaks, names of the allowed secrets found) in `text` as seen by `role`;
    `public`: the public coordinates' tokens (`public_tokens`)."""
    text = blank_public(text, public)
    leaks, found = [], set()
    for secret in SECRETS:
        needle = secret.found_in(text)
        if needle is None:
            continue
        if role in secret.allowed:
            found.add(secret.name)
        else:
            leaks.append(f"{role} sees the {secret.name} ({needle!r}) in {where}")
    return leaks, found


def test_every_route_is_collected_and_every_table_entry_is_used():
    routes = collect_routes()
    keys = {r.key for r in routes}
    for table in (EXCLUDED, ONE_ROLE, QUERIES, ADMIN_ANSWERS, *REACHED.values()):
        stale = set(table) - keys
        assert not stale, f"no such route any more: {stale}"
    params = {p for r in routes for p in r.params}
    assert not params - set(PARAMETERS), f"fill these in PARAMETERS: {params - set(PARAMETERS)}"
    assert not set(PARAMETERS) - params, f"no route takes {set(PARAMETERS) - params} any more"
    assert len(keys) == len(routes), "two routes with the same name"
    # Every route but the excluded ones is crawled by some role.
    assert all(roles_for(r) for r in routes if r.key not in EXCLUDED)
    assert len(routes) > 100


@pytest.mark.django_db
class TestCrawl:
    """The scene is shared by the roles (class-scoped); each role is its own
    test, so that a known leak can be marked for that role alone."""

    @pytest.mark.parametrize("role", ROLES)
    def test_every_route_as(self, role, scene, settings):
        # Every impact figure shown (k = 1), so the downloads hold something to search.
        settings.IMPACT_MIN_PEOPLE = 1
        crawl(role, scene)


def crawl(role: str, scene: Scene) -> None:
    started = time.monotonic()
    routes = collect_routes()
    client = client_for(scene, role)
    problems, found, fetched, answered = [], set(), set(), set()
    todo = visits(scene, role, routes)
    for route, url in todo:
        response = client.get(url)
        fetched.add(route.key)
        status = response.status_code
        if status == 200:
            answered.add(route.key)
        if status >= 500:
            problems.append(f"{url} as {role}: {status}")
        if route.route.startswith("admin/"):
            answer = (status, response.headers.get("Location", "").split("?")[0])
            if answer != ADMIN_ANSWERS.get(route.key, ADMIN_LOGIN):
                problems.append(f"{url} as {role} (not staff): {answer}, not the admin's login")
        body = b"" if response.streaming else response.content
        text = f"{dict(response.headers)}\n{body.decode(errors='replace')}"
        leaks, seen = search(role, f"{url} ({status})", text, scene.public)
        problems += leaks
        found |= seen

    expected = {r.key for r in routes if role in roles_for(r)}
    assert fetched == expected, f"not crawled: {expected - fetched}"
    assert REACHED.get(role, set()) <= answered, f"refused: {REACHED[role] - answered}"
    # Proven able to fail: the role finds every secret it may see.
    allowed = {s.name for s in SECRETS if role in s.allowed}
    assert found == allowed, f"{role} should see {allowed - found} somewhere; the search is blind"
    print(
        f"\nprivacy crawl as {role}: {len(fetched)} routes, {len(todo)} URLs "
        f"in {time.monotonic() - started:.1f} s"
    )
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


# --- the websocket ----------------------------------------------------------


def _session_cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


async def _drain(communicator, frames: list, timeout: float = 0.5) -> None:
    """Whatever arrives until the socket stays quiet for `timeout`."""
    while not await communicator.receive_nothing(timeout=timeout):
        output = await communicator.receive_output()
        frames.append(output.get("text") or json.dumps(output))


async def _until_synced(communicator, frames: list, count: int) -> None:
    """Every frame up to the `count`-th `sync.done`: the consumer answers a
    socket's frames in order, so the last sync's answer comes after the rest."""
    while sum('"sync.done"' in f for f in frames) < count:
        output = await communicator.receive_output(timeout=30)
        frames.append(output.get("text") or json.dumps(output))


@pytest.mark.django_db(transaction=True)
async def test_websocket_frames_carry_nothing_a_role_may_not_see(settings):
    settings.IMPACT_MIN_PEOPLE = 1
    scene = await database_sync_to_async(scene_people)()
    sockets = {}
    for role in ROLES:
        headers = [ORIGIN]
        if scene.user(role) is not None:
            headers.append(
                (b"cookie", await database_sync_to_async(_session_cookie)(scene.user(role)))
            )
        sockets[role] = WebsocketCommunicator(application, "/ws/", headers=headers)
        await sockets[role].connect()
    frames = {role: [] for role in ROLES}
    try:
        assert await sockets["anonymous"].receive_output() == {
            "type": "websocket.close",
            "code": 4401,
        }
        # Everything happens while the sockets listen: the live frames.
        await database_sync_to_async(scene_play)(scene)
        listening = ROLES[1:]
        await asyncio.gather(*(_drain(sockets[r], frames[r]) for r in listening))
        # Then each asks for everything, and pokes at the conversations of others.
        for role in listening:
            socket = sockets[role]
            await socket.send_json_to({"type": "sync", "after": 0})
            for conversation in scene.conversations:
                await socket.send_json_to({"type": "typing", "conversation": conversation.pk})
                await socket.send_json_to(
                    {"type": "message.read", "conversation": conversation.pk, "up_to": 10**9}
                )
                if role in ("stranger", "moderator"):
                    await socket.send_json_to(
                        {
                            "type": "message.send",
                            "conversation": conversation.pk,
                            "body": "Bonjour ?",
                            "client_id": f"{role}-{conversation.pk}",
                        }
                    )
            await socket.send_json_to({"type": "sync", "after": 0})  # the last frame
        await asyncio.gather(*(_until_synced(sockets[r], frames[r], 2) for r in listening))
        await asyncio.gather(*(_drain(sockets[r], frames[r], 0.2) for r in listening))
    finally:
        for socket in sockets.values():
            await socket.disconnect()

    public = await database_sync_to_async(scene_public_tokens)()
    problems, found = [], {}
    for role in ROLES:
        for frame in frames[role]:
            leaks, seen = search(role, f"websocket frame {frame[:200]}", frame, public)
            problems += leaks
            found.setdefault(role, set()).update(seen)
    # Proven able to fail: both sides of the conversation got the phone number.
    for role in ("requester", "helper"):
        assert "phone of Alice" in found.get(role, set()), (role, frames[role])
    for role in ("stranger", "moderator"):
        assert any('"sync.done"' in f for f in frames[role]), frames[role]
        assert any('"not_found"' in f for f in frames[role]), frames[role]
    assert not problems, "\n".join(problems)
