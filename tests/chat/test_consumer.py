"""The websocket protocol against the real router and channel layer."""

import json
import uuid

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from chat.models import Message
from chat.tickets import ticket_issue
from config.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)
ORIGIN = (b"origin", b"http://127.0.0.1")


def _cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


async def connect(user):
    cookie = await database_sync_to_async(_cookie)(user)
    communicator = WebsocketCommunicator(application, "/ws/", headers=[ORIGIN, (b"cookie", cookie)])
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def test_send_ack_and_delivery_to_both(conversation):
    alice = await connect(conversation.requester)
    bruno = await connect(conversation.volunteer)
    client_id = str(uuid.uuid4())
    await alice.send_json_to(
        {
            "type": "message.send",
            "conversation": conversation.pk,
            "body": "Merci !",
            "client_id": client_id,
        }
    )
    frames = [await alice.receive_json_from(), await alice.receive_json_from()]
    ack = next(f for f in frames if f["type"] == "message.ack")
    new = next(f for f in frames if f["type"] == "message.new")
    assert ack["client_id"] == client_id and ack["message"]["body"] == "Merci !"
    assert new["message"]["id"] == ack["message"]["id"]
    delivered = await bruno.receive_json_from()
    assert delivered["type"] == "message.new" and delivered["message"]["body"] == "Merci !"

    # A retry with the same client id: the same message, acknowledged, delivered nothing twice.
    await alice.send_json_to(
        {
            "type": "message.send",
            "conversation": conversation.pk,
            "body": "Merci !",
            "client_id": client_id,
        }
    )
    retry = await alice.receive_json_from()
    assert retry["type"] == "message.ack" and retry["message"]["id"] == ack["message"]["id"]
    assert await bruno.receive_nothing()
    assert await database_sync_to_async(Message.objects.filter(client_id=client_id).count)() == 1
    await alice.disconnect()
    await bruno.disconnect()


async def test_sync_read_receipts_and_typing(conversation):
    alice = await connect(conversation.requester)
    bruno = await connect(conversation.volunteer)
    await alice.send_json_to({"type": "sync", "after": 0})
    first = await alice.receive_json_from()
    assert first["type"] == "message.new" and first["message"]["body"] == "Je peux passer à 10 h"
    done = await alice.receive_json_from()
    assert done == {"type": "sync.done", "last": first["message"]["id"]}

    await alice.send_json_to(
        {"type": "message.read", "conversation": conversation.pk, "up_to": done["last"]}
    )
    receipt = await bruno.receive_json_from()
    assert receipt == {
        "type": "message.read",
        "conversation": conversation.pk,
        "reader": conversation.requester_id,
        "up_to": done["last"],
    }
    await alice.receive_json_from()  # her own receipt, for her other devices

    await bruno.send_json_to({"type": "typing", "conversation": conversation.pk})
    assert await alice.receive_json_from() == {
        "type": "typing",
        "conversation": conversation.pk,
        "user": conversation.volunteer_id,
    }
    assert await bruno.receive_nothing()
    await alice.disconnect()
    await bruno.disconnect()


async def test_errors_never_crash_the_socket(conversation, stranger):
    alice = await connect(conversation.requester)
    intruder = await connect(stranger)
    cases = [
        ("{oops", "bad_json"),
        ("[1, 2]", "bad_frame"),
        (json.dumps({"type": "nonsense"}), "unknown_type"),
        (
            json.dumps(
                {"type": "message.send", "conversation": 999999, "body": "x", "client_id": "a"}
            ),
            "not_found",
        ),
        (
            json.dumps(
                {
                    "type": "message.send",
                    "conversation": conversation.pk,
                    "body": "",
                    "client_id": "b",
                }
            ),
            "invalid",
        ),
        (
            json.dumps(
                {
                    "type": "message.send",
                    "conversation": conversation.pk,
                    "body": "x" * 2001,
                    "client_id": "c",
                }
            ),
            "invalid",
        ),
        (
            json.dumps({"type": "message.send", "conversation": conversation.pk, "body": "x"}),
            "invalid",
        ),
        (
            json.dumps(
                {"type": "message.send", "conversation": "1; DROP", "body": "x", "client_id": "d"}
            ),
            "not_found",
        ),
        (json.dumps({"type": "sync", "after": -1}), "invalid"),
        (json.dumps({"type": "sync", "after": "x"}), "invalid"),
        (json.dumps({"type": "typing", "conversation": "1"}), "not_found"),
        (
            json.dumps({"type": "message.read", "conversation": conversation.pk, "up_to": "x"}),
            "invalid",
        ),
    ]
    for frame, code in cases:
        await alice.send_to(text_data=frame)
        answer = await alice.receive_json_from()
        assert answer["type"] == "error" and answer["code"] == code, (frame, answer)
    # A stranger gets the same answer for a forbidden conversation as for a missing one.
    for conversation_id in (conversation.pk, 999999):
        await intruder.send_json_to(
            {
                "type": "message.send",
                "conversation": conversation_id,
                "body": "hi",
                "client_id": str(conversation_id),
            }
        )
        answer = await intruder.receive_json_from()
        assert (answer["code"], answer["detail"]) == ("not_found", "No such conversation.")
    await intruder.send_json_to({"type": "typing", "conversation": conversation.pk})
    assert (await intruder.receive_json_from())["code"] == "not_found"
    await intruder.send_json_to({"type": "sync", "after": 0})
    assert await intruder.receive_json_from() == {"type": "sync.done", "last": 0}
    assert await database_sync_to_async(Message.objects.count)() == 1
    await alice.disconnect()
    await intruder.disconnect()


async def test_ticket_auth_is_single_use(conversation):
    ticket = await database_sync_to_async(ticket_issue)(user=conversation.requester)
    communicator = WebsocketCommunicator(application, f"/ws/?ticket={ticket}", headers=[ORIGIN])
    connected, _ = await communicator.connect()
    assert connected
    await communicator.send_json_to({"type": "sync", "after": 0})
    assert (await communicator.receive_json_from())["type"] == "message.new"
    await communicator.disconnect()

    again = WebsocketCommunicator(application, f"/ws/?ticket={ticket}", headers=[ORIGIN])
    await again.connect()
    assert await again.receive_output() == {"type": "websocket.close", "code": 4401}
    await again.disconnect()


async def test_rate_limit_is_an_error_frame(conversation, settings):
    settings.CHAT_MESSAGES_PER_MINUTE = 2
    alice = await connect(conversation.requester)
    codes = []
    for i in range(4):
        await alice.send_json_to(
            {
                "type": "message.send",
                "conversation": conversation.pk,
                "body": f"m{i}",
                "client_id": f"r{i}",
            }
        )
        frame = await alice.receive_json_from()
        if frame["type"] == "message.new":
            frame = await alice.receive_json_from()
        codes.append(frame["type"] if frame["type"] != "error" else frame["code"])
    assert codes == ["message.ack", "message.ack", "rate_limited", "rate_limited"]
    await alice.disconnect()


async def test_a_reader_too_slow_is_closed_with_4408(conversation):
    """The layer replaces a backlog by one overflow event; the consumer closes
    with 4408 and the client resyncs."""
    from channels.layers import get_channel_layer

    from realtime.events import user_group

    alice = await connect(conversation.requester)
    await get_channel_layer().group_send(
        user_group(conversation.requester_id), {"type": "layer.overflow"}
    )
    assert await alice.receive_output() == {"type": "websocket.close", "code": 4408}
    await alice.disconnect()


async def test_ids_out_of_any_range_get_an_error_frame_and_spare_the_batch(conversation):
    """`Infinity`, huge numbers or floats as ids: an error for that frame only;
    a good message sent at the same time is stored and acked."""
    alice = await connect(conversation.requester)
    await alice.send_to(
        text_data='{"type": "message.send", "conversation": Infinity, "body": "x", "client_id": "inf"}'
    )
    await alice.send_json_to(
        {"type": "message.send", "conversation": 10**30, "body": "x", "client_id": "huge"}
    )
    await alice.send_json_to(
        {"type": "message.send", "conversation": conversation.pk, "body": "ok", "client_id": "good"}
    )
    await alice.send_to(text_data='{"type": "typing", "conversation": Infinity}')
    await alice.send_json_to(
        {"type": "message.read", "conversation": conversation.pk, "up_to": 10**30}
    )
    await alice.send_json_to({"type": "sync", "after": 10**30})
    frames = [await alice.receive_json_from() for _ in range(7)]
    errors = {(f.get("client_id"), f["code"]) for f in frames if f["type"] == "error"}
    assert {
        ("inf", "not_found"),
        ("huge", "not_found"),
        (None, "not_found"),
        (None, "invalid"),
    } <= errors
    assert [f["client_id"] for f in frames if f["type"] == "message.ack"] == ["good"]
    assert await Message.objects.filter(client_id="good").aexists()
    await alice.disconnect()


async def test_presence_frames_say_which_conversation_is_on_screen(conversation, stranger):
    from realtime.presence import on_screen

    alice = await connect(conversation.requester)
    phone = await connect(conversation.requester)
    me, here = conversation.requester_id, conversation.pk
    await alice.send_json_to({"type": "presence", "conversation": here})
    await alice.send_json_to({"type": "sync", "after": 10**12})  # a frame after it: it is done
    assert (await alice.receive_json_from())["type"] == "sync.done"
    assert await database_sync_to_async(on_screen)(me, here)

    # Her phone leaves it; the laptop still shows it.
    await phone.send_json_to({"type": "presence", "conversation": None})
    await phone.send_json_to({"type": "sync", "after": 10**12})
    await phone.receive_json_from()
    assert await database_sync_to_async(on_screen)(me, here)
    # The laptop leaves, or closes: nothing on screen.
    await alice.disconnect()
    assert not await database_sync_to_async(on_screen)(me, here)

    # Someone else's conversation, or nonsense: an error frame, and nothing stored.
    sam = await connect(stranger)
    for bad in (here, "12", [here], True, -1):
        await sam.send_json_to({"type": "presence", "conversation": bad})
        assert (await sam.receive_json_from())["code"] == "not_found"
    assert not await database_sync_to_async(on_screen)(stranger.pk, here)
    await phone.disconnect()
    await sam.disconnect()
