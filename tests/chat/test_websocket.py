"""The /ws/ endpoint as it stands after the platform issue: auth, origin, errors."""

import asyncio
import json
import socket
import time

import pytest
import websockets
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from websockets.exceptions import ConnectionClosed

from config.asgi import application
from realtime.events import publish
from tests.factories import UserFactory

ORIGIN = (b"origin", b"http://127.0.0.1")


@pytest.mark.django_db(transaction=True)
async def test_anonymous_socket_is_refused():
    communicator = WebsocketCommunicator(application, "/ws/", headers=[ORIGIN])
    await communicator.connect()
    assert await communicator.receive_output() == {"type": "websocket.close", "code": 4401}
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_foreign_origin_is_refused():
    user = await database_sync_to_async(UserFactory)()
    cookie = await database_sync_to_async(_session_cookie)(user)
    communicator = WebsocketCommunicator(
        application, "/ws/", headers=[(b"origin", b"https://evil.example"), (b"cookie", cookie)]
    )
    connected, _code = await communicator.connect()
    assert not connected
    await communicator.disconnect()


def _session_cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


@pytest.mark.django_db(transaction=True)
async def test_signed_in_socket_gets_errors_for_bad_frames_and_events_for_its_user():
    user = await database_sync_to_async(UserFactory)()
    cookie = await database_sync_to_async(_session_cookie)(user)
    communicator = WebsocketCommunicator(application, "/ws/", headers=[ORIGIN, (b"cookie", cookie)])
    connected, _ = await communicator.connect()
    assert connected

    await communicator.send_to(text_data="{not json")
    assert (await communicator.receive_json_from())["code"] == "bad_json"
    await communicator.send_to(text_data=json.dumps({"type": "nonsense"}))
    assert (await communicator.receive_json_from())["code"] == "unknown_type"
    await communicator.send_to(text_data="[1]")
    assert (await communicator.receive_json_from())["code"] == "bad_frame"

    await database_sync_to_async(_publish_now)(user.pk)
    frame = await communicator.receive_json_from()
    assert frame == {"type": "notification", "notification": {"kind": "hello"}}
    await communicator.disconnect()


def _publish_now(user_id):
    from django.db import transaction

    with transaction.atomic():
        publish([user_id], "event.notification", {"notification": {"kind": "hello"}})


@pytest.mark.django_db(transaction=True)
def test_real_server_websocket_with_session_cookie(asgi_server):
    """Through daphne, with the `websockets` client: refused without a session,
    accepted with one, frames over 64 KiB refused by the server."""
    user = UserFactory()
    cookie = _session_cookie(user).decode()

    async def scenario():
        url = f"ws://{asgi_server}/ws/"
        origin = f"http://{asgi_server.split(':')[0]}"
        with pytest.raises(ConnectionClosed) as refused:
            async with websockets.connect(url, origin=origin) as ws:
                await ws.recv()
        assert refused.value.rcvd.code == 4401

        async with websockets.connect(
            url, origin=origin, additional_headers={"Cookie": cookie}
        ) as ws:
            await ws.send("{broken")
            assert json.loads(await asyncio.wait_for(ws.recv(), 5))["code"] == "bad_json"
            await ws.send(json.dumps({"type": "typing", "pad": "x" * 70_000}))
            with pytest.raises(ConnectionClosed) as closed:
                await asyncio.wait_for(ws.recv(), 5)
            # Refused by the server before the consumer sees it (config/serve.py).
            assert closed.value.rcvd.code == 1009
        async with websockets.connect(
            url, origin=origin, additional_headers={"Cookie": cookie}
        ) as ws:
            await ws.send("[]")
            assert json.loads(await asyncio.wait_for(ws.recv(), 5))["code"] == "bad_frame"

    asyncio.run(scenario())


TCP_ESTABLISHED = 1  # tcpi_state, the first byte of Linux's struct tcp_info


async def _until_the_server_hangs_up(ws, timeout: float = 15.0) -> None:
    """Waits until the server has closed or reset the connection, seen from
    the kernel's side of the client's socket (the client library, paused, has
    not read that far)."""
    sock = ws.transport.get_extra_info("socket")
    deadline = time.monotonic() + timeout
    while True:
        if ws.transport.is_closing() or sock.fileno() == -1:
            return  # the client's side has seen the end already
        if sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 1)[0] != TCP_ESTABLISHED:
            return
        assert time.monotonic() < deadline, "the server kept the connection of a stalled reader"
        await asyncio.sleep(0.05)


@pytest.mark.django_db(transaction=True)
def test_a_client_that_stops_reading_is_cut_off_not_buffered(asgi_server, conversation):
    """A client asks for a large history and stops reading: the server aborts
    the connection once about 1 MiB waits in its buffer (config/serve.py)
    instead of holding everything, and keeps serving others."""
    from chat.models import Message

    body = "x" * 2000
    Message.objects.bulk_create(
        Message(
            conversation=conversation, sender=conversation.volunteer, body=body, client_id=f"h{i}"
        )
        for i in range(6000)
    )
    cookie = _session_cookie(conversation.requester).decode()
    url = f"ws://{asgi_server}/ws/"
    origin = f"http://{asgi_server.split(':')[0]}"

    async def scenario():
        # max_queue=1 makes the client library stop reading its socket.
        async with websockets.connect(
            url, origin=origin, additional_headers={"Cookie": cookie}, max_queue=1
        ) as ws:
            await ws.send(json.dumps({"type": "sync", "after": 0}))
            await _until_the_server_hangs_up(ws)
            received = 0
            with pytest.raises(ConnectionClosed):
                while True:
                    frame = json.loads(await asyncio.wait_for(ws.recv(), 10))
                    assert frame["type"] == "message.new", frame
                    received += 1
            # ~12 MB were due; far fewer reached the client before the cut.
            assert received < 6000

        async with websockets.connect(
            url, origin=origin, additional_headers={"Cookie": cookie}
        ) as ws:
            await ws.send(json.dumps({"type": "sync", "after": 10**9}))
            assert json.loads(await asyncio.wait_for(ws.recv(), 5))["type"] == "sync.done"

    asyncio.run(scenario())
    # The cut-off consumer reads its history on to the end (a consumer takes
    # its events one at a time: its disconnect waits behind the sync). Let it
    # finish before the teardown empties the tables under its queries.
    _until_the_server_is_quiet()


def _until_the_server_is_quiet(seconds: float = 1.0, timeout: float = 30.0):
    from django.db import connection

    if connection.vendor != "postgresql":
        return  # SQLite: the teardown waits on the file lock
    quiet_since, deadline = None, time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND state = 'active'"
            )
            busy = cursor.fetchone()[0]
        now = time.monotonic()
        if busy:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = now
        elif now - quiet_since >= seconds:
            return
        time.sleep(0.05)
