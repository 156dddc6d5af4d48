"""Lists cost a fixed number of queries whatever their size (STYLE.md,
"Query counts are tested"): each endpoint is measured through the real view
(serialization included) with one row and with N rows, and the two counts
must be equal; an absolute ceiling keeps the fixed number small too.

The first call of each test is a warm-up (caches filled once per process are
not the endpoint's cost); the measured calls come after it."""

import difflib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chat.models import Message
from geo.points import METRES_PER_DEGREE_LAT
from moderation.models import Reason, Report
from requests_board.models import FollowUp, HelpRequest, Response, Urgency
from tests.factories import (
    PARIS,
    ConversationFactory,
    FollowUpFactory,
    HelpCategoryFactory,
    HelpRequestFactory,
    MessageFactory,
    ModerationActionFactory,
    ModeratorFactory,
    ReadStateFactory,
    ReportFactory,
    ResidentFactory,
    ResponseFactory,
    VolunteerOfferFactory,
    ZoneFactory,
    map_sync,
)

pytestmark = pytest.mark.django_db

N = 8
# The box around PARIS that map requests ask for at street level.
STREET_BOX = "2.36,48.85,2.39,48.87"


@pytest.fixture(autouse=True)
def _quick_passwords(settings):
    """Dozens of users a test: hashing each password the real way would
    take most of the run, and no one signs in here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def north_of(metres: float) -> tuple[float, float]:
    return PARIS[0] + metres / METRES_PER_DEGREE_LAT, PARIS[1]


def _measure(get):
    with CaptureQueriesContext(connection) as captured:
        response = get()
    assert response.status_code == 200, response.content
    return response.json(), [query["sql"] for query in captured.captured_queries]


def assert_flat(get, add, *, at_most: int):
    """The body of `get()` with 1 row, then after `add()` brings N: the same
    number of queries both times, and no more than `at_most`."""
    _measure(get)  # warm-up
    one, one_sql = _measure(get)
    add()
    many, many_sql = _measure(get)
    assert len(many_sql) == len(one_sql), (
        f"{len(one_sql)} queries for 1 row, {len(many_sql)} for {N}:\n"
        + "\n".join(difflib.unified_diff(one_sql, many_sql, "1 row", f"{N} rows", lineterm=""))
    )
    assert len(one_sql) <= at_most, "\n".join(one_sql)
    return one, many


# --- The board: nearby, the map --------------------------------------------------------


def test_nearby_requests(api_for):
    """Every request by another author, in another category: authors and
    categories come with the rows, the viewer's skills once."""
    viewer = ResidentFactory(display_name="Vera")
    groceries, diy, pets = (HelpCategoryFactory(slug=s) for s in ("groceries", "diy", "pets"))
    viewer.skills.add(groceries)
    categories = [groceries, diy, pets]
    urgencies = [Urgency.HIGH, Urgency.NORMAL, Urgency.LOW]
    made = []

    def add(count):
        for _ in range(count):
            i = len(made)
            made.append(
                HelpRequestFactory(
                    lat=north_of(100 + 60 * i)[0],
                    category=categories[i % 3],
                    urgency=urgencies[i % 3],
                )
            )

    add(1)
    client = api_for(viewer)
    one, many = assert_flat(
        lambda: client.get("/api/v1/requests/nearby"), lambda: add(N - 1), at_most=4
    )
    assert [r["id"] for r in one["results"]] == [made[0].pk]
    assert {r["id"] for r in many["results"]} == {r.pk for r in made}
    assert {r["author"]["display_name"] for r in many["results"]} == {
        r.author.display_name for r in made
    }
    # Skill matches first, with the reason given.
    assert many["results"][0]["category"] == "groceries"
    assert any("groceries" in reason.lower() for reason in many["results"][0]["reasons"])


def test_nearby_offers(api_for):
    """Offers of N volunteers with two categories each: volunteers and
    categories are fetched for the page, not per offer."""
    viewer = ResidentFactory(display_name="Vera")
    groceries, diy = HelpCategoryFactory(slug="groceries"), HelpCategoryFactory(slug="diy")
    made = []

    def add(count):
        for _ in range(count):
            lat, lng = north_of(50 + 40 * len(made))
            made.append(
                VolunteerOfferFactory(
                    volunteer=ResidentFactory(lat=lat, lng=lng), categories=[groceries, diy]
                )
            )

    add(1)
    client = api_for(viewer)
    one, many = assert_flat(
        lambda: client.get("/api/v1/offers/nearby"), lambda: add(N - 1), at_most=3
    )
    assert [o["id"] for o in one["results"]] == [made[0].pk]
    assert {o["id"] for o in many["results"]} == {o.pk for o in made}
    assert all(sorted(o["categories"]) == ["diy", "groceries"] for o in many["results"])
    assert all(o["volunteer"]["display_name"] for o in many["results"])


def test_map_points_at_street_level(api_for):
    """Zoomed in, the map lists points: requests with their category, offers
    with their volunteer's name."""
    viewer = ResidentFactory(display_name="Vera", lat=48.861, lng=2.375)
    categories = [HelpCategoryFactory(slug=s) for s in ("groceries", "diy", "pets")]
    requests, offers = [], []

    def add(count):
        for _ in range(count):
            i = len(requests)
            lat, lng = 48.852 + 0.002 * i, 2.365 + 0.002 * i
            requests.append(HelpRequestFactory(lat=lat, lng=lng, category=categories[i % 3]))
            offers.append(VolunteerOfferFactory(volunteer=ResidentFactory(lat=lat, lng=lng)))

    add(1)
    client = api_for(viewer)
    one, many = assert_flat(
        lambda: client.get("/api/v1/map", {"bbox": STREET_BOX, "zoom": 16}),
        lambda: add(N - 1),
        # Blocks, the count of requests in the box (dense boxes stop there),
        # the requests, the offers.
        at_most=4,
    )
    assert one["clustered"] is False and len(one["features"]) == 2
    assert many["clustered"] is False
    by_kind = {"request": set(), "offer": set()}
    for feature in many["features"]:
        by_kind[feature["properties"]["kind"]].add(feature["properties"]["id"])
    assert by_kind == {"request": {r.pk for r in requests}, "offer": {o.pk for o in offers}}
    titles = {f["properties"]["title"] for f in many["features"]}
    assert {o.volunteer.display_name for o in offers} <= titles


def test_map_counts_at_city_level(api):
    """Zoomed out, the map reads counts per cell, one query whatever the
    number of posts or cells (the counts are map_sync's, as the services
    keep them)."""
    made = []

    def add(count):
        for _ in range(count):
            # 0.1 degree apart: the posts fall in several cells.
            made.append(HelpRequestFactory(lat=48.86, lng=2.0 + 0.1 * len(made)))
            map_sync(made[-1])

    add(1)
    box = {"bbox": "1.9,48.6,2.9,49.1", "zoom": 9}
    one, many = assert_flat(lambda: api.get("/api/v1/map", box), lambda: add(N - 1), at_most=1)
    assert one["clustered"] is True
    assert sum(f["properties"]["count"] for f in one["features"]) == 1
    assert sum(f["properties"]["count"] for f in many["features"]) == N
    assert len(many["features"]) > 1


# --- Chat ------------------------------------------------------------------------------


def test_conversation_list(api_for):
    """A requester with N conversations, each with another volunteer, a
    last message and unread ones."""
    alice = ResidentFactory(display_name="Alice")
    conversations = []

    def add(count):
        for _ in range(count):
            conversation = ConversationFactory(request=HelpRequestFactory(author=alice))
            first = MessageFactory(conversation=conversation)
            ReadStateFactory(conversation=conversation, user=alice, last_read_id=first.pk)
            MessageFactory(conversation=conversation, body=f"Dernier {len(conversations)}")
            conversations.append(conversation)

    add(1)
    client = api_for(alice)
    one, many = assert_flat(
        lambda: client.get("/api/v1/conversations"), lambda: add(N - 1), at_most=2
    )
    assert [c["id"] for c in one] == [conversations[0].pk]
    assert {c["id"] for c in many} == {c.pk for c in conversations}
    for item in many:
        conversation = next(c for c in conversations if c.pk == item["id"])
        assert item["other"]["display_name"] == conversation.volunteer.display_name
        assert item["request_title"] == conversation.request.title
        assert item["last_message"]["body"].startswith("Dernier")
        assert item["unread"] == 1


def test_conversation_history(api_for):
    conversation = ConversationFactory()
    alice, bruno = conversation.requester, conversation.volunteer
    senders = [alice, bruno]

    def add(count):
        for _ in range(count):
            sent = Message.objects.filter(conversation=conversation).count()
            MessageFactory(conversation=conversation, sender=senders[sent % 2])

    add(1)
    client = api_for(alice)
    url = f"/api/v1/conversations/{conversation.pk}/messages"
    one, many = assert_flat(lambda: client.get(url), lambda: add(N - 1), at_most=2)
    assert len(one["results"]) == 1
    assert len(many["results"]) == N and many["has_more"] is False
    assert {m["sender"] for m in many["results"]} == {alice.pk, bruno.pk}


# --- Moderation ----------------------------------------------------------------------


def _reported(kind: str, zone):
    """Content of `kind` in the zone, reported by two people, its author
    warned once before."""
    if kind == "message":
        conversation = ConversationFactory()
        messages = [MessageFactory(conversation=conversation) for _ in range(5)]
        target = messages[2]
    elif kind == "request":
        target = HelpRequestFactory()
    elif kind == "offer":
        target = VolunteerOfferFactory()
    else:
        target = ResidentFactory()
    first = ReportFactory(target=target, zones=[zone], details="Il insiste.")
    ReportFactory(target=target, zones=[zone], reason=Reason.SPAM)
    ModerationActionFactory(report=first)
    return target


@pytest.mark.parametrize("kind", ["message", "request", "offer", "user"])
def test_moderation_queue(api_for, kind):
    """The queue of a zone's moderator: each entry with its reports, zones,
    content, author's history and, for a message, its neighbours. A
    reported message used to cost two queries more each (its neighbours)."""
    zone = ZoneFactory(name="Paris 11")
    moderator = ModeratorFactory(zones=[zone]).user
    targets = []

    def add(count):
        for _ in range(count):
            targets.append(_reported(kind, zone))

    add(1)
    client = api_for(moderator)
    one, many = assert_flat(
        lambda: client.get("/api/v1/moderation/reports"), lambda: add(N - 1), at_most=8
    )
    assert [e["target_id"] for e in one] == [targets[0].pk]
    assert [e["target_id"] for e in many] == [t.pk for t in targets]
    for entry in many:
        assert entry["zone"] == "Paris 11" and entry["zones"] == ["Paris 11"]
        assert entry["reporters"] == 2
        assert entry["reasons"] == {"harassment": 1, "spam": 1}
        assert entry["author"]["reports_received"] == 2
        assert [a["action"] for a in entry["author"]["actions"]] == ["warn"]
        if kind == "message":
            target = next(t for t in targets if t.pk == entry["target_id"])
            around = list(Message.objects.filter(conversation_id=target.conversation_id))
            assert [m["id"] for m in entry["messages"]] == [m.pk for m in around]
            assert [m["reported"] for m in entry["messages"]] == [False, False, True, False, False]
            assert {m["sender"] for m in entry["messages"]} == {target.sender.display_name}
        else:
            assert entry["messages"] == []


def test_moderation_queue_message_windows_in_one_conversation(api_for):
    """Reported messages of one conversation each come with their own two
    neighbours either side, however close they are to each other or to the
    conversation's ends."""
    zone = ZoneFactory(name="Paris 11")
    moderator = ModeratorFactory(zones=[zone]).user
    conversation, other = ConversationFactory(), ConversationFactory()
    messages = []
    for _ in range(10):
        messages.append(MessageFactory(conversation=conversation))
        # Another conversation's messages between them, never shown.
        MessageFactory(conversation=other)
    for index in (0, 3, 4, 9):
        ReportFactory(target=messages[index], zones=[zone])
    queue = api_for(moderator).get("/api/v1/moderation/reports").json()
    ids = [m.pk for m in messages]
    assert {e["target_id"]: [m["id"] for m in e["messages"]] for e in queue} == {
        ids[0]: ids[0:3],
        ids[3]: ids[1:6],
        ids[4]: ids[2:7],
        ids[9]: ids[7:10],
    }


# --- Impact ------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/v1/impact", "/impact.geojson"])
def test_impact_figures(api, url):
    """Requests, their responses and follow-ups are read once each, in bulk,
    for the figures and for their grid."""
    made = []

    def add(count):
        for _ in range(count):
            request = HelpRequestFactory(status=HelpRequest.Status.DONE)
            ResponseFactory(request=request)
            FollowUpFactory(request=request, score=4)
            made.append(request)

    add(1)
    one, many = assert_flat(lambda: api.get(url), lambda: add(N - 1), at_most=3)
    assert Response.objects.count() == FollowUp.objects.count() == N
    if url.endswith("geojson"):
        # One grid cell (every request is in Paris 11e): shown once k people are in it.
        assert one["features"] == []
        (cell,) = many["features"]
        assert cell["properties"] == {"posted": N, "fulfilled": N, "people": 2 * N}
        return
    assert one["overall"] == {"suppressed": True}  # fewer than k people
    assert many["overall"]["posted"] == N and many["overall"]["fulfilled"] == N
    assert many["overall"]["people"] == 2 * N  # authors and volunteers
    assert many["overall"]["follow_up_score"] == 4


# --- Pages -------------------------------------------------------------------------------


def _page(client, url):
    """A page as `_measure` wants it: its status, and its HTML as "JSON"."""
    response = client.get(url)
    response.json = lambda: response.content.decode()
    return response


def test_moderation_queue_page(client):
    """The moderator's page: the queue's selectors, then the template (forms,
    map points) for every kind of target."""
    zone = ZoneFactory(name="Paris 11")
    moderator = ModeratorFactory(zones=[zone]).user
    targets = []

    def add(count):
        for _ in range(count):
            for kind in ("message", "request", "offer", "user"):
                targets.append(_reported(kind, zone))

    add(1)
    client.force_login(moderator)
    # 15: the queue's, plus one of every signed-in page (the menu's unread count).
    one, many = assert_flat(lambda: _page(client, "/moderation/"), lambda: add(N - 1), at_most=15)
    oldest = {}
    for report in Report.objects.order_by("created_at", "id"):
        oldest.setdefault((report.target_type, report.target_id), report.pk)
    assert len(oldest) == len(targets) == 4 * N
    headings = [f'id="report-{pk}-heading"' for pk in oldest.values()]
    assert sum(heading in one for heading in headings) == 4
    assert all(heading in many for heading in headings)
    assert many.count("Il insiste.") == 4 * N


def test_conversation_list_page(client):
    alice = ResidentFactory(display_name="Alice")
    conversations = []

    def add(count):
        for _ in range(count):
            conversation = ConversationFactory(request=HelpRequestFactory(author=alice))
            MessageFactory(conversation=conversation, body=f"Dernier {len(conversations)}")
            conversations.append(conversation)

    add(1)
    client.force_login(alice)
    # 6: the list's, plus the menu's unread count on every signed-in page.
    one, many = assert_flat(lambda: _page(client, "/conversations/"), lambda: add(N - 1), at_most=6)
    assert "Dernier 0" in one
    for conversation in conversations:
        assert conversation.volunteer.display_name in many
        assert f"/conversations/{conversation.pk}/" in many
