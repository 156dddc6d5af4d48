"""A report worked through the moderator's queue in Debian's Chromium: A
reports B's message from the chat page; the zone moderator (made with the
command) decides in the queue; A sees the outcome and the message is gone;
B reads the statement of reasons; another zone's moderator sees nothing."""

import pytest
from playwright.sync_api import expect

from chat.models import Message
from moderation.models import ModerationAction
from tests.conftest import assert_accessible, browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_moderator_works_the_queue(conversation, moderators, asgi_server, browser):
    base = f"http://{asgi_server}"
    alice, bruno = conversation.requester, conversation.volunteer
    message = Message.objects.filter(conversation=conversation, sender=bruno).first()

    a = browser_login(browser, base, alice)
    a.goto(f"/conversations/{conversation.pk}/")
    # Report sits in the message's "…" menu.
    bubble = a.locator(f'li[data-id="{message.pk}"]')
    bubble.locator("summary", has_text="More for this message").click()
    bubble.get_by_role("link", name="Report this message").click()
    assert_accessible(a)
    a.get_by_label("Harassment or insults").check()
    a.get_by_label("Details (optional)").fill("He keeps asking for my address.")
    a.get_by_role("button", name="Send the report").click()
    expect(a.locator(".messages")).to_contain_text("A moderator will look at it")
    expect(a.locator("table")).to_contain_text("Waiting for a moderator")

    lyon = browser_login(browser, base, moderators["lyon"])
    lyon.goto("/moderation/")
    expect(lyon.locator("main")).to_contain_text("No open report in your zones")

    m = browser_login(browser, base, moderators["paris"])
    m.get_by_role("link", name="Moderation").first.click()
    entry = m.locator(".queue-entry")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text(message.body)
    expect(entry).to_contain_text("Harassment or insults × 1")
    expect(entry).to_contain_text("He keeps asking for my address.")
    expect(entry.locator(".point-map.leaflet-container")).to_have_count(1)
    assert_accessible(m)
    entry.get_by_label("Decision").select_option("hide")
    entry.get_by_label("Reason").fill("Insisting on an address is harassment.")
    entry.get_by_role("button", name="Decide").click()
    expect(m.locator(".messages")).to_contain_text("The decision is in the log")
    expect(m.locator(".queue-entry")).to_have_count(0)
    m.get_by_role("link", name="Moderation log").click()
    expect(m.locator("table.log")).to_contain_text("Insisting on an address is harassment.")

    a.goto("/my-reports/")
    expect(a.locator("table")).to_contain_text("Reviewed: the content was removed")
    a.goto(f"/conversations/{conversation.pk}/")
    expect(a.locator(f'li[data-id="{message.pk}"]')).to_contain_text("Removed by moderation")
    expect(a.locator("#chat-log")).not_to_contain_text(message.body)

    b = browser_login(browser, base, bruno)
    b.goto("/moderation-decisions/")
    expect(b.locator(".statement")).to_contain_text("Insisting on an address is harassment.")
    assert_accessible(b)
    assert ModerationAction.objects.get().moderator_id == moderators["paris"].pk
