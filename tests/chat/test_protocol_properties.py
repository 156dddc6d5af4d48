"""A property of the websocket protocol (issue 10): whatever a client sends
(frames of every type with arbitrary JSON values, NUL, lone surrogates,
huge numbers, deep nesting, wrong types), each frame gets its answer or an
error frame, the socket stays open, the sends of other neighbours in the
same moments are stored and acked, and the server logs no traceback.

Against a real daphne process and the real channel layer, with the
`websockets` library as the clients; hypothesis writes the hostile frames."""

import asyncio
import json
import uuid

import pytest
import websockets
from django.contrib.gis.geos import Point
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chat.models import Conversation, Message
from common.json_input import JSONInputError, json_loads
from neighbors.categories import categories_ensure
from neighbors.models import HelpCategory
from neighbors.services import user_api_token
from requests_board import services
from tests.factories import resident_at
from tests.live import Api

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = "http://127.0.0.1"
TYPES = ["message.send", "message.read", "typing", "sync", "presence"]
# Each hostile frame is followed by a sync whose `after` names it: its
# sync.done closes the frame's answers (frames are answered in order).
SENTINEL = 2**62

NASTY = ["", "\x00", "a\x00b", "\ud800", "x\udfffy", "\u202e", "😀" * 20, "  ", "null", "1e400"]
text = st.one_of(
    st.text(max_size=30),
    st.sampled_from(NASTY),
    st.text(alphabet=st.sampled_from("\x00\ud800\udbff\udc00a\n\t é"), max_size=12),
)
numbers = st.one_of(
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -1, 2**63 - 1, 2**63, 2**64, 10**300]),
)
json_values = st.recursive(
    st.none() | st.booleans() | numbers | text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=8,
)


def frames(own: int, others: int):
    ids = st.one_of(st.sampled_from([own, others]), numbers, json_values)
    frame = st.fixed_dictionaries(
        {"type": st.one_of(st.sampled_from(TYPES), text, json_values)},
        optional={
            "conversation": ids,
            "body": st.one_of(text, json_values),
            "client_id": st.one_of(text, json_values),
            "up_to": ids,
            "after": ids,
            "extra": json_values,
        },
    )
    # Well-formed but for one field, so that bad values reach the services.
    client_ids = st.one_of(st.uuids().map(str), text, json_values)
    plausible = st.one_of(
        st.fixed_dictionaries(
            {
                "type": st.just("message.send"),
                "conversation": st.one_of(st.just(own), ids),
                "body": st.one_of(text, st.just("Bonjour")),
                "client_id": client_ids,
            }
        ),
        st.fixed_dictionaries(
            {"type": st.just("message.read"), "conversation": st.just(own), "up_to": ids}
        ),
        st.fixed_dictionaries(
            {"type": st.sampled_from(["typing", "presence"]), "conversation": ids}
        ),
        st.fixed_dictionaries({"type": st.just("sync"), "after": ids}),
    )
    deep = st.integers(min_value=30, max_value=20_000).map(lambda n: "[" * n + "]" * n)
    garbage = st.text(
        alphabet=st.characters(exclude_categories=["Cs"]), max_size=40
    )  # a text frame must be UTF-8
    return st.one_of(
        plausible.map(json.dumps),
        plausible.map(json.dumps),
        frame.map(json.dumps),
        json_values.map(json.dumps),
        deep,
        garbage,
        deep.map(lambda nested: '{"type": "message.send", "body": ' + nested + "}"),
    )


@pytest.fixture
def chat_world(transactional_db, server_factory):
    """Alice asked twice; Bruno answered the first, Mallory the second."""
    categories_ensure(HelpCategory)
    alice = resident_at(48.86, 2.37, display_name="Alice")
    bruno = resident_at(48.861, 2.37, display_name="Bruno")
    mallory = resident_at(48.862, 2.37, display_name="Mallory")
    groceries = HelpCategory.objects.get(slug="groceries")
    first, second = (
        services.help_request_create(
            author=alice, title=title, category=groceries, location=Point(2.37, 48.86, srid=4326)
        )
        for title in ("Courses", "Colis")
    )
    services.help_request_respond(request=first, volunteer=bruno, message="Je peux")
    services.help_request_respond(request=second, volunteer=mallory, message="Moi aussi")
    server = server_factory(
        CHAT_MESSAGES_PER_MINUTE="100000", NEW_ACCOUNT_MESSAGES_PER_MINUTE="100000"
    )
    return {
        "server": server,
        "api": {
            u.display_name: Api(server.address, user_api_token(user=u))
            for u in (alice, bruno, mallory)
        },
        "innocent": Conversation.objects.get(request=first).pk,
        "hostile": Conversation.objects.get(request=second).pk,
    }


async def _answers_until(ws, sentinel: int) -> list[dict]:
    got = []
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), 10))
        if frame.get("type") == "sync.done" and frame.get("last") == sentinel:
            return got
        got.append(frame)


async def _hostile(ws, raw_frames: list[str]) -> None:
    for index, raw in enumerate(raw_frames):
        await ws.send(raw)
        sentinel = SENTINEL + index
        await ws.send(json.dumps({"type": "sync", "after": sentinel}))
        answers = await _answers_until(ws, sentinel)
        errors = [a for a in answers if a["type"] == "error"]
        for error in errors:
            assert set(error) == {"type", "code", "detail", "client_id"}, error
            assert error["code"] != "server_error", (raw[:200], error)
        try:
            sent = json_loads(raw)
        except JSONInputError:
            sent = None
        if not isinstance(sent, dict) or not isinstance(sent.get("type"), str):
            assert len(errors) == 1, (raw[:200], answers)
        elif sent["type"] == "message.send":
            acks = [a for a in answers if a["type"] == "message.ack"]
            assert len(acks) + len(errors) == 1, (raw[:200], answers)
        elif sent["type"] not in TYPES:
            assert [e["code"] for e in errors] == ["unknown_type"], (raw[:200], answers)


async def _innocent(ws, conversation: int, count: int) -> list[str]:
    client_ids = [str(uuid.uuid4()) for _ in range(count)]
    for client_id in client_ids:
        await ws.send(
            json.dumps(
                {
                    "type": "message.send",
                    "conversation": conversation,
                    "body": "Je passe à 10 h",
                    "client_id": client_id,
                }
            )
        )
    acked = set()
    while acked != set(client_ids):
        frame = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert frame["type"] != "error", frame
        if frame["type"] == "message.ack":
            acked.add(frame["client_id"])
    return client_ids


def test_no_frame_breaks_a_socket_or_anothers_sends(chat_world):
    world = chat_world
    api = world["api"]

    @settings(
        max_examples=30,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.data())
    def check(data):
        raw_frames = data.draw(
            st.lists(frames(world["hostile"], world["innocent"]), min_size=1, max_size=6)
        )

        async def scenario():
            async with (
                websockets.connect(api["Mallory"].ws_url(), origin=ORIGIN) as mallory,
                websockets.connect(api["Alice"].ws_url(), origin=ORIGIN) as alice,
                websockets.connect(api["Bruno"].ws_url(), origin=ORIGIN) as bruno,
            ):
                _, *sent = await asyncio.gather(
                    _hostile(mallory, raw_frames),
                    _innocent(alice, world["innocent"], 3),
                    _innocent(bruno, world["innocent"], 3),
                )
            return [client_id for ids in sent for client_id in ids]

        client_ids = asyncio.run(scenario())
        assert Message.objects.filter(client_id__in=client_ids).count() == len(client_ids)

    check()
    log = world["server"].log.read_text()
    at = log.find("Traceback")
    assert at == -1, log[max(0, at - 500) : at + 4000]
