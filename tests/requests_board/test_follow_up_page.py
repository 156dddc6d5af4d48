"""'Did this help?' where it belongs (issue 12, item 7): the page the person
lands on after 'done', the notification, the email and the home page lead to
it, one clear Send, and the chosen answer plainly marked."""

import re

import pytest
from django.core import mail

from neighbors.categories import categories_ensure
from neighbors.models import HelpCategory
from requests_board import services
from requests_board.models import FollowUp
from tests.factories import resident_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def matched(db):
    categories_ensure(HelpCategory)
    dupont = resident_at(48.86, 2.37, display_name="Mme Dupont", language="fr")
    karim = resident_at(48.862, 2.371, display_name="Karim")
    request = services.help_request_create(
        author=dupont,
        title="Porter mes courses",
        category=HelpCategory.objects.get(slug="groceries"),
        location=dupont.home,
    )
    services.help_request_respond(request=request, volunteer=karim, message="Jeudi 10 h ?")
    services.help_request_accept(request=request, requester=dupont, helper_id=karim.pk)
    return request, dupont, karim


def _checked(html) -> list[str]:
    return re.findall(r'<input type="radio" name="score" value="(\d)"[^>]*\bchecked\b', html)


def test_done_leads_to_the_question_and_send_records_the_chosen_answer(client, matched):
    request, dupont, _karim = matched
    client.force_login(dupont)
    done = client.post(f"/requests/{request.pk}/complete/", HTTP_ACCEPT_LANGUAGE="fr")
    assert done.status_code == 302 and done.url == f"/requests/{request.pk}/did-it-help/"

    page = client.get(done.url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Cela vous a-t-il aidé" in page and "Demande terminée" in page
    assert ">Envoyer</button>" in page and _checked(page) == []

    answered = client.post(done.url, {"score": "4", "comment": "Merci Karim"})
    assert answered.status_code == 302 and answered.url == done.url
    follow_up = FollowUp.objects.get(request=request, user=dupont)
    assert (follow_up.score, follow_up.comment) == (4, "Merci Karim")

    page = client.get(done.url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Votre réponse\u00a0: 4 sur 5." in page
    assert _checked(page) == ["4"]
    assert re.search(r">\s*Merci Karim</textarea>", page)


def test_sending_without_a_number_says_so_at_the_top_and_changes_nothing(client, matched):
    request, dupont, _karim = matched
    services.help_request_complete(request=request, user=dupont)
    client.force_login(dupont)
    url = f"/requests/{request.pk}/did-it-help/"
    for data in (
        {"comment": "Merci"},
        {"score": "9"},
        {"score": "x"},
        {"score": "3", "comment": "x" * 1001},
    ):
        response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="fr")
        assert response.status_code == 400, data
        assert 'role="alert"' in response.content.decode()
    assert FollowUp.objects.get(request=request, user=dupont).answered_at is None


def test_the_notification_email_and_home_page_lead_to_it_and_nobody_else_sees_it(
    client, matched, django_capture_on_commit_callbacks
):
    request, dupont, karim = matched
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.help_request_complete(request=request, user=karim)
    url = f"/requests/{request.pk}/did-it-help/"

    client.force_login(dupont)
    assert f'href="{url}"' in client.get("/requests/mine/").content.decode()
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert f'href="{url}"' in home and "Une question sur «\u00a0Porter mes courses\u00a0»" in home
    detail = client.get(f"/requests/{request.pk}/").content.decode()
    assert f'href="{url}"' in detail
    (email,) = [m for m in mail.outbox if m.to == [dupont.email] and "aidé" in m.subject]
    assert url in email.body

    client.post(url, {"score": "5"})
    assert f'href="{url}"' not in client.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    stranger = resident_at(48.86, 2.37)
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    assert client.post(url, {"score": "1"}).status_code == 404
    assert FollowUp.objects.get(request=request, user=dupont).score == 5
