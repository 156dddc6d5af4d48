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
