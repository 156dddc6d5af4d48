"""The installable app in Debian's Chromium against a live daphne: a valid
manifest and an active service worker at scope /; offline, the person's
conversation opens from the kept copy and says how old it is; a message
written offline is delivered exactly once when the connection returns."""

import struct

import pytest
from playwright.sync_api import expect

from chat.models import Message
from tests.conftest import assert_accessible, browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_installable_then_offline_the_conversation_opens_and_a_message_waits_to_go_once(
    conversation, asgi_server, browser
):
    base = f"http://{asgi_server}"
    alice = browser_login(browser, base, conversation.requester, locale="fr-FR")
    page_url = f"/conversations/{conversation.pk}/"

    manifest = alice.request.get("/manifest.webmanifest")
    assert manifest.headers["content-type"].startswith("application/manifest+json")
    data = manifest.json()
    assert data["display"] == "standalone" and data["scope"] == "/" and data["lang"] == "fr"
    assert data["start_url"].startswith("/") and data["short_name"] and data["theme_color"]
    sizes = {}
    for icon in data["icons"]:
        width, height = png_size(alice.request.get(icon["src"]).body())
        assert f"{width}x{height}" == icon["sizes"]
        sizes.setdefault(icon.get("purpose", "any"), set()).add(width)
    assert sizes == {"any": {192, 512}, "maskable": {192, 512}}
    worker = alice.request.get("/sw.js")
    assert worker.headers["content-type"].startswith("application/javascript")
    assert "no-cache" in worker.headers.get("cache-control", "")

    alice.goto(page_url)
    state = alice.evaluate(
        "navigator.serviceWorker.ready.then(r => ({scope: r.scope, state: r.active.state}))"
    )
    assert state == {"scope": f"{base}/", "state": "activated"}
    # Seen once under the worker's control: kept for offline use.
    alice.reload()
    expect(alice.locator("#chat-form")).to_have_attribute("data-live", "1")
    alice.wait_for_function(
        "path => caches.open('entraide-pages-1').then(c => c.match(path)).then(Boolean)",
        arg=page_url,
    )

    alice.context.set_offline(True)
    alice.reload()
    expect(alice.locator(".bubble.theirs").first).to_contain_text("Je peux passer à 10 h")
    banner = alice.locator("#offline-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Pas de connexion")
    assert_accessible(alice)

    alice.locator("#chat-body").fill("Écrit sans réseau")
    alice.get_by_role("button", name="Envoyer").click()
    mine = alice.locator(".bubble.mine", has_text="Écrit sans réseau")
    expect(mine).to_have_attribute("data-state", "sending")
    assert not Message.objects.filter(body="Écrit sans réseau").exists()

    alice.context.set_offline(False)
    expect(mine).to_have_attribute("data-state", "sent", timeout=15_000)
    expect(banner).to_contain_text("La connexion est revenue")
    # Once, whatever the reconnections; and again once after a reload.
    alice.reload()
    expect(alice.locator("#chat-form")).to_have_attribute("data-live", "1")
    expect(alice.locator(".bubble.mine", has_text="Écrit sans réseau")).to_have_count(1)
    assert Message.objects.filter(body="Écrit sans réseau").count() == 1


def test_a_request_written_offline_is_published_once_when_the_connection_returns(
    asgi_server, browser, category
):
    from neighbors.models import User
    from requests_board.models import HelpRequest
    from tests.factories import resident_at

    dupont = resident_at(48.86, 2.37, display_name="Mme Dupont", language="fr")
    page = browser_login(browser, f"http://{asgi_server}", dupont, locale="fr-FR")
    page.goto("/requests/new/")
    page.reload()  # under the service worker's control: kept for offline use
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.context.set_offline(True)
    page.get_by_label("Pas de jour précis", exact=True).check()
    page.locator("#id_title").fill("Écrit dans le métro")
    page.get_by_role("button", name="Publier ma demande").click()
    expect(page.locator("#queued-notice")).to_be_visible()
    assert not HelpRequest.objects.filter(title="Écrit dans le métro").exists()

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#offline-banner")).to_contain_text("est publié", timeout=15_000)
    # The page again, online: nothing left to send, and the request is there once.
    page.goto("/requests/mine/")
    page.wait_for_timeout(500)
    assert HelpRequest.objects.filter(title="Écrit dans le métro", author=dupont).count() == 1
    assert User.objects.filter(pk=dupont.pk).exists()


def test_what_one_person_left_waiting_is_never_sent_as_the_next_one(
    conversation, asgi_server, browser
):
    """A shared phone: Alice writes without a connection and leaves; Bruno
    signs in on the same browser. Her waiting message is neither shown to
    him nor sent as his, and the pages kept for her are forgotten."""
    from tests.factories import PASSWORD

    base = f"http://{asgi_server}"
    alice = browser_login(browser, base, conversation.requester, locale="fr-FR")
    page_url = f"/conversations/{conversation.pk}/"
    alice.goto(page_url)
    alice.reload()  # under the service worker's control
    expect(alice.locator("#chat-form")).to_have_attribute("data-live", "1")
    alice.context.set_offline(True)
    alice.reload()  # from the kept copy: no socket
    alice.locator("#chat-body").fill("Écrit par Alice")
    alice.get_by_role("button", name="Envoyer").click()
    expect(alice.locator(".bubble.mine", has_text="Écrit par Alice")).to_be_visible()
    alice.wait_for_timeout(300)  # the outbox write
    context = alice.context
    alice.close()
    context.clear_cookies()
    context.set_offline(False)

    bruno = context.new_page()
    bruno.set_default_timeout(10_000)
    bruno.goto(f"{base}/accounts/login/")
    bruno.locator("#id_login").fill(conversation.volunteer.email)
    bruno.locator("#id_password").fill(PASSWORD)
    bruno.locator("main button[type=submit]").click()
    bruno.goto(f"{base}{page_url}")
    expect(bruno.locator("#chat-form")).to_have_attribute("data-live", "1")
    bruno.wait_for_timeout(1500)
    expect(bruno.locator(".bubble", has_text="Écrit par Alice")).to_have_count(0)
    assert not Message.objects.filter(body="Écrit par Alice").exists()
    kept = bruno.evaluate(
        "path => caches.open('entraide-pages-1').then(c => c.match(path)).then(r => r ? r.text() : '')",
        page_url,
    )
    assert "Écrit par Alice" not in kept
