"""A new user, in Debian's Chromium, against a live daphne: sign up, set the
home by clicking the map, switch language."""

import re
import time

import pytest
from playwright.sync_api import expect

from neighbors.models import User
from tests.conftest import assert_accessible, tile_stand_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser, asgi_server):
    context = browser.new_context(locale="fr-FR", base_url=f"http://{asgi_server}")
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    assert not errors, errors


def emailed_code(server_mail, to: str) -> str:
    """The verification code allauth emailed to `to` (the live server's outbox)."""
    for _ in range(50):
        for message in reversed(server_mail()):
            if message["To"] == to:
                body = message.get_body(preferencelist=("plain",)).get_content()
                return re.search(r"^\s*([0-9]{6})\s*$", body, re.MULTILINE).group(1)
        time.sleep(0.1)
    raise AssertionError(f"no email to {to}: {[m['To'] for m in server_mail()]}")


def test_sign_up_set_home_on_the_map_and_switch_language(page, server_mail):
    page.goto("/")
    assert_accessible(page)
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("#map .leaflet-control-attribution")).to_be_visible()
    # The tiles come from the configured server (here the local stand-in).
    expect(page.locator("#map img.leaflet-tile-loaded").first).to_be_visible()
    assert tile_stand_in().served > 0

    page.locator("header a[href='/accounts/signup/']").click()
    assert_accessible(page)
    page.locator("#id_email").fill("grace@example.org")
    page.locator("#id_password1").fill("jardin-partage-2026")
    page.locator("#id_password2").fill("jardin-partage-2026")
    page.locator("#id_display_name").fill("Grace")
    page.locator("form").filter(has=page.locator("#id_password1")).locator(
        "button[type=submit]"
    ).click()
    # The code emailed to the address, typed on the next page.
    page.locator("#id_code").fill(emailed_code(server_mail, "grace@example.org"))
    assert_accessible(page)
    page.locator("form").filter(has=page.locator("#id_code")).locator(
        "button[type=submit]"
    ).first.click()

    expect(page).to_have_url(re.compile(r"/profile/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon profil")
    assert page.locator("#id_lat").input_value() == ""
    assert_accessible(page)

    pin_map = page.locator("#pin-map")
    pin_map.scroll_into_view_if_needed()
    box = pin_map.bounding_box()
    pin_map.click(position={"x": box["width"] * 0.6, "y": box["height"] * 0.4})
    expect(page.locator("#pin-map .leaflet-marker-icon")).to_have_count(1)
    lat = float(page.locator("#id_lat").input_value())
    lng = float(page.locator("#id_lng").input_value())
    assert 48.8 < lat < 48.9 and 2.3 < lng < 2.45
    page.locator("button[name=save]").click()
    expect(page.locator(".messages")).to_contain_text("enregistré")

    user = User.objects.get(email="grace@example.org")
    assert user.home.y == pytest.approx(lat, abs=1e-6)
    assert user.home.x == pytest.approx(lng, abs=1e-6)

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("My profile")
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Help in your neighbourhood")
