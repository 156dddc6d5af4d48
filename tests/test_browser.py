"""The first journeys, in Debian's Chromium against a live daphne, as the
people who need them most would take them.

Mme Dupont, 78, on a 390 px phone in French: she signs up, says where she
lives by searching her address, asks for someone to carry her groceries on
a given day, puts the phone down; Karim offers to help; when she comes back
the home page and the menu tell her, and an email did too. The test counts
the screens she sees, the taps and the fields she types, so that the
journey cannot silently grow.

A keyboard user places the pin on the map without a mouse."""

import re
import time

import pytest
from django.utils import translation
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.timezone import localdate
from playwright.sync_api import expect

from neighbors.categories import categories_ensure
from neighbors.models import HelpCategory, User
from requests_board.models import HelpRequest
from tests.conftest import assert_accessible, browser_login, tile_stand_in
from tests.factories import UserFactory, resident_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


class Journey:
    """A page whose taps, typed fields and screens are counted."""

    def __init__(self, page):
        self.page = page
        self.taps = 0
        self.typed = []
        self.screens = []
        page.on(
            "framenavigated",
            lambda frame: frame == page.main_frame and self.screens.append(frame.url),
        )

    def tap(self, locator):
        self.taps += 1
        locator.click()

    def type(self, locator, text: str):
        self.typed.append(locator.get_attribute("name"))
        locator.fill(text)


@pytest.fixture
def phone(browser, asgi_server):
    context = browser.new_context(
        locale="fr-FR",
        base_url=f"http://{asgi_server}",
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    assert not errors, errors


def emailed(server_mail, to: str, pattern: str) -> str:
    """The plain body of the latest email to `to` whose body matches `pattern`."""
    for _ in range(50):
        for message in reversed(server_mail()):
            if message["To"] == to:
                body = message.get_body(preferencelist=("plain",)).get_content()
                if re.search(pattern, body, re.MULTILINE):
                    return body
        time.sleep(0.1)
    raise AssertionError(f"no email to {to} matching {pattern!r}")


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), page.url


def test_mme_dupont_signs_up_sets_her_home_asks_for_thursday_and_is_told(
    phone, browser, asgi_server, server_mail
):
    categories_ensure(HelpCategory)  # a transactional test starts from empty tables
    karim = resident_at(48.8650, 2.3702, display_name="Karim")
    journey = Journey(phone)
    page = phone

    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("#map img.leaflet-tile-loaded").first).to_be_visible()
    assert tile_stand_in().served > 0
    no_sideways_scroll(page)
    journey.tap(page.locator("header a[href='/accounts/signup/']"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Créer mon compte")
    assert page.locator("#id_password2").count() == 0  # one password, shown on request
    assert_accessible(page)
    journey.type(page.locator("#id_email"), "mme.dupont@example.org")
    journey.type(page.locator("#id_password1"), "mes rosiers 1948")
    journey.type(page.locator("#id_display_name"), "Mme Dupont")
    journey.tap(page.get_by_role("button", name="Créer mon compte"))

    code = emailed(server_mail, "mme.dupont@example.org", r"^\s*[0-9]{6}\s*$")
    journey.type(page.locator("#id_code"), re.search(r"^\s*([0-9]{6})\s*$", code, re.M).group(1))
    assert_accessible(page)
    journey.tap(page.get_by_role("button", name="Confirmer"))

    # Home first: "Where do you live?", the address search, no numbers in sight.
    expect(page).to_have_url(re.compile(r"/welcome/home/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Où habitez-vous ?")
    expect(page.locator("#id_lat")).to_be_hidden()
    no_sideways_scroll(page)
    assert_accessible(page)
    journey.type(page.locator("#id_address"), "12 rue Oberkampf, Paris")
    journey.tap(page.get_by_role("button", name="Trouver cette adresse"))
    expect(page.locator("#pin-map .leaflet-marker-icon")).to_have_count(1)
    journey.tap(page.get_by_role("button", name="C'est mon domicile"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre domicile est enregistré")
    home = User.objects.get(email="mme.dupont@example.org").home
    assert (round(home.y, 5), round(home.x, 5)) == (48.86472, 2.36981)

    # The step ends on the two things she came for.
    journey.tap(page.get_by_role("link", name="Demander de l'aide"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    no_sideways_scroll(page)
    assert_accessible(page)
    in_three_days = localdate().toordinal() + 3
    day = type(localdate()).fromordinal(in_three_days)
    with translation.override("fr"):
        day_name = capfirst(date_format(day, "l j F"))
    journey.tap(page.get_by_label(day_name, exact=True))
    journey.tap(page.get_by_label("Le matin", exact=True))
    journey.tap(page.get_by_role("button", name="Publier ma demande"))
    expect(page.locator(".messages")).to_contain_text("publiée")
    request = HelpRequest.objects.get(author__email="mme.dupont@example.org")
    assert request.needed_by == day and request.part_of_day == "morning"
    assert request.title == "Courses"  # nothing typed: the kind of help is the title
    expect(page.locator("main")).to_contain_text(f"{date_format(day, 'l j F')}".split()[0])

    screens = [url for url in journey.screens if url != "about:blank"]
    print(
        f"\njourney 1 (phone, fr): {len(screens)} screens, {journey.taps} taps, "
        f"{len(journey.typed)} typed fields {journey.typed}"
    )
    assert len(journey.typed) <= 5, journey.typed
    assert journey.taps <= 9, journey.taps

    # She puts the phone down. Karim sees the request near him and offers.
    k = browser_login(browser, f"http://{asgi_server}", karim, locale="fr-FR")
    k.goto(f"/requests/{request.pk}/")
    k.locator("#id_message").fill("Je peux passer jeudi à 10 h")
    k.get_by_role("button", name="Je peux aider").click()
    expect(k.locator(".messages")).to_be_visible()

    # When she comes back: the home page and the menu say it, and an email did.
    page.goto("/")
    expect(page.locator("main")).to_contain_text("Karim propose son aide")
    expect(page.locator("#messages-badge")).to_be_visible()
    expect(page.locator("#messages-badge")).to_contain_text("1")
    no_sideways_scroll(page)
    body = emailed(server_mail, "mme.dupont@example.org", r"Karim")
    assert "Je peux passer jeudi" not in body or "Karim" in body
    assert "48.86" not in body and "2.369" not in body


def test_a_keyboard_alone_places_the_home_pin(browser, asgi_server):
    user = UserFactory(display_name="Clavier")
    page = browser_login(browser, f"http://{asgi_server}", user)
    page.goto("/welcome/home/")
    centre = page.get_by_role("button", name="Put the pin at the centre of the map")
    centre.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#pin-status")).not_to_be_empty()
    first = float(page.locator("#id_lat").input_value())
    # The marker takes the focus; arrow keys nudge it.
    marker = page.locator("#pin-map .leaflet-marker-icon")
    marker.focus()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Shift+ArrowUp")
    moved = float(page.locator("#id_lat").input_value())
    assert moved > first
    page.get_by_role("button", name="This is my home").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your home is set")
    user.refresh_from_db()
    assert user.home.y == pytest.approx(moved, abs=1e-6)


def test_the_language_switch_keeps_the_page(browser, asgi_server):
    user = UserFactory()
    page = browser_login(browser, f"http://{asgi_server}", user, locale="fr-FR")
    page.goto("/profile/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("My profile")
    user.refresh_from_db()
    assert user.language == "en"  # emails follow
