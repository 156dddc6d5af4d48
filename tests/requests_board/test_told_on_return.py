"""A requester who comes back is told, on the next page she loads, without a
live connection: the menu counts her unread messages and the home page
says who offers to help (issue 12, item 1)."""

import re

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chat import services as chat_services
from chat.models import Conversation
from neighbors.categories import categories_ensure
from neighbors.models import HelpCategory
from requests_board import services
from safety.services import user_block
from tests.factories import resident_at

pytestmark = pytest.mark.django_db

BADGE = re.compile(r'<span id="messages-badge" class="badge" data-count="(\d+)"( hidden)?>')


@pytest.fixture
def dupont(db):
    categories_ensure(HelpCategory)
    return resident_at(48.86, 2.37, display_name="Mme Dupont")


def _ask(author, title="Porter mes courses"):
    return services.help_request_create(
        author=author,
        title=title,
        category=HelpCategory.objects.get(slug="groceries"),
        location=Point(2.37, 48.86, srid=4326),
    )


def _offer(request, name):
    volunteer = resident_at(48.862, 2.371, display_name=name)
    services.help_request_respond(request=request, volunteer=volunteer, message="Je peux jeudi")
    return volunteer


def _home(client, user, language="fr"):
    client.force_login(user)
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def _badge(html) -> tuple[int, bool]:
    match = BADGE.search(html)
    assert match, "no messages badge in the menu"
    return int(match.group(1)), match.group(2) is None


def test_she_is_told_in_french_on_the_next_page_she_loads(client, dupont):
    request = _ask(dupont)
    before = _home(client, dupont)
    assert 'id="waiting-offers-heading"' not in before
    assert _badge(before) == (0, False)

    _offer(request, "Karim")

    html = _home(client, dupont)
    assert "Des voisins vous proposent leur aide" in html
    assert "Karim propose son aide\u00a0: «\u00a0Porter mes courses\u00a0»" in html
    assert f'href="/requests/{request.pk}/"' in html
    # His response is the first message of their conversation: one unread.
    assert _badge(html) == (1, True)
    assert '1<span class="visually-hidden"> non lus</span>' in html
    # The same in English.
    assert "Karim offers to help: “Porter mes courses”" in _home(client, dupont, "en")


def test_the_badge_counts_what_she_has_not_read_on_every_page(client, dupont):
    request = _ask(dupont)
    _offer(request, "Karim")
    _offer(request, "Louise")
    client.force_login(dupont)
    for page in ("/", "/profile/", "/requests/mine/", "/conversations/"):
        html = client.get(page).content.decode()
        assert _badge(html) == (2, True), page

    conversation = Conversation.objects.filter(volunteer__display_name="Karim").get()
    last = conversation.messages.order_by("-id").first()
    chat_services.message_read(user=dupont, conversation_id=conversation.pk, up_to=last.pk)
    assert _badge(client.get("/").content.decode()) == (1, True)


def test_only_offers_still_waiting_for_her_answer(client, dupont):
    request = _ask(dupont)
    karim = _offer(request, "Karim")
    louise = _offer(request, "Louise")
    other = _ask(dupont, "Changer une ampoule")
    blocked = _offer(other, "Marc")
    user_block(user=dupont, other_id=blocked.pk)

    html = _home(client, dupont, "en")
    assert "Karim offers to help" in html and "Louise offers to help" in html
    assert "Marc" not in html  # she blocked him

    services.help_request_accept(request=request, requester=dupont, helper_id=karim.pk)
    html = _home(client, dupont, "en")
    assert 'id="waiting-offers-heading"' not in html  # answered: nothing waits any more
    # Nobody else is told of her offers.
    assert 'id="waiting-offers-heading"' not in _home(client, louise, "en")


def test_the_home_page_costs_the_same_queries_for_one_or_many_offers(client, dupont):
    request = _ask(dupont)
    _offer(request, "Karim")
    client.force_login(dupont)
    client.get("/")  # warm-up

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/").status_code == 200
        return len(captured.captured_queries)

    one = count()
    for name in ("Louise", "Marc", "Nadia"):
        _offer(request, name)
    assert count() == one
