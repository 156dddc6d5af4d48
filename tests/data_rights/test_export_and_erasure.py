"""Export and erasure (issue: data rights): the export has all and only the
user's data; after erasure nothing of them remains but the anonymous audit
trail, and the other person's views keep working."""

import json
import uuid

import pytest
from django.apps import apps
from django.contrib.gis.db.models import PointField
from django.db import models
from django.test import Client

from chat.models import Conversation, Message
from moderation.models import Report
from neighbors.models import User
from requests_board.models import FollowUp, HelpRequest
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_export_holds_all_and_only_the_users_data(api_for, done_request):
    alice, bruno = done_request.author, done_request.helper
    api_for(alice).post(
        "/api/v1/reports",
        {"target_type": "user", "target_id": bruno.pk, "reason": "other", "details": "test"},
        format="json",
    )
    response = api_for(alice).get("/api/v1/me/export")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = response.json()
    assert data["profile"]["email"] == "alice@example.org"
    assert data["profile"]["home"] == {"lat": alice.home.y, "lng": alice.home.x}
    (request,) = data["requests"]
    assert request["id"] == done_request.pk
    assert request["location"] == {"lat": 48.86012, "lng": 2.37011}
    assert [m["body"] for m in data["messages_sent"]] == ["Merci Bruno !"]
    assert [r["reason"] for r in data["reports_filed"]] == ["other"]
    assert {n["kind"] for n in data["notifications"]} >= {"new_response", "follow_up"}
    assert [f["role"] for f in data["follow_ups"]] == ["requester"]
    # Nothing of Bruno's beyond his id where Alice could see it.
    text = json.dumps(data)
    assert "bruno@example.org" not in text and "J'arrive à 10 h" not in text
    assert str(bruno.home.y) not in text
    # The page offers the same download.
    browser = Client()
    browser.force_login(alice)
    page = browser.get("/account/export/")
    assert page.status_code == 200 and json.loads(page.content)["profile"]["id"] == alice.pk


def _texts_mentioning(*needles) -> list[str]:
    """Every stored text field, in every model, that contains a needle."""
    found = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not isinstance(field, models.CharField | models.TextField | models.JSONField):
                continue
            if not getattr(field, "concrete", False) or field.model is not model:
                continue
            for needle in needles:
                if model._default_manager.filter(**{f"{field.name}__icontains": needle}).exists():
                    found.append(f"{model._meta.label}.{field.name} has {needle!r}")
    return found


def _points_at(point) -> list[str]:
    found = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, PointField) and field.model is model:
                if model._default_manager.filter(**{f"{field.name}__equals": point}).exists():
                    found.append(f"{model._meta.label}.{field.name}")
    return found


def test_erasure_leaves_nothing_of_the_user_and_the_others_keep_working(api_for, done_request):
    alice, bruno = done_request.author, done_request.helper
    home, meeting = alice.home, done_request.location
    conversation = Conversation.objects.get(request=done_request)
    api_for(alice).post(
        "/api/v1/reports",
        {"target_type": "user", "target_id": bruno.pk, "reason": "spam"},
        format="json",
    )
    FollowUp.objects.filter(user=alice).update(score=5)
    as_alice = api_for(alice)

    refused = as_alice.delete("/api/v1/me", {"password": "not it"}, format="json")
    assert refused.status_code == 400 and User.objects.filter(pk=alice.pk).exists()
    assert as_alice.delete("/api/v1/me", {}, format="json").status_code == 400

    assert as_alice.delete("/api/v1/me", {"password": PASSWORD}, format="json").status_code == 204
    assert not User.objects.filter(pk=alice.pk).exists()
    assert (
        _texts_mentioning("alice@example.org", "Alice Erasable", "Merci Bruno", "Trois sacs") == []
    )
    assert _points_at(home) == [] and _points_at(meeting) == []
    # What stays is anonymous: the report, the follow-up score, the request's row.
    report = Report.objects.get(reason="spam")
    assert report.reporter_id is None
    assert FollowUp.objects.get(request=done_request, role="requester").user_id is None
    anonymous = HelpRequest.objects.get(pk=done_request.pk)
    assert anonymous.author_id is None and anonymous.title == "" and anonymous.exact_deleted
    message = Message.objects.get(conversation=conversation, client_id="a-1")
    assert message.sender_id is None and message.body == ""

    # Bruno's side still works, and says what happened.
    as_bruno = api_for(bruno)
    (listed,) = as_bruno.get("/api/v1/conversations").json()
    assert listed["other"] == {"id": None, "display_name": "Deleted account"}
    history = as_bruno.get(f"/api/v1/conversations/{conversation.pk}/messages").json()
    assert [m["sender"] for m in history["results"]] == [bruno.pk, None]
    sent = as_bruno.post(
        f"/api/v1/conversations/{conversation.pk}/messages",
        {"body": "Allô ?", "client_id": str(uuid.uuid4())},
        format="json",
    )
    assert sent.status_code == 403
    page = Client(headers={"accept-language": "en"})
    page.force_login(bruno)
    chat = page.get(f"/conversations/{conversation.pk}/")
    assert chat.status_code == 200 and "Deleted account" in chat.content.decode()
    assert page.get("/conversations/").status_code == 200
    # The helper can still open the request's (now anonymous) page.
    assert page.get(f"/requests/{done_request.pk}/").status_code == 200
    detail = as_bruno.get(f"/api/v1/requests/{done_request.pk}")
    assert detail.status_code == 200 and detail.json()["author"] is None
    assert "location" not in detail.json()
    assert api_for(bruno).get("/api/v1/impact").status_code == 200
    # Bruno reports what is left of the message: the queue shows it.
    from django.core.management import call_command

    call_command("moderator", "add", bruno.email)
    as_bruno.post(
        "/api/v1/reports",
        {"target_type": "message", "target_id": message.pk, "reason": "other"},
        format="json",
    )
    queue = as_bruno.get("/api/v1/moderation/reports")
    assert queue.status_code == 200, queue.content
    entry = next(e for e in queue.json() if e["target_type"] == "message")
    assert entry["messages"][1]["sender"] == "Deleted account" and entry["author"] is None
    assert Client(headers={"accept-language": "en"}).get("/moderation/").status_code == 302
    moderator_page = Client(headers={"accept-language": "en"})
    moderator_page.force_login(bruno)
    assert moderator_page.get("/moderation/").status_code == 200
    assert Client().get("/impact/").status_code == 200


def test_the_delete_page_asks_for_the_password(done_request):
    alice = done_request.author
    browser = Client(headers={"accept-language": "en"})
    browser.force_login(alice)
    assert browser.get("/account/delete/").status_code == 200
    wrong = browser.post("/account/delete/", {"password": "nope"})
    assert wrong.status_code == 400 and "not right" in wrong.content.decode()
    assert User.objects.filter(pk=alice.pk).exists()
    done = browser.post("/account/delete/", {"password": PASSWORD})
    assert done.status_code == 302
    assert not User.objects.filter(pk=alice.pk).exists()
    assert browser.get("/profile/").status_code == 302  # signed out
