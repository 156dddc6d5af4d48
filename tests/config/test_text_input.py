"""Every text from outside goes through common.text before it is stored:
NUL and lone surrogates get a clear 4xx, an error or a form message on
every surface, and change nothing (issue 10, finding 1)."""

import io

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from chat.models import Message
from common.text import texts_check
from moderation import services as moderation_services
from moderation.models import Report
from neighbors import services as neighbors_services
from neighbors.models import HelpCategory
from requests_board import services
from requests_board.models import FollowUp, HelpRequest
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

BAD = ["a\x00b", "a\ud800b", "\udfff"]


@pytest.mark.parametrize("text", BAD)
def test_texts_check_names_each_bad_field(text):
    with pytest.raises(ValidationError) as raised:
        texts_check(good="fine", bad=text, missing=None)
    assert set(raised.value.message_dict) == {"bad"}


@pytest.mark.parametrize("text", BAD)
def test_services_refuse_unstorable_text_and_store_nothing(conversation, text):
    alice, bruno = conversation.requester, conversation.volunteer
    groceries = HelpCategory.objects.get(slug="groceries")
    counts = (HelpRequest.objects.count(), Message.objects.count(), Report.objects.count())
    calls = [
        lambda: services.help_request_create(
            author=alice, title=text, category=groceries, location=Point(2.37, 48.86, srid=4326)
        ),
        lambda: services.help_request_create(
            author=alice,
            title="Courses",
            description=text,
            category=groceries,
            location=Point(2.37, 48.86, srid=4326),
        ),
        lambda: services.offer_create(volunteer=bruno, categories=[groceries], note=text),
        lambda: services.help_request_respond(
            request=services.help_request_create(
                author=alice, title="Autre", category=groceries, location=alice.home
            ),
            volunteer=bruno,
            message=text,
        ),
        lambda: moderation_services.report_create(
            reporter=alice, target_type="user", target_id=bruno.pk, reason="spam", details=text
        ),
        lambda: neighbors_services.user_profile_update(user=alice, display_name=text),
        lambda: neighbors_services.user_signup(
            email="new@example.org", password=PASSWORD, display_name=text
        ),
    ]
    for call in calls:
        with pytest.raises(ValidationError):
            call()
    # Only the request made for the respond call was stored.
    assert HelpRequest.objects.count() == counts[0] + 1
    assert (Message.objects.count(), Report.objects.count()) == counts[1:]
    alice.refresh_from_db()
    assert alice.display_name == "Alice"


def test_the_chat_page_form_answers_nul_with_a_message(client, conversation):
    client.force_login(conversation.requester)
    before = Message.objects.count()
    response = client.post(
        f"/conversations/{conversation.pk}/", {"body": "a\x00b", "client_id": "form-1"}
    )
    assert response.status_code == 400
    assert Message.objects.count() == before


def test_an_email_link_with_nul_in_the_comment_changes_nothing(client, conversation):
    alice = conversation.requester
    request = conversation.request
    services.help_request_accept(
        request=request, requester=alice, helper_id=conversation.volunteer_id
    )
    services.help_request_complete(request=request, user=alice)
    follow_up = FollowUp.objects.get(request=request, user=alice)
    link = services.follow_up_link(follow_up, 4)
    response = client.post(link, {"comment": "merci\x00"})
    assert response.status_code == 404
    follow_up.refresh_from_db()
    assert follow_up.score is None and follow_up.comment == ""


def test_the_moderator_command_refuses_nul(resident):
    with pytest.raises(CommandError, match="Unusable characters"):
        call_command("moderator", "add", resident.email + "\x00", stdout=io.StringIO())


def test_api_bodies_with_unstorable_text_are_400(api_for, conversation):
    """JSON can carry what forms cannot: "\\u0000" and lone "\\ud800"."""
    as_alice = api_for(conversation.requester)
    before = HelpRequest.objects.count()
    for escaped in ("\\u0000", "\\ud800"):
        body = (
            '{"title": "Courses' + escaped + '", "category": "groceries", '
            '"location": {"lat": 48.86, "lng": 2.37}}'
        )
        response = as_alice.generic(
            "POST", "/api/v1/requests", body, content_type="application/json"
        )
        assert response.status_code == 400, response.content
        assert response.json()["error"] == "invalid"
        sent = as_alice.generic(
            "POST",
            f"/api/v1/conversations/{conversation.pk}/messages",
            '{"body": "x' + escaped + '", "client_id": "api-1"}',
            content_type="application/json",
        )
        assert sent.status_code == 400, sent.content
    assert HelpRequest.objects.count() == before
