"""Reports, the zone moderators' queue, actions and the audit log
(DESIGN.md, "Moderation and safety"), through the API."""

import io

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.core.management import CommandError, call_command

from chat.models import Message
from geo.models import Zone
from geo.points import lat_lng
from moderation.models import AppendOnly, ModerationAction, Moderator, Report
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _first_message(conversation) -> Message:
    return Message.objects.filter(conversation=conversation).order_by("id").first()


def test_a_reported_message_goes_to_its_zone_moderator_and_nowhere_else(
    api_for, conversation, moderators
):
    """The issue's "done when", through the API: A reports B's message; the
    zone moderator (made with the command) sees it with context and hides
    it with a reason; A sees the outcome, B the statement of reasons, the
    message is gone from A's history, the log shows the action; the
    moderator of another zone sees nothing of it."""
    alice, bruno = conversation.requester, conversation.volunteer
    message = _first_message(conversation)
    assert message.sender_id == bruno.pk
    as_alice, as_bruno = api_for(alice), api_for(bruno)
    as_modo, as_lyon = api_for(moderators["paris"]), api_for(moderators["lyon"])

    filed = as_alice.post(
        "/api/v1/reports",
        {
            "target_type": "message",
            "target_id": message.pk,
            "reason": "harassment",
            "details": "Il insiste pour avoir mon adresse.",
        },
        format="json",
    )
    assert filed.status_code == 201, filed.content
    report_id = filed.json()["id"]
    assert filed.json()["status"] == "open"
    # One open report per reporter and target: again gives the same one.
    again = as_alice.post(
        "/api/v1/reports",
        {"target_type": "message", "target_id": message.pk, "reason": "spam"},
        format="json",
    )
    assert again.status_code == 200 and again.json()["id"] == report_id

    queue = as_modo.get("/api/v1/moderation/reports")
    assert queue.status_code == 200
    (entry,) = queue.json()
    assert entry["id"] == report_id and entry["zone"] == "Paris 11"
    assert entry["reporters"] == 1 and entry["reasons"] == {"harassment": 1}
    assert entry["details"] == ["Il insiste pour avoir mon adresse."]
    assert entry["content"]["body"] == message.body
    assert [m["reported"] for m in entry["messages"]] == [True]
    assert entry["author"]["id"] == bruno.pk
    # The public point, never the exact one.
    request = conversation.request
    assert entry["public_location"] == lat_lng(request.public_location)
    assert entry["public_location"] != lat_lng(request.location)

    # Another zone's moderator sees nothing and cannot act.
    assert as_lyon.get("/api/v1/moderation/reports").json() == []
    refused = as_lyon.post(
        f"/api/v1/moderation/reports/{report_id}/actions",
        {"action": "dismiss", "reason": "Rien à voir"},
        format="json",
    )
    assert refused.status_code == 404

    acted = as_modo.post(
        f"/api/v1/moderation/reports/{report_id}/actions",
        {"action": "hide", "reason": "Insistance pour obtenir une adresse : harcèlement."},
        format="json",
    )
    assert acted.status_code == 201, acted.content
    assert acted.json()["action"] == "hide" and acted.json()["moderator"] == "Modo Paris"

    # A: the outcome; the message is gone from her history.
    (mine,) = as_alice.get("/api/v1/reports").json()
    assert mine["status"] == "closed" and mine["outcome"] == "hide"
    history = as_alice.get(f"/api/v1/conversations/{conversation.pk}/messages").json()
    shown = next(m for m in history["results"] if m["id"] == message.pk)
    assert shown["hidden"] is True and shown["body"] == ""
    # B: the statement of reasons.
    (statement,) = as_bruno.get("/api/v1/me/statements").json()
    assert statement["action"] == "hide"
    assert statement["reason"] == "Insistance pour obtenir une adresse : harcèlement."
    assert set(as_bruno.get("/api/v1/me/statements").json()[0]) >= {
        "action",
        "reason",
        "created_at",
        "target_type",
    }
    # The log has it; the queue no longer does.
    (logged,) = as_modo.get("/api/v1/moderation/log").json()
    assert logged["target_type"] == "message" and logged["target_id"] == message.pk
    assert logged["report"] == report_id and logged["zone"] == "Paris 11"
    assert as_modo.get("/api/v1/moderation/reports").json() == []
    assert as_lyon.get("/api/v1/moderation/log").json() == []


def test_non_moderators_get_403_and_the_queue_pages_refuse_them(api_for, conversation):
    as_alice = api_for(conversation.requester)
    assert as_alice.get("/api/v1/moderation/reports").status_code == 403
    assert as_alice.get("/api/v1/moderation/log").status_code == 403
    denied = as_alice.post(
        "/api/v1/moderation/reports/1/actions", {"action": "hide", "reason": "x"}, format="json"
    )
    assert denied.status_code == 403
    from django.test import Client

    browser = Client()
    browser.force_login(conversation.requester)
    assert browser.get("/moderation/").status_code == 403
    assert browser.get("/moderation/log/").status_code == 403


def test_reports_are_checked_and_refused_without_changing_anything(api_for, conversation, stranger):
    alice, bruno = conversation.requester, conversation.volunteer
    message = _first_message(conversation)
    as_alice = api_for(alice)
    cases = [
        ({"target_type": "planet", "target_id": 1, "reason": "spam"}, 400),
        ({"target_type": "message", "target_id": message.pk, "reason": "boring"}, 400),
        ({"target_type": "message", "target_id": "x", "reason": "spam"}, 400),
        ({"target_type": "message", "target_id": 10**9, "reason": "spam"}, 404),
        ({"target_type": "user", "target_id": alice.pk, "reason": "spam"}, 400),  # oneself
        ({"target_type": "message", "target_id": message.pk, "reason": "spam", "x": 1}, 400),
        (
            {
                "target_type": "message",
                "target_id": message.pk,
                "reason": "spam",
                "details": "é" * 2001,
            },
            400,
        ),
    ]
    for body, expected in cases:
        response = as_alice.post("/api/v1/reports", body, format="json")
        assert response.status_code == expected, (body, response.content)
    # A stranger cannot report a message of a conversation they are not in.
    response = api_for(stranger).post(
        "/api/v1/reports",
        {"target_type": "message", "target_id": message.pk, "reason": "spam"},
        format="json",
    )
    assert response.status_code == 404
    assert Report.objects.count() == 0
    assert bruno.pk  # untouched


def test_content_reported_by_k_people_is_hidden_until_reviewed(
    api_for, conversation, moderators, settings
):
    from tests.factories import resident_at

    settings.MODERATION_HIDE_AFTER_REPORTS = 2
    request = conversation.request
    reporters = [resident_at(48.861, 2.371, display_name=f"Voisin {i}") for i in range(2)]
    api_for(reporters[0]).post(
        "/api/v1/reports",
        {"target_type": "request", "target_id": request.pk, "reason": "scam"},
        format="json",
    )
    assert api_for(reporters[1]).get(f"/api/v1/requests/{request.pk}").status_code == 200
    api_for(reporters[1]).post(
        "/api/v1/reports",
        {"target_type": "request", "target_id": request.pk, "reason": "scam"},
        format="json",
    )
    # Hidden for everyone but its author, and written to the log as automatic.
    assert api_for(reporters[0]).get(f"/api/v1/requests/{request.pk}").status_code == 404
    assert api_for(conversation.requester).get(f"/api/v1/requests/{request.pk}").status_code == 200
    auto = ModerationAction.objects.get()
    assert auto.moderator is None and auto.moderator_name == "automatic"
    # The moderator dismisses the reports: it is back.
    (entry,) = api_for(moderators["paris"]).get("/api/v1/moderation/reports").json()
    assert entry["reporters"] == 2 and entry["content"]["hidden"] is True
    api_for(moderators["paris"]).post(
        f"/api/v1/moderation/reports/{entry['id']}/actions",
        {"action": "dismiss", "reason": "Demande légitime."},
        format="json",
    )
    assert api_for(reporters[0]).get(f"/api/v1/requests/{request.pk}").status_code == 200
    assert set(Report.objects.values_list("outcome", flat=True)) == {"dismiss"}


def test_a_report_is_stored_when_redis_is_down(api_for, conversation, settings):
    """Reports only need the database: with the cache (Redis) unreachable the
    rate limit fails open and the report is stored."""
    from tests.live import free_port

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
    response = api_for(conversation.requester).post(
        "/api/v1/reports",
        {"target_type": "user", "target_id": conversation.volunteer_id, "reason": "unsafe"},
        format="json",
    )
    assert response.status_code == 201
    assert Report.objects.filter(reason="unsafe").count() == 1


def test_the_audit_log_is_complete_and_append_only(api_for, conversation, moderators):
    """Every action writes one row saying who, what, on what, why and when;
    rows can be neither changed nor deleted."""
    as_alice = api_for(conversation.requester)
    as_modo = api_for(moderators["paris"])
    bruno = conversation.volunteer
    steps = [
        ("warn", {}),
        ("suspend", {"days": 3}),
        ("ban", {}),
    ]
    for action, extra in steps:
        report = as_alice.post(
            "/api/v1/reports",
            {"target_type": "user", "target_id": bruno.pk, "reason": "harassment"},
            format="json",
        ).json()
        response = as_modo.post(
            f"/api/v1/moderation/reports/{report['id']}/actions",
            {"action": action, "reason": f"Reason for {action}", **extra},
            format="json",
        )
        assert response.status_code == 201, response.content
    rows = list(ModerationAction.objects.order_by("id"))
    assert [r.action for r in rows] == ["warn", "suspend", "ban"]
    for row in rows:
        assert row.moderator_id == moderators["paris"].pk and row.moderator_name == "Modo Paris"
        assert row.target_type == "user" and row.target_id == bruno.pk
        assert row.target_user_id == bruno.pk and row.reason.startswith("Reason for")
        assert row.created_at is not None and row.zone.name == "Paris 11"
    assert rows[1].until is not None
    with pytest.raises(AppendOnly):
        rows[0].reason = "rewritten"
        rows[0].save()
    with pytest.raises(AppendOnly):
        rows[0].delete()
    assert ModerationAction.objects.count() == 3
    bad = as_modo.post(
        f"/api/v1/moderation/reports/{report['id']}/actions",
        {"action": "suspend", "reason": "x", "days": 0},
        format="json",
    )
    assert bad.status_code == 400
    no_reason = as_modo.post(
        f"/api/v1/moderation/reports/{report['id']}/actions",
        {"action": "warn", "reason": "  "},
        format="json",
    )
    assert no_reason.status_code == 400
    assert ModerationAction.objects.count() == 3


def test_the_moderator_command_adds_and_removes(zones):
    from tests.factories import UserFactory

    user = UserFactory(email="new.modo@example.org")
    out = io.StringIO()
    call_command("moderator", "add", "NEW.modo@example.org", "--zone", "Lyon", stdout=out)
    assert "Lyon" in out.getvalue()
    assert list(Moderator.objects.get(user=user).zones.values_list("name", flat=True)) == ["Lyon"]
    call_command("moderator", "add", user.email, stdout=out)
    assert Moderator.objects.get(user=user).everywhere
    with pytest.raises(CommandError, match="No zone named"):
        call_command("moderator", "add", user.email, "--zone", "Atlantis")
    with pytest.raises(CommandError, match="No user"):
        call_command("moderator", "add", "nobody@example.org")
    call_command("moderator", "remove", user.email, stdout=out)
    assert not Moderator.objects.filter(user=user).exists()
    with pytest.raises(CommandError, match="not a moderator"):
        call_command("moderator", "remove", user.email)


def test_an_offer_is_reported_from_the_home_page_list(conversation):
    from django.test import Client

    from neighbors.models import HelpCategory
    from requests_board import services as board

    alice, bruno = conversation.requester, conversation.volunteer
    offer = board.offer_create(volunteer=bruno, categories=HelpCategory.objects.all()[:1])
    browser = Client(headers={"accept-language": "en"})
    browser.force_login(alice)
    home = browser.get("/").content.decode()
    assert f"/report/offer/{offer.pk}/" in home
    sent = browser.post(f"/report/offer/{offer.pk}/", {"reason": "spam", "details": ""})
    assert sent.status_code == 302
    assert Report.objects.get(target_type="offer").target_user_id == bruno.pk


def test_the_queue_costs_the_same_queries_for_one_entry_or_many(api_for, moderators):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import resident_at

    as_modo = api_for(moderators["paris"])

    def report_someone(i):
        reporter = resident_at(48.861, 2.371, display_name=f"R{i}")
        target = resident_at(48.862, 2.372, display_name=f"T{i}")
        api_for(reporter).post(
            "/api/v1/reports",
            {"target_type": "user", "target_id": target.pk, "reason": "spam"},
            format="json",
        )

    report_someone(0)
    with CaptureQueriesContext(connection) as one:
        assert len(as_modo.get("/api/v1/moderation/reports").json()) == 1
    for i in range(1, 6):
        report_someone(i)
    with CaptureQueriesContext(connection) as six:
        assert len(as_modo.get("/api/v1/moderation/reports").json()) == 6
    assert len(six) == len(one)


def test_overlapping_zones_each_see_the_report_and_the_log_names_the_zone_acted_for(
    api_for, conversation, moderators, zones
):
    """A district inside a city-wide zone: the report is in both queues, the
    moderator of either can act, and the log records the zone each acted for
    (finding: reports went to the oldest zone only)."""
    # Newer and smaller than "Paris 11", and around the conversation's request.
    point = conversation.request.location
    district = Zone.objects.create(
        name="Roquette",
        area=MultiPolygon(
            Polygon.from_bbox((point.x - 0.003, point.y - 0.003, point.x + 0.003, point.y + 0.003)),
            srid=4326,
        ),
    )
    local = UserFactory(display_name="Modo Roquette")
    call_command("moderator", "add", local.email, "--zone", "Roquette", stdout=io.StringIO())
    alice = conversation.requester
    message = _first_message(conversation)
    filed = api_for(alice).post(
        "/api/v1/reports",
        {"target_type": "message", "target_id": message.pk, "reason": "spam"},
        format="json",
    )
    assert filed.status_code == 201
    report_id = filed.json()["id"]

    (city_entry,) = api_for(moderators["paris"]).get("/api/v1/moderation/reports").json()
    (local_entry,) = api_for(local).get("/api/v1/moderation/reports").json()
    assert city_entry["id"] == local_entry["id"] == report_id
    assert city_entry["zone"] == "Paris 11" and local_entry["zone"] == "Roquette"
    assert sorted(city_entry["zones"]) == ["Paris 11", "Roquette"]
    assert api_for(moderators["lyon"]).get("/api/v1/moderation/reports").json() == []

    acted = api_for(local).post(
        f"/api/v1/moderation/reports/{report_id}/actions",
        {"action": "warn", "reason": "Publicité."},
        format="json",
    )
    assert acted.status_code == 201, acted.content
    assert acted.json()["zone"] == "Roquette"
    # Both see the action in their log; the other zone's moderator does not.
    for moderator in (local, moderators["paris"]):
        log = api_for(moderator).get("/api/v1/moderation/log").json()
        assert [row["zone"] for row in log] == ["Roquette"]
    assert api_for(moderators["lyon"]).get("/api/v1/moderation/log").json() == []
    assert ModerationAction.objects.get().zone == district
