"""A volunteer's response is the conversation's first message, and it leaves
the server like every other message (issue 11, item 5): after its commit,
and, on PostgreSQL, while the conversation's order lock is held, so that a
reply on another worker cannot be published before it. Through the real
channel layer: Redis on the PostGIS suite, the in-process one otherwise."""

import asyncio
import json

import pytest
import websockets
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import connection

from chat import services as chat_services
from chat.models import Message
from neighbors.categories import categories_ensure
from neighbors.models import HelpCategory
from realtime.events import user_group
from requests_board import services
from tests.chat.conftest import alice_asks_near_bruno, alice_asks_through_the_api
from tests.live import Api, receive_until

ORIGIN = "http://127.0.0.1"


def _writer_state(message: dict) -> dict:
    """Seen from the connection that stored `message`, as it publishes."""
    state = {
        "in_transaction": connection.in_atomic_block,
        "stored": Message.objects.filter(pk=message["id"]).exists(),
    }
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                " AND pid = pg_backend_pid() AND classid = %s AND objid = %s",
                [chat_services._SEQUENCE_KEY, message["conversation"]],
            )
            state["order_lock_held"] = cursor.fetchone()[0] == 1
    return state


@pytest.mark.django_db(transaction=True)
async def test_the_first_message_is_published_after_commit_and_in_order(monkeypatch):
    alice, bruno, request = await sync_to_async(alice_asks_near_bruno)()
    layer = get_channel_layer()
    alice_channel = await layer.new_channel()
    await layer.group_add(user_group(alice.pk), alice_channel)

    published = []
    real_send = layer.group_send_many

    async def watched(sends):
        for _group, event in sends:
            if event["type"] == "chat.message":
                # Thread-sensitive: runs on the writer's thread, its connection.
                published.append(await sync_to_async(_writer_state)(event["message"]))
        await real_send(sends)

    monkeypatch.setattr(layer, "group_send_many", watched)
    try:
        response = await sync_to_async(services.help_request_respond)(
            request=request, volunteer=bruno, message="Je peux passer à 10 h"
        )

        async def first_chat_event():
            while True:
                event = await layer.receive(alice_channel)
                if event["type"] == "chat.message":
                    return event["message"]

        received = await asyncio.wait_for(first_chat_event(), timeout=10)
    finally:
        await layer.group_discard(user_group(alice.pk), alice_channel)

    first = await sync_to_async(Message.objects.get)(client_id=f"response-{response.pk}")
    assert (received["id"], received["body"]) == (first.pk, "Je peux passer à 10 h")
    expected = {"in_transaction": False, "stored": True}
    if connection.vendor == "postgresql":
        expected["order_lock_held"] = True
    # Alice's and Bruno's groups: one publish of the first message for both.
    assert published == [expected, expected]


def test_a_live_requester_hears_the_first_message_once_it_is_stored(transactional_db, asgi_server):
    """End to end on a real server: the requester's socket gets the first
    message as soon as it is committed, then the reply after it, in order."""
    categories_ensure(HelpCategory)
    alice, bruno, request = alice_asks_through_the_api(Api(asgi_server))

    async def scenario():
        async with websockets.connect(alice.ws_url(), origin=ORIGIN) as ws:
            await ws.send(json.dumps({"type": "sync", "after": 0}))
            await receive_until(ws, lambda f: f["type"] == "sync.done")
            status, body = await asyncio.to_thread(
                bruno.call,
                "POST",
                f"/api/v1/requests/{request['id']}/responses",
                {"message": "Je peux"},
            )
            assert status == 201, body
            new = await receive_until(ws, lambda f: f["type"] == "message.new")
            # Committed before it was sent: this process, on its own
            # connection, finds it.
            stored = await sync_to_async(Message.objects.get)(pk=new["message"]["id"])
            assert (stored.body, new["message"]["body"]) == ("Je peux", "Je peux")
            await ws.send(
                json.dumps(
                    {
                        "type": "message.send",
                        "conversation": new["message"]["conversation"],
                        "body": "Merci !",
                        "client_id": "reply-1",
                    }
                )
            )
            ack = await receive_until(ws, lambda f: f["type"] == "message.ack")
            assert ack["message"]["id"] > new["message"]["id"]

    asyncio.run(scenario())
