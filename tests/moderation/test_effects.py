"""What moderators' decisions change, on every surface: the map, the lists,
the API, the pages, the chat history and the websocket."""

import uuid
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.contrib.gis.geos import Point
from django.test import Client
from django.utils import timezone

from chat.models import Message
from moderation import services as moderation
from moderation.models import Report
from neighbors.models import HelpCategory, User
from requests_board import services as board
from tests.chat.test_consumer import connect

pytestmark = pytest.mark.django_db(transaction=True)
AROUND = {"bbox": "2.36,48.855,2.38,48.87", "zoom": 16}


def _act(moderator, target_type, target_id, action, **extra):
    report = Report.objects.create(
        reporter=None, target_type=target_type, target_id=target_id, reason="other"
    )
    return moderation.moderation_act(
        moderator=moderator, report_id=report.pk, action=action, reason="Test reason", **extra
    )


def _nearby_ids(client, kind="requests") -> set[int]:
    return {item["id"] for item in client.get(f"/api/v1/{kind}/nearby").json()["results"]}


def _map_ids(client, kind) -> set[int]:
    features = client.get("/api/v1/map", AROUND).json()["features"]
    return {f["properties"]["id"] for f in features if f["properties"]["kind"] == kind}


@pytest.fixture
def admin(db):
    return User.objects.create_superuser(
        email="admin@example.org", password="x" * 12, display_name="Admin"
    )


def test_a_hidden_request_leaves_every_surface_until_restored(api_for, conversation, admin):
    alice, bruno = conversation.requester, conversation.volunteer
    request = conversation.request
    as_bruno = api_for(bruno)
    anonymous = Client()
    assert request.pk in _nearby_ids(as_bruno) and request.pk in _map_ids(anonymous, "request")

    _act(admin, "request", request.pk, "hide")
    assert request.pk not in _nearby_ids(as_bruno)
    assert request.pk not in _map_ids(anonymous, "request")
    assert as_bruno.get(f"/api/v1/requests/{request.pk}").status_code == 404
    assert anonymous.get(f"/requests/{request.pk}/").status_code == 404
    assert f"/requests/{request.pk}/".encode() not in anonymous.get("/").content
    # Its author still sees it, and is told why.
    page = Client()
    page.force_login(alice)
    own = page.get(f"/requests/{request.pk}/")
    assert own.status_code == 200 and b"moderation-decisions" in own.content

    _act(admin, "request", request.pk, "restore")
    assert request.pk in _nearby_ids(as_bruno) and request.pk in _map_ids(anonymous, "request")


def test_a_hidden_offer_leaves_the_lists_and_the_map(api_for, conversation, admin):
    alice, bruno = conversation.requester, conversation.volunteer
    offer = board.offer_create(volunteer=bruno, categories=HelpCategory.objects.all()[:1])
    assert offer.pk in _nearby_ids(api_for(alice), "offers")
    assert offer.pk in _map_ids(Client(), "offer")
    _act(admin, "offer", offer.pk, "hide")
    assert offer.pk not in _nearby_ids(api_for(alice), "offers")
    assert offer.pk not in _map_ids(Client(), "offer")


async def test_a_hidden_message_reads_removed_by_moderation_everywhere(conversation, admin):
    message = await Message.objects.filter(conversation=conversation).afirst()
    await sync_to_async(_act)(admin, "message", message.pk, "hide")
    socket = await connect(conversation.requester)
    await socket.send_json_to({"type": "sync", "after": 0})
    frame = await socket.receive_json_from()
    assert frame["message"]["id"] == message.pk
    assert frame["message"]["hidden"] is True and frame["message"]["body"] == ""
    await socket.disconnect()

    def page():
        browser = Client(headers={"accept-language": "en"})
        browser.force_login(conversation.requester)
        return browser.get(f"/conversations/{conversation.pk}/").content.decode()

    content = await sync_to_async(page)()
    assert "Removed by moderation" in content
    assert message.body not in content


def test_a_suspended_user_can_read_but_not_post_respond_or_write(api_for, conversation, admin):
    alice, bruno = conversation.requester, conversation.volunteer
    category = HelpCategory.objects.first()
    bruno_request = board.help_request_create(
        author=bruno, title="Porter un carton", category=category, location=Point(2.37, 48.8651)
    )
    other = board.help_request_create(
        author=alice, title="Arroser", category=category, location=Point(2.3701, 48.8601)
    )
    as_alice, as_bruno = api_for(alice), api_for(bruno)
    assert bruno_request.pk in _nearby_ids(as_alice)

    _act(admin, "user", bruno.pk, "suspend", days=7)
    # His open requests are out of sight.
    assert bruno_request.pk not in _nearby_ids(as_alice)
    assert bruno_request.pk not in _map_ids(Client(), "request")
    # API: no post, no response, no message; reading still works.
    posted = as_bruno.post(
        "/api/v1/requests",
        {"title": "Encore", "category": category.slug, "location": {"lat": 48.865, "lng": 2.37}},
        format="json",
    )
    assert posted.status_code == 403 and "suspended" in posted.json()["detail"]
    responded = as_bruno.post(
        f"/api/v1/requests/{other.pk}/responses", {"message": "Moi !"}, format="json"
    )
    assert responded.status_code == 403
    sent = as_bruno.post(
        f"/api/v1/conversations/{conversation.pk}/messages",
        {"body": "Coucou", "client_id": str(uuid.uuid4())},
        format="json",
    )
    assert sent.status_code == 403
    assert as_bruno.get("/api/v1/conversations").status_code == 200
    # Pages: the form says why, nothing is stored.
    browser = Client(headers={"accept-language": "en"})
    browser.force_login(bruno)
    form = browser.post(
        "/requests/new/",
        {
            "title": "Encore",
            "category": category.slug,
            "urgency": "normal",
            "lat": "48.865",
            "lng": "2.37",
        },
    )
    assert form.status_code == 400 and "suspended" in form.content.decode()
    assert not bruno.help_requests.filter(title="Encore").exists()
    # The statement of reasons is there for him.
    (statement,) = as_bruno.get("/api/v1/me/statements").json()
    assert statement["action"] == "suspend" and statement["until"]

    # Once the suspension is over, everything comes back.
    User.objects.filter(pk=bruno.pk).update(suspended_until=timezone.now() - timedelta(seconds=1))
    assert bruno_request.pk in _nearby_ids(as_alice)
    assert (
        as_bruno.post(
            f"/api/v1/requests/{other.pk}/responses", {"message": "Moi !"}, format="json"
        ).status_code
        == 201
    )


async def test_a_banned_user_is_refused_on_the_websocket(conversation, admin):
    socket = await connect(conversation.volunteer)
    await sync_to_async(_act)(admin, "user", conversation.volunteer_id, "ban")
    # He is told at once, over the same socket.
    notice = await socket.receive_json_from()
    assert notice == {
        "type": "notification",
        "notification": {"kind": "moderation", "request": None},
    }
    client_id = str(uuid.uuid4())
    await socket.send_json_to(
        {
            "type": "message.send",
            "conversation": conversation.pk,
            "body": "?",
            "client_id": client_id,
        }
    )
    frame = await socket.receive_json_from()
    assert frame["type"] == "error" and frame["code"] == "forbidden"
    assert "banned" in frame["detail"] or "bloqué" in frame["detail"] or "banni" in frame["detail"]
    assert not await Message.objects.filter(client_id=client_id).aexists()
    await socket.disconnect()


def test_the_map_counts_stay_right_when_hidden_posts_close_or_come_back(conversation, admin):
    from requests_board.models import MapCell

    request = conversation.request

    def count():
        return sum(MapCell.objects.filter(kind="request", level=16).values_list("count", flat=True))

    assert count() == 1
    _act(admin, "request", request.pk, "hide")
    assert count() == 0
    board.help_request_cancel(request=request, user=conversation.requester)
    assert count() == 0  # not -1: it had left the map when it was hidden
    _act(admin, "request", request.pk, "restore")
    assert count() == 0  # restored, but cancelled: still not on the map


def test_dismissing_a_later_report_keeps_a_moderators_hiding(conversation, admin):
    message = Message.objects.filter(conversation=conversation).first()
    _act(admin, "message", message.pk, "hide")
    _act(admin, "message", message.pk, "dismiss")
    message.refresh_from_db()
    assert message.hidden is True
