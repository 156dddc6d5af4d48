"""Two neighbours chat in real time in two browsers, across a server restart."""

import pytest
from playwright.sync_api import expect

from chat.models import Message
from tests.conftest import assert_accessible, browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_chat(browser, address, user, conversation):
    page = browser_login(browser, f"http://{address}", user, timeout_ms=15_000)
    page.goto(f"/conversations/{conversation.pk}/")
    expect(page.locator("#chat-form")).to_have_attribute("data-live", "1")
    return page


def send(page, text):
    page.locator("#chat-body").fill(text)
    page.get_by_role("button", name="Send").click()


def test_real_time_chat_survives_a_server_restart(conversation, server_factory, browser):
    server = server_factory()  # its own, to restart
    alice = open_chat(browser, server.address, conversation.requester, conversation)
    bruno = open_chat(browser, server.address, conversation.volunteer, conversation)
    assert_accessible(alice)

    send(alice, "Bonjour <b>Bruno</b>, 10 h ça va ?")
    expect(bruno.locator(".bubble.theirs").last).to_contain_text(
        "Bonjour <b>Bruno</b>, 10 h ça va ?"
    )
    expect(bruno.locator(".bubble b")).to_have_count(0)  # text, never HTML
    expect(alice.locator(".bubble.mine").last).to_contain_text("Read")  # Bruno's page read it

    bruno.locator("#chat-body").press_sequentially("Oui")
    expect(alice.locator("#chat-typing")).to_contain_text("is typing")
    bruno.locator("#chat-body").fill("")

    server.stop()
    expect(alice.locator("#chat-status")).to_contain_text("Reconnecting")
    send(alice, "Sent while the server was down")
    expect(alice.locator(".bubble.mine").last).to_contain_text("Sending")
    server.start()

    # The page retries with a jittered backoff (1, 2, 4, 8 s ... up to 1.5 times
    # that): on a loaded machine the restart can outlast the first tries.
    expect(alice.locator("#chat-status")).to_have_text("Connected", timeout=30_000)
    expect(bruno.locator(".bubble.theirs").last).to_contain_text("Sent while the server was down")
    send(bruno, "Parfait, à tout à l'heure")
    expect(alice.locator(".bubble.theirs").last).to_contain_text("à tout à l'heure")

    bodies = list(Message.objects.filter(conversation=conversation).values_list("body", flat=True))
    assert bodies.count("Sent while the server was down") == 1
    assert len(bodies) == 4
    assert bruno.locator(".bubble").count() == 4


def test_a_new_message_is_announced_on_other_pages(conversation, asgi_server, browser):
    alice = open_chat(browser, asgi_server, conversation.requester, conversation)
    bruno = open_chat(browser, asgi_server, conversation.volunteer, conversation)
    bruno.goto("/requests/mine/")
    expect(bruno.locator("html")).to_have_attribute("data-live", "1")
    send(alice, "Are you still coming?")
    expect(bruno.locator("#live-notice")).to_contain_text("New message")
    expect(bruno.locator("#messages-badge")).to_have_text("1 unread")
