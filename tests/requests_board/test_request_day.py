"""A request says which day in buttons for the coming week (issue 12,
item 4); the urgency follows from the day, and the title may be left to
the kind of help."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from neighbors.categories import categories_ensure
from neighbors.models import HelpCategory
from requests_board.models import HelpRequest, Urgency
from requests_board.services.requests import meeting_address_find
from tests.factories import resident_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def asker(client):
    categories_ensure(HelpCategory)
    user = resident_at(48.86, 2.37, display_name="Mme Dupont")
    client.force_login(user)
    return user


def _post(client, **fields):
    data = {"category": "groceries", "lat": "48.86", "lng": "2.37", **fields}
    return client.post("/requests/new/", data, HTTP_ACCEPT_LANGUAGE="fr")


def test_the_form_offers_the_next_seven_days_and_no_day(client, asker):
    html = client.get("/requests/new/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    today = timezone.localdate()
    for n in range(7):
        assert f'value="{(today + timedelta(days=n)).isoformat()}"' in html
    assert f'value="{(today + timedelta(days=7)).isoformat()}"' not in html
    assert "Aujourd’hui" in html or "Aujourd'hui" in html
    assert "Pas de jour précis" in html
    assert 'type="date"' not in html


@pytest.mark.parametrize(
    ("days", "urgency"),
    [(0, Urgency.HIGH), (1, Urgency.HIGH), (3, Urgency.NORMAL), (None, Urgency.LOW)],
)
def test_the_urgency_follows_from_the_day(client, asker, days, urgency):
    day = "" if days is None else (timezone.localdate() + timedelta(days=days)).isoformat()
    response = _post(client, needed_on=day, part_of_day="morning")
    assert response.status_code == 302, response.content.decode()[:3000]
    request = HelpRequest.objects.get()
    assert request.urgency == urgency
    assert request.part_of_day == "morning"
    # No title typed: the kind of help, in her language, is the title.
    assert request.title == "Courses"


@pytest.mark.parametrize(
    ("day", "words"),
    [
        ("2001-01-01", "Cette date est déjà passée"),
        ("not-a-date", "Choisissez un des jours proposés"),
        ("9999-12-31", "Choisissez un des jours proposés"),
    ],
)
def test_a_day_not_offered_is_refused_and_nothing_is_posted(client, asker, day, words):
    response = _post(client, needed_on=day)
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not HelpRequest.objects.exists()


def test_a_bad_part_of_day_is_refused(client, asker):
    response = _post(client, part_of_day="midnight")
    assert response.status_code == 400
    assert not HelpRequest.objects.exists()


def test_the_day_is_kept_apart_from_the_last_useful_day(client, asker):
    day = timezone.localdate() + timedelta(days=3)
    assert _post(client, needed_on=day.isoformat()).status_code == 302
    request = HelpRequest.objects.get()
    assert (request.needed_on, request.needed_by) == (day, day)
    page = client.get(f"/requests/{request.pk}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert date_format(day, "l j F") in page


def test_the_meeting_place_is_an_address_and_a_note_for_those_allowed(
    client, asker, geocoder, api_for
):
    response = _post(client, lat="48.86472", lng="2.36981", meeting_note="Devant la pharmacie")
    assert response.status_code == 302
    request = HelpRequest.objects.get()
    assert request.meeting_address == ""  # found in the background, not in the request
    assert meeting_address_find.call(request.pk) == "12 Rue Oberkampf, 75011 Paris"
    assert geocoder.queries[-1]["path"] == "/reverse"
    page = client.get(f"/requests/{request.pk}/").content.decode()
    assert "12 Rue Oberkampf, 75011 Paris" in page and "Devant la pharmacie" in page
    mine = api_for(asker).get(f"/api/v1/requests/{request.pk}").json()
    assert (mine["meeting_address"], mine["meeting_note"]) == (
        "12 Rue Oberkampf, 75011 Paris",
        "Devant la pharmacie",
    )
    # A neighbour sees neither, on the page or in the API.
    neighbour = resident_at(48.861, 2.371)
    client.force_login(neighbour)
    page = client.get(f"/requests/{request.pk}/").content.decode()
    assert "Oberkampf" not in page and "pharmacie" not in page
    theirs = api_for(neighbour).get(f"/api/v1/requests/{request.pk}").json()
    assert "meeting_address" not in theirs and "meeting_note" not in theirs
    # Where the geocoder knows nothing, the address stays empty: the map says it.
    geocoder.mode = "error"
    assert meeting_address_find.call(request.pk) == ""
    assert HelpRequest.objects.get().meeting_address == "12 Rue Oberkampf, 75011 Paris"
