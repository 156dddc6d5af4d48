"""A request's date cannot be in the past: one rule, owned by the service
(requests_board.services.requests.needed_by_check), that the web form, the
API and the service itself all apply with the same message, in French and
English (issue 11, item 5)."""

from datetime import timedelta

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from rest_framework.test import APIClient

from requests_board import services
from requests_board.models import HelpRequest
from tests.conftest import ROOT

pytestmark = pytest.mark.django_db

MESSAGES = {"en": "This date is in the past.", "fr": "Cette date est déjà passée."}


def _service(author, category, needed_by) -> list[str]:
    try:
        services.help_request_create(
            author=author,
            title="Courses",
            category=category,
            location=Point(2.37, 48.86, srid=4326),
            needed_by=needed_by,
        )
    except ValidationError as exc:
        return exc.message_dict.get("needed_by", [])
    return []


def _web(client, category, needed_by, language) -> list[str]:
    response = client.post(
        "/requests/new/",
        {
            "title": "Courses",
            "category": category.slug,
            "urgency": "normal",
            "lat": 48.86,
            "lng": 2.37,
            "needed_on": needed_by.isoformat(),
        },
        HTTP_ACCEPT_LANGUAGE=language,
    )
    if response.status_code == 302:
        return []
    assert response.status_code == 400
    return response.context["form"].errors.get("needed_on", [])


def _api(author, category, needed_by, language) -> list[str]:
    client = APIClient()
    client.force_authenticate(author)
    response = client.post(
        "/api/v1/requests",
        {
            "title": "Courses",
            "category": category.slug,
            "location": {"lat": 48.86, "lng": 2.37},
            "needed_by": needed_by.isoformat(),
        },
        format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    if response.status_code == 201:
        return []
    assert response.status_code == 400, response.content
    return response.json()["fields"].get("needed_by", [])


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_past_date_is_refused_alike_by_the_form_the_api_and_the_service(
    client, requester, category, language
):
    client.force_login(requester)
    yesterday = timezone.localdate() - timedelta(days=1)
    expected = [MESSAGES[language]]

    assert _web(client, category, yesterday, language) == expected
    assert _api(requester, category, yesterday, language) == expected
    with translation.override(language):
        assert _service(requester, category, yesterday) == expected
    assert not HelpRequest.objects.exists()


def test_today_is_accepted_by_all_three(client, requester, category):
    client.force_login(requester)
    today = timezone.localdate()
    assert _web(client, category, today, "en") == []
    assert _api(requester, category, today, "en") == []
    assert _service(requester, category, today) == []
    assert HelpRequest.objects.count() == 3


def test_the_rule_is_written_once():
    """Its message appears in one place of the code: the service's check."""
    places = [
        path.relative_to(ROOT).as_posix()
        for top in ("requests_board", "common", "config", "geo", "neighbors")
        for path in (ROOT / top).rglob("*.py")
        if MESSAGES["en"] in path.read_text(encoding="utf-8")
    ]
    assert places == ["requests_board/services/requests.py"]
    source = (ROOT / "requests_board/services/requests.py").read_text(encoding="utf-8")
    assert source.count(MESSAGES["en"]) == 1
