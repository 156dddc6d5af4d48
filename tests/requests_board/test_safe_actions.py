"""Steps that cannot be taken back ask first (issue 12, item 5): cancelling
a request and accepting a helper are a question page, then a POST."""

import pytest

from requests_board import services
from requests_board.models import HelpRequest
from tests.chat.conftest import alice_asks_near_bruno
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def offered(django_capture_on_commit_callbacks):
    alice, bruno, request = alice_asks_near_bruno()
    with django_capture_on_commit_callbacks(execute=True):
        services.help_request_respond(request=request, volunteer=bruno, message="Je peux")
    return alice, bruno, request


def test_cancelling_asks_first_and_only_the_post_cancels(client, offered):
    alice, _bruno, request = offered
    client.force_login(alice)
    detail = client.get(f"/requests/{request.pk}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    # A link to the question, drawn as a destructive action; no one-tap form.
    assert f'class="button danger" href="/requests/{request.pk}/cancel/"' in detail
    question = client.get(f"/requests/{request.pk}/cancel/", HTTP_ACCEPT_LANGUAGE="fr")
    html = question.content.decode()
    assert question.status_code == 200
    assert "Annuler votre demande" in html and "Non, je la garde" in html
    request.refresh_from_db()
    assert request.status == HelpRequest.Status.OPEN
    done = client.post(f"/requests/{request.pk}/cancel/")
    assert done.status_code == 302
    request.refresh_from_db()
    assert request.status == HelpRequest.Status.CANCELLED


def test_accepting_names_the_helper_and_what_he_will_see(client, offered):
    alice, bruno, request = offered
    client.force_login(alice)
    question = client.get(
        f"/requests/{request.pk}/accept/?helper={bruno.pk}", HTTP_ACCEPT_LANGUAGE="en"
    )
    html = question.content.decode()
    assert "Accept Bruno&#x27;s help?" in html
    assert "will see the exact meeting place" in html
    assert f'name="helper" value="{bruno.pk}"' in html
    request.refresh_from_db()
    assert request.status == HelpRequest.Status.OPEN
    client.post(f"/requests/{request.pk}/accept/", {"helper": bruno.pk})
    request.refresh_from_db()
    assert request.status == HelpRequest.Status.MATCHED and request.helper_id == bruno.pk


@pytest.mark.parametrize("query", ["", "?helper=abc", "?helper=999999", "?helper=-1"])
def test_a_helper_who_did_not_offer_goes_back_to_the_request(client, offered, query):
    alice, _bruno, request = offered
    client.force_login(alice)
    response = client.get(f"/requests/{request.pk}/accept/{query}")
    assert response.status_code == 302 and response.url == f"/requests/{request.pk}/"


def test_nobody_else_gets_the_questions(client, offered):
    _alice, bruno, request = offered
    for user in (bruno, UserFactory()):
        client.force_login(user)
        assert client.get(f"/requests/{request.pk}/cancel/").status_code == 404
        assert client.get(f"/requests/{request.pk}/accept/?helper={bruno.pk}").status_code == 404
