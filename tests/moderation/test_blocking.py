"""Blocking (DESIGN.md, "Chat" and "Moderation and safety"): once either
blocks the other, neither sees the other's posts, responds to them or
messages the other, through the API, the pages and the websocket."""

import uuid

import pytest
from asgiref.sync import sync_to_async
from django.contrib.gis.geos import Point
from django.test import Client

from chat.models import Conversation, Message
from neighbors.models import HelpCategory
from requests_board import services as board
from tests.chat.test_consumer import connect

pytestmark = pytest.mark.django_db(transaction=True)
AROUND = "2.36,48.855,2.38,48.87"


def _ids(page) -> set[int]:
    return {item["id"] for item in page["results"]}


def _map_ids(client) -> set[int]:
    body = client.get("/api/v1/map", {"bbox": AROUND, "zoom": 16}).json()
    return {f["properties"]["id"] for f in body["features"] if f["properties"]["kind"] == "request"}


def test_a_block_separates_two_neighbours_everywhere_until_lifted(api_for, conversation):
    alice, bruno = conversation.requester, conversation.volunteer
    request_id = conversation.request_id
    second = board.help_request_create(
        author=alice,
        title="Une ampoule à changer",
        category=HelpCategory.objects.get(slug="groceries"),
        location=Point(2.371, 48.861, srid=4326),
    )
    offer = board.offer_create(
        volunteer=bruno, categories=HelpCategory.objects.all()[:1], availability="le soir"
    )
    as_alice, as_bruno = api_for(alice), api_for(bruno)
    assert second.pk in _ids(as_bruno.get("/api/v1/requests/nearby").json())
    assert second.pk in _map_ids(as_bruno)
    assert offer.pk in _ids(as_alice.get("/api/v1/offers/nearby").json())

    response = as_alice.post(f"/api/v1/blocks/{bruno.pk}")
    assert response.status_code == 201, response.content
    assert as_alice.post(f"/api/v1/blocks/{bruno.pk}").status_code == 200  # idempotent
    assert as_alice.get("/api/v1/blocks").json() == [
        {"id": bruno.pk, "display_name": bruno.display_name}
    ]

    # Bruno no longer sees Alice's requests: nearby, map points, the page itself.
    assert second.pk not in _ids(as_bruno.get("/api/v1/requests/nearby").json())
    assert second.pk not in _map_ids(as_bruno)
    assert as_bruno.get(f"/api/v1/requests/{second.pk}").status_code == 404
    assert Client().get("/api/v1/map", {"bbox": AROUND, "zoom": 16}).status_code == 200
    assert second.pk in _map_ids(Client())  # everyone else still does
    # ...nor can he respond to them.
    answer = as_bruno.post(
        f"/api/v1/requests/{second.pk}/responses", {"message": "Je passe"}, format="json"
    )
    assert answer.status_code == 404
    # Alice no longer sees Bruno's offer (a block works both ways).
    assert offer.pk not in _ids(as_alice.get("/api/v1/offers/nearby").json())

    # Their conversation is closed for both: no message either way.
    before = Message.objects.count()
    for client in (as_alice, as_bruno):
        sent = client.post(
            f"/api/v1/conversations/{conversation.pk}/messages",
            {"body": "Allô ?", "client_id": str(uuid.uuid4())},
            format="json",
        )
        assert sent.status_code == 403, sent.content
    assert Message.objects.count() == before
    listed = as_bruno.get("/api/v1/conversations").json()
    assert [c["closed"] for c in listed if c["id"] == conversation.pk] == [True]
    # History stays readable.
    history = as_bruno.get(f"/api/v1/conversations/{conversation.pk}/messages")
    assert history.status_code == 200 and history.json()["results"]

    # Lifted: everything comes back.
    assert as_alice.delete(f"/api/v1/blocks/{bruno.pk}").status_code == 204
    assert second.pk in _ids(as_bruno.get("/api/v1/requests/nearby").json())
    sent = as_bruno.post(
        f"/api/v1/conversations/{conversation.pk}/messages",
        {"body": "Merci", "client_id": str(uuid.uuid4())},
        format="json",
    )
    assert sent.status_code == 201
    assert request_id == conversation.request_id


def test_blocks_by_both_sides_need_both_lifted(api_for, conversation):
    alice, bruno = conversation.requester, conversation.volunteer
    api_for(alice).post(f"/api/v1/blocks/{bruno.pk}")
    api_for(bruno).post(f"/api/v1/blocks/{alice.pk}")
    api_for(alice).delete(f"/api/v1/blocks/{bruno.pk}")
    conversation.refresh_from_db()
    assert conversation.closed_at is not None
    api_for(bruno).delete(f"/api/v1/blocks/{alice.pk}")
    conversation.refresh_from_db()
    assert conversation.closed_at is None


def test_blocking_bad_input_is_a_clear_4xx_and_changes_nothing(api_for, conversation, api):
    alice = conversation.requester
    as_alice = api_for(alice)
    assert as_alice.post(f"/api/v1/blocks/{alice.pk}").json()["error"] == "invalid"
    assert as_alice.post(f"/api/v1/blocks/{alice.pk}").status_code == 400
    assert as_alice.post("/api/v1/blocks/999999").status_code == 404
    assert as_alice.post("/api/v1/blocks/abc").status_code == 404
    assert as_alice.delete("/api/v1/blocks/999999").status_code == 404
    assert api.post(f"/api/v1/blocks/{alice.pk}").status_code in (401, 403)
    assert as_alice.get("/api/v1/blocks").json() == []
    assert Conversation.objects.get(pk=conversation.pk).closed_at is None


def test_the_block_button_closes_the_chat_page(conversation):
    alice, bruno = conversation.requester, conversation.volunteer
    browser = Client()
    browser.force_login(bruno)
    page = browser.get(f"/conversations/{conversation.pk}/")
    assert b'id="chat-form"' in page.content
    done = browser.post(
        f"/blocks/{alice.pk}/", {"next": f"/conversations/{conversation.pk}/"}, follow=True
    )
    assert done.status_code == 200
    assert b'id="chat-form"' not in done.content and b'id="chat-closed"' in done.content
    # The plain form (no JavaScript) is refused too, with a message, nothing stored.
    before = Message.objects.count()
    refused = browser.post(
        f"/conversations/{conversation.pk}/", {"body": "Encore moi", "client_id": "x-1"}
    )
    assert refused.status_code == 400 and Message.objects.count() == before
    listed = browser.get("/blocks/")
    assert alice.display_name.encode() in listed.content
    # An outside `next` is not followed.
    away = browser.post(
        f"/blocks/{alice.pk}/", {"action": "unblock", "next": "https://evil.example/"}
    )
    assert away.status_code == 302 and away["Location"] == "/blocks/"
    assert Client().get("/blocks/").status_code == 302  # sign-in first


async def test_the_websocket_refuses_sends_and_typing_across_a_block(conversation):
    alice, bruno = conversation.requester, conversation.volunteer
    socket = await connect(bruno)
    from safety.services import user_block

    await sync_to_async(user_block)(user=alice, other_id=bruno.pk)
    client_id = str(uuid.uuid4())
    await socket.send_json_to(
        {
            "type": "message.send",
            "conversation": conversation.pk,
            "body": "?",
            "client_id": client_id,
        }
    )
    error = await socket.receive_json_from()
    assert error["type"] == "error" and error["code"] == "forbidden"
    assert error["client_id"] == client_id
    await socket.send_json_to({"type": "typing", "conversation": conversation.pk})
    assert (await socket.receive_json_from())["code"] == "forbidden"
    assert not await Message.objects.filter(client_id=client_id).aexists()
    await socket.disconnect()
