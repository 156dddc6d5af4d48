"""Sends committed together (chat.writer, services.messages_store): each
still gets exactly its own answer, and order and idempotency hold."""

import asyncio
import uuid

import pytest
from django.core.exceptions import ValidationError

from chat.models import Message, ReadState
from chat.selectors import ConversationNotFound
from chat.services import Outgoing, RateLimited, messages_store
from tests.chat.test_consumer import connect

pytestmark = pytest.mark.django_db(transaction=True)


def test_one_batch_answers_each_message_on_its_own(conversation, stranger):
    alice, bruno = conversation.requester, conversation.volunteer
    before = Message.objects.count()
    results = messages_store(
        [
            Outgoing(alice, conversation.pk, "un", "a-1"),
            Outgoing(bruno, conversation.pk, "deux", "b-1"),
            Outgoing(alice, conversation.pk, "un (retry)", "a-1"),
            Outgoing(alice, conversation.pk, "   ", "a-2"),
            Outgoing(stranger, conversation.pk, "intrus", "s-1"),
            Outgoing(alice, 10**9, "nowhere", "a-3"),
            Outgoing(alice, "12abc", "bad id", "a-4"),
            Outgoing(alice, conversation.pk, "trois", "a-5"),
        ]
    )
    first, second, retry, blank, intruder, missing, garbled, third = results
    assert first[1] and second[1] and third[1]
    assert first[0].pk < second[0].pk < third[0].pk  # batch order is id order
    assert retry == (first[0], False)  # a retry inside the batch: the same row
    assert isinstance(blank, ValidationError)
    assert isinstance(intruder, ConversationNotFound)
    assert isinstance(missing, ConversationNotFound)
    assert isinstance(garbled, ConversationNotFound)
    assert Message.objects.count() == before + 3
    assert list(
        Message.objects.filter(pk__in=[first[0].pk, second[0].pk, third[0].pk])
        .order_by("pk")
        .values_list("body", flat=True)
    ) == ["un", "deux", "trois"]
    # Each sender has read up to their own last message.
    assert ReadState.objects.get(conversation=conversation, user=alice).last_read_id == third[0].pk

    (again,) = messages_store([Outgoing(alice, conversation.pk, "un", "a-1")])
    assert again == (first[0], False)


def test_the_rate_limit_counts_every_message_of_a_batch(conversation, settings):
    settings.CHAT_MESSAGES_PER_MINUTE = 3
    alice = conversation.requester
    results = messages_store(
        [Outgoing(alice, conversation.pk, f"m{i}", f"r-{i}") for i in range(5)]
    )
    assert [isinstance(r, tuple) for r in results] == [True, True, True, False, False]
    assert all(isinstance(r, RateLimited) for r in results[3:])
    (later,) = messages_store([Outgoing(alice, conversation.pk, "m5", "r-5")])
    assert isinstance(later, RateLimited)


async def test_concurrent_sends_over_websockets_are_each_acked_once_in_order(
    conversation, settings
):
    """Both participants fire 40 messages without waiting: every one is
    acked once with its own client id, stored once, and each side receives
    the other's in the order it sent them."""
    settings.CHAT_MESSAGES_PER_MINUTE = 1000
    alice = await connect(conversation.requester)
    bruno = await connect(conversation.volunteer)
    sent = {alice: [], bruno: []}
    for i in range(40):
        for who in (alice, bruno):
            client_id = str(uuid.uuid4())
            sent[who].append(client_id)
            await who.send_json_to(
                {
                    "type": "message.send",
                    "conversation": conversation.pk,
                    "body": f"n°{i}",
                    "client_id": client_id,
                }
            )

    async def frames(who, count):
        return [await who.receive_json_from(timeout=10) for _ in range(count)]

    # Each side: 40 acks, its own 40 message.new and the other's 40.
    got = dict(
        zip(
            (alice, bruno),
            await asyncio.gather(frames(alice, 120), frames(bruno, 120)),
            strict=True,
        )
    )
    for who, other in ((alice, bruno), (bruno, alice)):
        acks = [f["client_id"] for f in got[who] if f["type"] == "message.ack"]
        assert acks == sent[who]
        news = [f["message"] for f in got[who] if f["type"] == "message.new"]
        assert len({m["id"] for m in news}) == 80
        assert [m["client_id"] for m in news if m["client_id"] in set(sent[other])] == sent[other]
        assert [m["id"] for m in news] == sorted(m["id"] for m in news)
    assert await Message.objects.filter(conversation=conversation).acount() == 81
    await alice.disconnect()
    await bruno.disconnect()


UNSTORABLE = ["nul \x00 inside", "lone \ud800 surrogate", "\udfff"]


def test_an_unstorable_text_fails_alone_in_its_batch(conversation):
    """NUL (PostgreSQL refuses it, outside DatabaseError) or a lone surrogate
    (neither driver can encode it) used to fail the whole batch: now the
    frame that holds it gets a ValidationError, the others are stored."""
    alice, bruno = conversation.requester, conversation.volunteer
    before = Message.objects.count()
    batch = [Outgoing(alice, conversation.pk, "avant", "a-1")]
    for index, text in enumerate(UNSTORABLE):
        batch.append(Outgoing(bruno, conversation.pk, text, f"b-body-{index}"))
        batch.append(Outgoing(bruno, conversation.pk, "corps correct", f"id {text}"))
    batch.append(Outgoing(alice, conversation.pk, "après", "a-2"))
    results = messages_store(batch)
    assert isinstance(results[0], tuple) and isinstance(results[-1], tuple)
    assert all(isinstance(result, ValidationError) for result in results[1:-1])
    assert Message.objects.count() == before + 2


async def test_a_neighbours_nul_frames_never_fail_anothers_sends(conversation):
    """The finding, over websockets: while Bruno sends frames holding NUL or
    lone surrogates, each gets an `invalid` error and his socket stays open;
    Alice's sends in the same moments are all stored and acked."""
    alice = await connect(conversation.requester)
    bruno = await connect(conversation.volunteer)
    good = [str(uuid.uuid4()) for _ in range(5)]
    bad = []
    for index, client_id in enumerate(good):
        await alice.send_json_to(
            {
                "type": "message.send",
                "conversation": conversation.pk,
                "body": f"courses n°{index}",
                "client_id": client_id,
            }
        )
        text = UNSTORABLE[index % len(UNSTORABLE)]
        for body, bad_id in ((text, f"bad-{index}"), ("ok", f"bad-id-{index}-{text}")):
            bad.append(bad_id)
            await bruno.send_json_to(
                {
                    "type": "message.send",
                    "conversation": conversation.pk,
                    "body": body,
                    "client_id": bad_id,
                }
            )

    alice_frames = [await alice.receive_json_from(timeout=10) for _ in range(10)]
    acks = [f["client_id"] for f in alice_frames if f["type"] == "message.ack"]
    assert acks == good
    bruno_frames = [await bruno.receive_json_from(timeout=10) for _ in range(15)]
    errors = [f for f in bruno_frames if f["type"] == "error"]
    assert [f["code"] for f in errors] == ["invalid"] * 10
    assert [f["client_id"] for f in errors] == bad
    assert sum(f["type"] == "message.new" for f in bruno_frames) == 5
    # Still connected: his next, ordinary message goes through.
    await bruno.send_json_to(
        {
            "type": "message.send",
            "conversation": conversation.pk,
            "body": "pardon",
            "client_id": "b",
        }
    )
    frames = [await bruno.receive_json_from(timeout=10) for _ in range(2)]
    assert {f["type"] for f in frames} == {"message.ack", "message.new"}
    assert await Message.objects.filter(conversation=conversation).acount() == 1 + 5 + 1
    await alice.disconnect()
    await bruno.disconnect()


async def test_deeply_nested_json_is_an_error_frame(conversation):
    alice = await connect(conversation.requester)
    await alice.send_to(text_data="[" * 30_000 + "]" * 30_000)
    frame = await alice.receive_json_from(timeout=10)
    assert frame["type"] == "error" and frame["code"] == "bad_json"
    await alice.send_to(
        text_data='{"type": "message.send", "body": ' + "[" * 5000 + "]" * 5000 + "}"
    )
    frame = await alice.receive_json_from(timeout=10)
    assert frame["type"] == "error" and frame["code"] == "bad_json"
    await alice.send_json_to({"type": "sync", "after": 0})
    frames = [await alice.receive_json_from(timeout=10) for _ in range(2)]
    assert frames[-1]["type"] == "sync.done"
    await alice.disconnect()
