import pytest
from django.contrib.gis.geos import Point

from chat.models import Conversation
from chat.services import message_send
from neighbors.categories import categories_ensure
from neighbors.models import HelpCategory
from requests_board import services
from tests.factories import resident_at


@pytest.fixture
def done_request(db, django_capture_on_commit_callbacks):
    """Alice asked, Bruno helped, both marked it done; they talked. What waits
    for a commit (emails, events) runs as each step ends, as it would."""
    categories_ensure(HelpCategory)
    alice = resident_at(48.8601, 2.3701, display_name="Alice Erasable", email="alice@example.org")
    bruno = resident_at(48.8651, 2.3702, display_name="Bruno Staying", email="bruno@example.org")
    alice.email_notifications = True
    alice.save(update_fields=["email_notifications"])
    with django_capture_on_commit_callbacks(execute=True):
        request = services.help_request_create(
            author=alice,
            title="Porter mes courses",
            description="Trois sacs, deuxième étage.",
            category=HelpCategory.objects.get(slug="groceries"),
            location=Point(2.37011, 48.86012, srid=4326),
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.help_request_respond(request=request, volunteer=bruno, message="J'arrive à 10 h")
    conversation = Conversation.objects.get(request=request)
    with django_capture_on_commit_callbacks(execute=True):
        message_send(
            user=alice, conversation_id=conversation.pk, body="Merci Bruno !", client_id="a-1"
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.help_request_accept(request=request, requester=alice, helper_id=bruno.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.help_request_complete(request=request, user=bruno)
    request.refresh_from_db()
    return request
