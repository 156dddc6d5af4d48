"""The one-question follow-up, retention of exact points and messages, and
the public impact figures with k-suppression."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.test import Client
from django.utils import timezone

from chat.models import Message
from data_rights import services as data_rights
from geo.models import Zone
from neighbors.models import HelpCategory
from requests_board import services
from requests_board.impact import impact_figures, impact_grid
from requests_board.models import FollowUp, HelpRequest, Notification, Response
from tests.factories import resident_at

pytestmark = pytest.mark.django_db


def test_both_sides_are_asked_once_and_answer_in_one_click(done_request, mailoutbox, api_for):
    alice, bruno = done_request.author, done_request.helper
    asked = FollowUp.objects.filter(request=done_request)
    assert {(f.user_id, f.role) for f in asked} == {(alice.pk, "requester"), (bruno.pk, "helper")}
    assert Notification.objects.filter(kind="follow_up", user__in=[alice, bruno]).count() == 2
    # Alice is told by email, in her language (French): the question's mail
    # holds five one-click links (and, like every notification email, one
    # that stops them).
    (mail,) = [
        m
        for m in mailoutbox
        if "alice@example.org" in m.to and "Cela vous a-t-il aidé" in m.subject
    ]
    links = [
        line.split(": ", 1)[1]
        for line in mail.body.splitlines()
        if line[:2] in {f"{n}:" for n in range(1, 6)}
    ]
    assert len(links) == 5
    path = links[3].split("127.0.0.1:8000", 1)[-1]
    answered = Client().get(path)  # no sign-in needed
    assert answered.status_code == 200
    mine = FollowUp.objects.get(user=alice)
    assert mine.score == 4 and mine.answered_at is not None
    # A comment on the same page; a forged link is refused.
    Client().post(path, {"comment": "Très gentil"})
    assert FollowUp.objects.get(user=alice).comment == "Très gentil"
    assert Client().get("/follow-ups/answer/forged-token/5/").status_code == 404
    # Bruno answers in the app, through the API.
    (his,) = api_for(bruno).get("/api/v1/follow-ups").json()
    response = api_for(bruno).post(f"/api/v1/follow-ups/{his['id']}", {"score": 5}, format="json")
    assert response.status_code == 200 and response.json()["score"] == 5
    bad = api_for(bruno).post(f"/api/v1/follow-ups/{his['id']}", {"score": 9}, format="json")
    assert bad.status_code == 400
    assert (
        api_for(alice)
        .post(f"/api/v1/follow-ups/{his['id']}", {"score": 1}, format="json")
        .status_code
        == 404
    )


def test_a_reminder_goes_out_at_most_once(done_request, settings):
    settings.FOLLOW_UP_REMIND_DAYS = 3
    later = timezone.now() + timedelta(days=4)
    FollowUp.objects.filter(user=done_request.helper).update(score=5, answered_at=timezone.now())
    assert services.follow_ups_remind(now=later) == 1  # Alice only
    assert services.follow_ups_remind(now=later + timedelta(days=10)) == 0
    reminders = Notification.objects.filter(kind="follow_up", user=done_request.author)
    assert reminders.count() == 2  # the question, then one reminder


def test_retention_deletes_old_meeting_points_and_messages_only(done_request, settings):
    settings.RETENTION_MEETING_POINT_DAYS = 30
    settings.RETENTION_MESSAGES_DAYS = 90
    public = done_request.public_location
    now = timezone.now()
    nothing = {"meeting_points": 0, "messages": 0, "kept_neighbours": 0, "texts": 0}
    assert data_rights.retention_apply(now=now + timedelta(days=10)) == nothing
    deleted = data_rights.retention_apply(now=now + timedelta(days=31))
    assert deleted == {**nothing, "meeting_points": 1}
    request = HelpRequest.objects.get(pk=done_request.pk)
    assert request.exact_deleted and request.location.equals_exact(public, 1e-9)
    assert request.public_location.equals_exact(public, 1e-9)
    assert Message.objects.filter(conversation__request=done_request).count() == 2
    deleted = data_rights.retention_apply(now=now + timedelta(days=91))
    assert deleted == {**nothing, "messages": 2}
    # The author no longer sees an exact point either.
    from requests_board.selectors import help_request_exact_visible

    assert not help_request_exact_visible(viewer=done_request.author, request=request)


def _seed(n_requests, *, zone_point=(2.37, 48.86), minutes_to_response=(10,), done=()):
    """n requests by n distinct people, each answered by its own volunteer."""
    category = HelpCategory.objects.get(slug="groceries")
    created = []
    for i in range(n_requests):
        author = resident_at(zone_point[1], zone_point[0], display_name=f"A{i}")
        volunteer = resident_at(zone_point[1] + 0.001, zone_point[0], display_name=f"V{i}")
        request = services.help_request_create(
            author=author,
            title=f"R{i}",
            category=category,
            location=Point(zone_point[0], zone_point[1], srid=4326),
        )
        services.help_request_respond(request=request, volunteer=volunteer, message="oui")
        wait = minutes_to_response[i % len(minutes_to_response)]
        HelpRequest.objects.filter(pk=request.pk).update(
            first_response_at=request.created_at + timedelta(minutes=wait)
        )
        if i in done:
            services.help_request_accept(request=request, requester=author, helper_id=volunteer.pk)
            HelpRequest.objects.filter(pk=request.pk).update(
                matched_at=request.created_at + timedelta(minutes=2 * wait)
            )
            services.help_request_complete(
                request=HelpRequest.objects.get(pk=request.pk), user=author
            )
        created.append(request)
    return created


def test_impact_figures_are_exact_on_a_seeded_set(done_request, settings):
    Zone.objects.create(
        name="Paris 11", area=MultiPolygon(Polygon.from_bbox((2.35, 48.85, 2.39, 48.87)), srid=4326)
    )
    HelpRequest.objects.all().delete()  # only the seeded set below
    Response.objects.all().delete()
    _seed(6, minutes_to_response=(10, 20, 30), done={0, 1, 2})
    figures = impact_figures(k=5)
    overall = figures["overall"]
    assert overall["suppressed"] is False
    assert overall["posted"] == 6 and overall["fulfilled"] == 3
    assert overall["share_fulfilled"] == 0.5
    assert overall["people"] == 12 and overall["active_volunteers"] == 6
    assert overall["median_minutes_to_first_response"] == 20.0
    assert overall["median_minutes_to_match"] == 40.0
    # Follow-ups: 6 people were asked (3 done x 2) but nobody answered yet.
    assert overall["follow_up_score"] is None
    for i, follow_up in enumerate(FollowUp.objects.order_by("id")):
        services.follow_up_answer(follow_up=follow_up, score=(i % 5) + 1)
    assert impact_figures(k=5)["overall"]["follow_up_score"] == round(
        (1 + 2 + 3 + 4 + 5 + 1) / 6, 2
    )
    (zone,) = figures["zones"]
    assert zone["zone"] == "Paris 11" and zone["posted"] == 6
    (month,) = figures["months"]
    assert month["posted"] == 6


def test_small_groups_are_suppressed_everywhere(done_request):
    """One request between two people: fewer than k=5, so no figure shows,
    in the API, the page, the CSV and the GeoJSON."""
    api = Client(headers={"accept-language": "en"})
    body = api.get("/api/v1/impact").json()
    assert body["k"] == 5 and body["overall"] == {"suppressed": True}
    assert all(m["suppressed"] for m in body["months"])
    assert "posted" not in str(body["overall"])
    page = api.get("/impact/").content.decode()
    assert "Not enough people yet" in page and 'id="overall-posted"' not in page
    rows = list(csv.DictReader(io.StringIO(api.get("/impact.csv").content.decode())))
    assert rows[0]["scope"] == "overall" and rows[0]["suppressed"] == "True"
    assert rows[0]["posted"] == ""
    grid = api.get("/impact.geojson").json()
    assert grid["features"] == [] and grid["licence"]["name"].startswith("Licence Ouverte")
    # With k=2 the same pair is shown.
    assert impact_figures(k=2)["overall"]["posted"] == 1
    assert impact_grid(k=2)["features"][0]["properties"]["posted"] == 1


def test_erased_authors_count_as_one_person_at_most(done_request, api_for):
    """Erasing accounts can only lower the people count, never raise it over k."""
    from tests.factories import PASSWORD

    _seed(2)
    before = impact_figures(k=1)["overall"]["people"]
    for request in HelpRequest.objects.all():
        api_for(request.author).delete("/api/v1/me", {"password": PASSWORD}, format="json")
    after = impact_figures(k=1)["overall"]
    assert after["posted"] == 3 and after["people"] <= before - 2


def test_a_lone_hidden_group_takes_the_next_smallest_with_it(done_request):
    """Zones: Paris 11 (6 requests, 12 people), Lyon (2 requests, 4 people,
    under k) and Bastille (5 requests, 10 people). Lyon is hidden; shown
    alone, the total minus the others would give it away, so the smallest
    shown zone (Bastille) is hidden too."""
    from requests_board.impact import _with_secondary

    assert _with_secondary({"paris": 12, "lyon": 4, "bastille": 10}, 5) == {"lyon", "bastille"}
    assert _with_secondary({"paris": 12, "lyon": 4, "nice": 3}, 5) == {"lyon", "nice"}
    assert _with_secondary({"paris": 12, "bastille": 10}, 5) == set()
    assert _with_secondary({"lyon": 4}, 5) == {"lyon"}

    Zone.objects.create(
        name="Paris 11", area=MultiPolygon(Polygon.from_bbox((2.36, 48.85, 2.39, 48.87)), srid=4326)
    )
    Zone.objects.create(
        name="Lyon", area=MultiPolygon(Polygon.from_bbox((4.80, 45.72, 4.90, 45.80)), srid=4326)
    )
    HelpRequest.objects.all().delete()
    _seed(6, zone_point=(2.37, 48.86))
    _seed(2, zone_point=(4.85, 45.76))
    zones = {z["zone"]: z for z in impact_figures(k=5)["zones"]}
    assert zones["Lyon"] == {"zone": "Lyon", "suppressed": True}
    assert zones["Paris 11"]["suppressed"] is True  # the only other zone
    assert impact_figures(k=5)["overall"]["posted"] == 8
