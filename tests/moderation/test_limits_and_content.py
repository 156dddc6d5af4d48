"""Tighter limits for new accounts, and the personal-data warning on public
text (DESIGN.md, "Moderation and safety")."""

import uuid
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.gis.geos import Point
from django.test import Client
from django.utils import timezone

from chat.models import Message
from moderation.models import Report
from neighbors.models import HelpCategory, User
from requests_board import services as board
from requests_board.models import HelpRequest
from tests.factories import resident_at

pytestmark = pytest.mark.django_db


def _post_request(client, title="Des courses", description=""):
    return client.post(
        "/api/v1/requests",
        {
            "title": title,
            "description": description,
            "category": "groceries",
            "location": {"lat": 48.86, "lng": 2.37},
        },
        format="json",
    )


def _established(user):
    User.objects.filter(pk=user.pk).update(date_joined=timezone.now() - timedelta(days=60))
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    user.refresh_from_db()
    return user


def test_new_accounts_post_fewer_requests_a_day_than_established_ones(
    api_for, real_limits, settings
):
    HelpCategory.objects.get_or_create(slug="groceries", defaults={"name_en": "G", "name_fr": "G"})
    newcomer = resident_at(48.86, 2.37)
    veteran = _established(resident_at(48.861, 2.37))
    (established_max, _), (new_max, _) = settings.ACTION_LIMITS["request"]
    assert new_max < established_max

    as_new = api_for(newcomer)
    statuses = [_post_request(as_new, f"R{i}").status_code for i in range(new_max + 1)]
    assert statuses == [201] * new_max + [429]
    refused = _post_request(as_new, "one more")
    assert refused.json()["error"] == "throttled" and "Retry-After" in refused.headers
    assert HelpRequest.objects.filter(author=newcomer).count() == new_max

    as_veteran = api_for(veteran)
    statuses = [_post_request(as_veteran, f"V{i}").status_code for i in range(new_max + 1)]
    assert statuses == [201] * (new_max + 1)


def test_an_unverified_email_counts_as_new_and_limits_messages(
    api_for, conversation, real_limits, settings
):
    settings.CHAT_MESSAGES_PER_MINUTE = 30
    settings.NEW_ACCOUNT_MESSAGES_PER_MINUTE = 4
    bruno = conversation.volunteer
    User.objects.filter(pk=bruno.pk).update(date_joined=timezone.now() - timedelta(days=60))
    EmailAddress.objects.filter(user=bruno).update(verified=False)
    as_bruno = api_for(bruno)
    statuses = [
        as_bruno.post(
            f"/api/v1/conversations/{conversation.pk}/messages",
            {"body": f"n°{i}", "client_id": str(uuid.uuid4())},
            format="json",
        ).status_code
        for i in range(6)
    ]
    # The response that opened the conversation was the first message this minute.
    assert statuses == [201, 201, 201, 429, 429, 429]
    assert Message.objects.filter(sender=bruno).count() == 4


def test_reports_are_rate_limited(api_for, conversation, real_limits, settings):
    settings.ACTION_LIMITS = {**settings.ACTION_LIMITS, "report": ((2, 86400), (2, 86400))}
    alice = conversation.requester
    targets = [resident_at(48.86, 2.37) for _ in range(3)]
    statuses = [
        api_for(alice)
        .post(
            "/api/v1/reports",
            {"target_type": "user", "target_id": t.pk, "reason": "spam"},
            format="json",
        )
        .status_code
        for t in targets
    ]
    assert statuses == [201, 201, 429]
    assert Report.objects.count() == 2


def test_personal_data_in_a_request_is_refused_then_published_anyway_and_flagged(api_for):
    HelpCategory.objects.get_or_create(slug="groceries", defaults={"name_en": "G", "name_fr": "G"})
    author = resident_at(48.86, 2.37)
    as_author = api_for(author)
    text = "Merci de m'appeler au 06 12 34 56 78, j'habite 12 rue Oberkampf."
    refused = _post_request(as_author, description=text)
    assert refused.status_code == 400
    body = refused.json()
    assert body["error"] == "personal_data"
    assert "a phone number" in body["fields"]["description"][0]
    assert "a street address" in body["fields"]["description"][0]
    assert not HelpRequest.objects.filter(author=author).exists()
    # Edited: fine.
    assert _post_request(as_author, description="Appelez-moi dans l'appli.").status_code == 201
    # Published anyway: stored, and flagged to moderators by the app.
    anyway = as_author.post(
        "/api/v1/requests",
        {
            "title": "Courses",
            "description": text,
            "category": "groceries",
            "location": {"lat": 48.86, "lng": 2.37},
            "publish_anyway": True,
        },
        format="json",
    )
    assert anyway.status_code == 201
    flag = Report.objects.get(target_type="request", target_id=anyway.json()["id"])
    assert flag.reporter is None and flag.reason == "personal_data"
    assert "phone" in flag.details and flag.target_user_id == author.pk


def test_the_request_form_warns_and_offers_to_publish_anyway():
    HelpCategory.objects.get_or_create(slug="groceries", defaults={"name_en": "G", "name_fr": "G"})
    author = resident_at(48.86, 2.37)
    browser = Client(headers={"accept-language": "en"})
    browser.force_login(author)
    form = {
        "title": "Help with a parcel",
        "category": "groceries",
        "urgency": "normal",
        "description": "Email me at jo.smith@example.org",
        "lat": "48.86",
        "lng": "2.37",
    }
    warned = browser.post("/requests/new/", form)
    assert warned.status_code == 400
    page = warned.content.decode()
    assert "an email address" in page and 'name="publish_anyway"' in page
    assert not HelpRequest.objects.filter(author=author).exists()
    published = browser.post("/requests/new/", {**form, "publish_anyway": "on"})
    assert published.status_code == 302
    assert Report.objects.filter(reason="personal_data", reporter=None).count() == 1


def test_offers_are_checked_too():
    volunteer = resident_at(48.86, 2.37)
    category = HelpCategory.objects.first() or HelpCategory.objects.create(
        slug="g", name_en="G", name_fr="G"
    )
    with pytest.raises(Exception) as refused:
        board.offer_create(
            volunteer=volunteer, categories=[category], note="Call 020 7946 0958 anytime"
        )
    assert getattr(refused.value, "personal_data", False)
    board.offer_create(
        volunteer=volunteer,
        categories=[category],
        note="Call 020 7946 0958 anytime",
        publish_anyway=True,
    )
    assert Report.objects.filter(target_type="offer").count() == 1
    assert Point(2.37, 48.86)  # the offer sits at the volunteer's home


def test_pages_show_a_rate_limit_as_a_message_not_an_error(real_limits, settings):
    """Over the limit, the request form and the report form say so (never a 500)."""
    settings.ACTION_LIMITS = {
        **settings.ACTION_LIMITS,
        "request": ((0, 86400), (0, 86400)),
        "report": ((0, 86400), (0, 86400)),
    }
    HelpCategory.objects.get_or_create(slug="groceries", defaults={"name_en": "G", "name_fr": "G"})
    author = resident_at(48.86, 2.37)
    other = resident_at(48.861, 2.37)
    browser = Client(headers={"accept-language": "en"})
    browser.force_login(author)
    form = {
        "title": "Courses",
        "category": "groceries",
        "urgency": "normal",
        "lat": "48.86",
        "lng": "2.37",
    }
    refused = browser.post("/requests/new/", form)
    assert refused.status_code == 400 and "too often" in refused.content.decode()
    assert not HelpRequest.objects.filter(author=author).exists()
    report = browser.post(f"/report/user/{other.pk}/", {"reason": "spam"})
    assert report.status_code == 400 and "too often" in report.content.decode()
    assert not Report.objects.exists()
