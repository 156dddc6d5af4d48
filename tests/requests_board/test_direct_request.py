"""'Ask Louise' (issue 12, item 6): a request addressed first to one offer.
She is told in the app and by email; her answer opens the conversation as
any response does; she can say she cannot, and then the usual waves start
at once; without an answer they start after DIRECT_REQUEST_MINUTES. Only an
offer the requester is shown can be asked, and only the two of them see who
was asked."""

import re
from datetime import timedelta

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from chat.models import Conversation
from requests_board import services
from requests_board.models import HelpRequest, Notification
from requests_board.tasks import notify_wave
from safety.services import user_block
from tests.factories import resident_at
from tests.requests_board.conftest import ORIGIN, north_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def louise(category):
    """Louise, 400 m away, offers groceries; emails in French."""
    user = resident_at(*north_of(400), display_name="Louise", walk_radius_m=1500, language="fr")
    services.offer_create(volunteer=user, categories=[category])
    return user


@pytest.fixture
def others(category):
    """Five more volunteers around, for the waves."""
    people = []
    for i in range(5):
        user = resident_at(*north_of(200 + i * 150), display_name=f"V{i}", walk_radius_m=2000)
        services.offer_create(volunteer=user, categories=[category])
        people.append(user)
    return people


def _ask(requester, category, offer_id, **extra):
    lat, lng = ORIGIN
    return services.help_request_create(
        author=requester,
        title="Porter mes courses",
        category=category,
        location=Point(lng, lat, srid=4326),
        addressed_to=offer_id,
        **extra,
    )


def _waves():
    return DBTaskResult.objects.filter(task_path__endswith="notify_wave", status="READY")


def _told(kind):
    return set(Notification.objects.filter(kind=kind).values_list("user_id", flat=True))


def test_asked_from_the_offer_she_is_told_and_the_waves_wait_for_her(
    client, requester, category, louise, others, mailoutbox, django_capture_on_commit_callbacks
):
    offer = louise.offers.get()
    client.force_login(requester)
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert f'href="/requests/new/?to={offer.pk}"' in page and "Demander à Louise" in page

    form = client.get(f"/requests/new/?to={offer.pk}", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Votre demande va d’abord à Louise" in form and "2 heures" in form
    assert "Envoyer ma demande à Louise" in form
    # Louise offers one kind of help: it is chosen already.
    assert re.search(r'<option value="groceries" selected>', form)

    lat, lng = ORIGIN
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/requests/new/",
            {"category": "groceries", "addressed_to": offer.pk, "lat": lat, "lng": lng},
            HTTP_ACCEPT_LANGUAGE="fr",
        )
    assert response.status_code == 302
    request = HelpRequest.objects.get()
    assert request.addressed_to == offer
    assert request.addressed_until > timezone.now() + timedelta(minutes=119)

    assert _told("direct_request") == {louise.pk} and _told("new_request") == set()
    (email,) = [m for m in mailoutbox if m.to == [louise.email]]
    assert "vous demande de l’aide" in email.subject and f"/requests/{request.pk}/" in email.body
    (wave,) = _waves()
    assert wave.run_after >= request.addressed_until - timedelta(seconds=1)

    # Early (a worker ahead of time): nobody else is told, the wave waits on.
    assert notify_wave.call(request.pk) == 0
    assert _told("new_request") == set()
    assert _waves().count() == 2

    detail = client.get(f"/requests/{request.pk}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Vous avez demandé d’abord à Louise" in detail

    # Time is up without an answer: the usual waves, Louise not told twice.
    HelpRequest.objects.filter(pk=request.pk).update(
        addressed_until=timezone.now() - timedelta(seconds=1)
    )
    assert notify_wave.call(request.pk) == 5
    assert _told("new_request") == {u.pk for u in others}


def test_her_answer_opens_the_conversation_and_stops_the_waves(
    client, requester, category, louise, others, django_capture_on_commit_callbacks
):
    request = _ask(requester, category, louise.offers.get().pk)
    client.force_login(louise)
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert f'href="/requests/{request.pk}/"' in home and "Alice vous demande" in home
    page = client.get(f"/requests/{request.pk}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Alice vous le demande en premier" in page and "Je ne peux pas cette fois" in page

    with django_capture_on_commit_callbacks(execute=True):
        answered = client.post(f"/requests/{request.pk}/respond/", {"message": "Jeudi 10 h ?"})
    assert answered.status_code == 302
    assert Conversation.objects.filter(request=request).count() == 1
    assert "Alice vous demande" not in client.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    client.force_login(requester)
    detail = client.get(f"/requests/{request.pk}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Vous avez demandé d’abord" not in detail  # she answered: nothing waits
    HelpRequest.objects.filter(pk=request.pk).update(addressed_until=timezone.now())
    assert notify_wave.call(request.pk) == 0
    assert _told("new_request") == set()


def test_she_cannot_this_time_and_the_neighbours_are_asked_at_once(
    client, requester, category, louise, others, mailoutbox, django_capture_on_commit_callbacks
):
    request = _ask(requester, category, louise.offers.get().pk)
    _waves().delete()

    stranger = others[0]
    client.force_login(stranger)
    assert client.post(f"/requests/{request.pk}/decline/").status_code == 409
    assert "I cannot this time" not in client.get(f"/requests/{request.pk}/").content.decode()

    client.force_login(louise)
    with django_capture_on_commit_callbacks(execute=True):
        declined = client.post(f"/requests/{request.pk}/decline/")
    assert declined.status_code == 302
    assert _told("direct_declined") == {requester.pk}
    assert any(
        m.to == [requester.email] and f"/requests/{request.pk}/" in m.body for m in mailoutbox
    )
    (wave,) = _waves()
    # At once: django-tasks-db writes "no run_after" as the year 9999.
    assert wave.run_after.year == 9999 or wave.run_after <= timezone.now()
    assert notify_wave.call(request.pk) == 5
    assert louise.pk not in _told("new_request")
    # Once is enough.
    assert client.post(f"/requests/{request.pk}/decline/").status_code == 409


@pytest.mark.parametrize(
    "bad", ["x", -1, 0, True, 1.5, 10**30, [1], {"id": 1}, "far", "own", "blocked", "gone"]
)
def test_only_an_offer_shown_to_the_requester_can_be_asked(
    api_for, requester, category, louise, far_volunteer, bad
):
    offers = {
        "far": lambda: services.offer_create(volunteer=far_volunteer, categories=[category]).pk,
        "own": lambda: services.offer_create(volunteer=requester, categories=[category]).pk,
        "blocked": lambda: (user_block(user=louise, other_id=requester.pk), louise.offers.get().pk)[
            1
        ],
        "gone": lambda: services.offer_deactivate(offer=louise.offers.get(), user=louise).pk,
    }
    value = offers[bad]() if isinstance(bad, str) and bad in offers else bad
    lat, lng = ORIGIN
    response = api_for(requester).post(
        "/api/v1/requests",
        {
            "title": "Courses",
            "category": "groceries",
            "location": {"lat": lat, "lng": lng},
            "addressed_to": value,
        },
        format="json",
    )
    assert response.status_code == 400, response.content
    assert response.json()["error"] and "addressed_to" in response.json().get("fields", {})
    assert not HelpRequest.objects.exists()
    assert not Notification.objects.exists()


def test_only_the_two_of_them_see_who_was_asked(
    api_for, requester, category, louise, others, client
):
    offer = louise.offers.get()
    lat, lng = ORIGIN
    created = api_for(requester).post(
        "/api/v1/requests",
        {
            "title": "Courses",
            "category": "groceries",
            "location": {"lat": lat, "lng": lng},
            "addressed_to": offer.pk,
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["addressed_to"] == offer.pk and data["addressed_until"]
    url = f"/api/v1/requests/{data['id']}"
    assert api_for(louise).get(url).json()["addressed_to"] == offer.pk
    seen = api_for(others[0]).get(url).json()
    assert "addressed_to" not in seen and "addressed_until" not in seen
    client.force_login(others[0])
    page = client.get(f"/requests/{data['id']}/").content.decode()
    assert "Louise" not in page

    # Declining through the API: hers only, once.
    assert api_for(others[0]).post(f"{url}/decline").status_code == 409
    assert api_for(louise).post(f"{url}/decline").status_code == 200
    assert api_for(louise).post(f"{url}/decline").json()["error"] == "already_widened"
    assert Notification.objects.filter(kind="direct_declined", user=requester).count() == 1


def test_an_offer_withdrawn_meanwhile_is_said_at_the_top_and_sending_again_asks_everyone(
    client, requester, category, louise
):
    offer = louise.offers.get()
    services.offer_deactivate(offer=offer, user=louise)
    client.force_login(requester)
    lat, lng = ORIGIN
    data = {"category": "groceries", "addressed_to": offer.pk, "lat": lat, "lng": lng}
    response = client.post("/requests/new/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    page = response.content.decode()
    summary = page[page.index('class="error-summary"') :][:1500]
    assert "cannot be asked directly now" in summary
    assert re.search(r'name="addressed_to" value=""|name="addressed_to"(?! value)', page)
    assert not HelpRequest.objects.exists()

    again = client.post("/requests/new/", {**data, "addressed_to": ""})
    assert again.status_code == 302
    assert HelpRequest.objects.get().addressed_to is None


def test_after_a_decline_one_chain_of_waves_runs_not_two(
    client, settings, requester, category, louise, others, django_capture_on_commit_callbacks
):
    settings.NOTIFY_WAVE_SIZE = 2  # waves of two among the five others
    with django_capture_on_commit_callbacks(execute=True):
        request = _ask(requester, category, louise.offers.get().pk)
    client.force_login(louise)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/requests/{request.pk}/decline/")
    # The job queued for her old deadline and the one queued by the decline.
    jobs = list(_waves())
    assert len(jobs) == 2
    notified = [notify_wave.call(*job.args_kwargs["args"]) for job in jobs]
    assert sorted(notified) == [0, 2]  # one first wave; the stale job stops
    assert Notification.objects.filter(kind="new_request").count() == 2
