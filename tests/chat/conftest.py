import uuid

import pytest
from django.contrib.gis.geos import Point

from chat.models import Conversation
from neighbors.categories import categories_ensure
from neighbors.models import HelpCategory
from requests_board import services
from tests.factories import UserFactory, resident_at


def alice_asks_through_the_api(api) -> tuple:
    """Alice and Bruno (550 m apart) sign up, Alice asks for help: their API
    clients and her request, as the API answered it."""
    suffix = uuid.uuid4().hex[:8]
    alice = api.signup(f"alice-{suffix}@example.org", "Alice", 48.8600, 2.3700)
    bruno = api.signup(f"bruno-{suffix}@example.org", "Bruno", 48.8650, 2.3700)
    status, request = alice.call(
        "POST",
        "/api/v1/requests",
        {"title": "Courses", "category": "groceries", "location": {"lat": 48.86, "lng": 2.37}},
    )
    assert status == 201, request
    return alice, bruno, request


def alice_asks_near_bruno():
    """Alice asks for help with her groceries; Bruno lives 550 m away."""
    categories_ensure(HelpCategory)
    alice = resident_at(48.86, 2.37, display_name="Alice")
    bruno = resident_at(48.865, 2.37, display_name="Bruno")
    request = services.help_request_create(
        author=alice,
        title="Courses",
        category=HelpCategory.objects.get(slug="groceries"),
        location=Point(2.37, 48.86, srid=4326),
    )
    return alice, bruno, request


@pytest.fixture
def conversation(db) -> Conversation:
    """Alice asked for help, Bruno responded: their conversation."""
    alice, bruno, request = alice_asks_near_bruno()
    services.help_request_respond(request=request, volunteer=bruno, message="Je peux passer à 10 h")
    return Conversation.objects.select_related("requester", "volunteer").get(
        request=request, volunteer=bruno
    )


@pytest.fixture
def stranger(db):
    return UserFactory(display_name="Sam")
