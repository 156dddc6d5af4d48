"""The chat page has its own socket (chat.js); the notifications that arrive
on it are announced like on every other page (issue 11, item 5)."""

import pytest
from playwright.sync_api import expect

from neighbors.services import user_api_token
from tests.conftest import browser_login
from tests.factories import resident_at
from tests.live import Api

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_notification_is_announced_while_the_chat_page_is_open(
    conversation, asgi_server, browser
):
    alice = browser_login(browser, f"http://{asgi_server}", conversation.requester)
    alice.goto(f"/conversations/{conversation.pk}/")
    expect(alice.locator("#chat-form")).to_have_attribute("data-live", "1")
    notice = alice.locator("#live-notice")
    expect(notice).to_be_hidden()

    # Another neighbour offers to help with Alice's request: she is notified.
    chloe = resident_at(48.862, 2.37, display_name="Chloé")
    status, body = Api(asgi_server, user_api_token(user=chloe)).call(
        "POST", f"/api/v1/requests/{conversation.request_id}/responses", {"message": "Moi aussi"}
    )
    assert status == 201, body

    expect(notice).to_be_visible()
    expect(notice).to_have_text("A neighbour offers to help you.")
    # The page's own conversation goes on as before.
    expect(alice.locator(".bubble")).to_have_count(1)
