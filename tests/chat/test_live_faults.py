"""Real processes: two servers sharing Redis; Redis and PostgreSQL stopped
mid-chat. Clients are the `websockets` library, as an app would be."""

import asyncio
import json
import subprocess
import sys

import pytest
import websockets

from neighbors.categories import categories_ensure
from neighbors.models import HelpCategory
from tests.chat.conftest import alice_asks_through_the_api
from tests.conftest import ROOT
from tests.live import Api, PostgresCluster, RedisServer, receive_until

pytestmark = pytest.mark.slow(13)

ORIGIN = "http://127.0.0.1"


@pytest.fixture
def seeded(transactional_db):
    """Committed data the server processes can see; categories survive flushes."""
    categories_ensure(HelpCategory)


@pytest.fixture
def redis_server():
    server = RedisServer().start()
    yield server
    server.stop()


def conversation_between(api: Api) -> tuple[Api, Api, int]:
    """Alice asks, Bruno responds: their conversation id (all through the API)."""
    alice, bruno, request = alice_asks_through_the_api(api)
    status, body = bruno.call(
        "POST", f"/api/v1/requests/{request['id']}/responses", {"message": "Je peux"}
    )
    assert status == 201, body
    status, conversations = alice.call("GET", "/api/v1/conversations")
    return alice, bruno, conversations[0]["id"]


def send_frame(conversation: int, body: str, client_id: str) -> str:
    return json.dumps(
        {"type": "message.send", "conversation": conversation, "body": body, "client_id": client_id}
    )


def test_a_message_crosses_from_one_server_to_the_other(seeded, server_factory, redis_server):
    one = server_factory(REDIS_URL=redis_server.url)
    two = server_factory(REDIS_URL=redis_server.url)
    api_one, api_two = Api(one.address), Api(two.address)
    alice, bruno, conversation = conversation_between(api_one)
    bruno_on_two = Api(two.address, bruno.token)

    async def scenario():
        async with (
            websockets.connect(alice.ws_url(), origin=ORIGIN) as a,
            websockets.connect(bruno_on_two.ws_url(), origin=ORIGIN) as b,
        ):
            await a.send(send_frame(conversation, "Hello from server one", "x-1"))
            ack = await receive_until(a, lambda f: f["type"] == "message.ack")
            new = await receive_until(b, lambda f: f["type"] == "message.new")
            assert new["message"]["id"] == ack["message"]["id"]
            assert new["message"]["body"] == "Hello from server one"

    asyncio.run(scenario())
    assert api_two.call("GET", "/api/v1/categories")[0] == 200


def test_redis_stops_mid_chat_and_nothing_acknowledged_is_lost(
    seeded, server_factory, redis_server
):
    server = server_factory(REDIS_URL=redis_server.url)
    alice, bruno, conversation = conversation_between(Api(server.address))
    acked: dict[str, int] = {}

    async def scenario():
        async with websockets.connect(alice.ws_url(), origin=ORIGIN) as a:
            await a.send(send_frame(conversation, "before", "r-0"))
            acked["r-0"] = (await receive_until(a, lambda f: f["type"] == "message.ack"))[
                "message"
            ]["id"]
            redis_server.stop()
            # Sends go on: each one is stored and acknowledged, or refused with
            # an error; the socket itself may drop when the layer fails.
            try:
                for i in range(1, 4):
                    await a.send(send_frame(conversation, f"during {i}", f"r-{i}"))
                    frame = await receive_until(a, lambda f: f["type"] in {"message.ack", "error"})
                    if frame["type"] == "message.ack":
                        acked[frame["client_id"]] = frame["message"]["id"]
            except (websockets.exceptions.ConnectionClosed, TimeoutError):
                pass

    asyncio.run(scenario())
    redis_server.start()  # back, on the same port

    async def resync():
        async with websockets.connect(bruno.ws_url(), origin=ORIGIN) as b:
            await b.send(json.dumps({"type": "sync", "after": 0}))
            seen = []
            while True:
                frame = json.loads(await asyncio.wait_for(b.recv(), 10))
                if frame["type"] == "sync.done":
                    return seen
                if frame["type"] == "message.new":
                    seen.append(frame["message"]["id"])

    seen = asyncio.run(resync())
    assert set(acked.values()) <= set(seen), (acked, seen)
    assert len(seen) == len(set(seen))
    status, page = bruno.call("GET", f"/api/v1/conversations/{conversation}/messages")
    stored = {m["client_id"] for m in page["results"]}
    assert set(acked) <= stored


def test_postgres_stops_mid_chat_no_false_ack_and_one_message_per_client_id(server_factory):
    cluster = PostgresCluster().init()
    try:
        migrate = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
            cwd=ROOT,
            env={**server_factory.base_env, "DATABASE_URL": cluster.url},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert migrate.returncode == 0, migrate.stderr
        server = server_factory(DATABASE_URL=cluster.url)
        alice, bruno, conversation = conversation_between(Api(server.address))

        async def scenario():
            async with websockets.connect(alice.ws_url(), origin=ORIGIN) as a:
                cluster.stop()
                await a.send(send_frame(conversation, "while the database is down", "pg-1"))
                frame = await receive_until(a, lambda f: f["type"] in {"message.ack", "error"}, 40)
                assert frame["type"] == "error", frame  # never a false acknowledgement
                assert frame["code"] == "unavailable" and frame["client_id"] == "pg-1"
                cluster.start()
                await a.send(send_frame(conversation, "while the database is down", "pg-1"))
                ack = await receive_until(a, lambda f: f["type"] == "message.ack", 40)
                await a.send(send_frame(conversation, "while the database is down", "pg-1"))
                again = await receive_until(a, lambda f: f["type"] == "message.ack", 40)
                assert again["message"]["id"] == ack["message"]["id"]

        asyncio.run(scenario())
        status, page = bruno.call("GET", f"/api/v1/conversations/{conversation}/messages")
        assert [m["client_id"] for m in page["results"]].count("pg-1") == 1
    finally:
        cluster.destroy()
