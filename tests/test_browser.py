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
from datetime import date
from urllib.parse import urlsplit

import pytest
from django.utils import translation
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.timezone import localdate
from playwright.sync_api import expect

from neighbors.categories import categories_ensure
from neighbors.models import HelpCategory, User
from requests_board import services
from requests_board.models import FollowUp, HelpRequest
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


def day_in(days: int, language: str):
    day = date.fromordinal(localdate().toordinal() + days)
    with translation.override(language):
        return day, capfirst(date_format(day, "l j F"))


def screens_before(journey, result_url: str) -> list[str]:
    """The distinct pages the person went through after the start page,
    the page that shows the result left out."""
    paths = []
    for url in journey.screens[1:]:
        path = urlsplit(url).path
        if url != result_url and path not in paths and url != "about:blank":
            paths.append(path)
    return paths


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
    # A typo first: said at the top, in words, with the focus on it.
    journey.type(page.locator("#id_address"), "12 rue Oberkamf, Paris")
    journey.tap(page.get_by_role("button", name="Trouver cette adresse"))
    summary = page.locator("[data-error-summary]").first
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Aucun lieu ne correspond")
    assert page.locator("#id_address").input_value() == "12 rue Oberkamf, Paris"  # kept
    journey.type(page.locator("#id_address"), "12 rue Oberkampf, Paris")
    journey.tap(page.get_by_role("button", name="Trouver cette adresse"))
    expect(page.locator("#pin-map .leaflet-marker-icon")).to_have_count(1)
    # The step ends on the two things she came for.
    journey.tap(page.get_by_role("button", name="Demander de l'aide"))
    expect(page.locator(".messages")).to_contain_text("Votre domicile est enregistré")
    home = User.objects.get(email="mme.dupont@example.org").home
    assert (round(home.y, 5), round(home.x, 5)) == (48.86472, 2.36981)

    expect(page.get_by_role("heading", level=1)).to_have_text("Demander de l'aide")
    no_sideways_scroll(page)
    assert_accessible(page)
    day, day_name = day_in(3, "fr")
    journey.tap(page.get_by_label(day_name, exact=True))
    journey.tap(page.get_by_label("Le matin", exact=True))
    journey.tap(page.get_by_role("button", name="Publier ma demande"))
    expect(page.locator(".messages")).to_contain_text("publiée")
    request = HelpRequest.objects.get(author__email="mme.dupont@example.org")
    assert request.needed_on == day and request.part_of_day == "morning"
    assert request.title == "Courses"  # nothing typed: the kind of help is the title
    expect(page.locator("main")).to_contain_text(f"{day_name.lower()}, le matin")

    screens = screens_before(journey, page.url)
    typed = sorted(set(journey.typed))
    print(
        f"\njourney 1 (phone, fr): {len(screens)} screens {screens}, {journey.taps} taps, "
        f"{len(typed)} typed fields {typed} (one typed twice: a typo)"
    )
    assert len(screens) <= 4, screens
    assert journey.taps <= 12, journey.taps
    assert len(typed) <= 5, typed

    # She puts the phone down. Karim offers to help.
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
    assert "48.86" not in body and "2.369" not in body


def tab_to(page, selector: str, presses: int = 80):
    """Tab until the focus is on `selector`, as a keyboard user would."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with Tab on {page.url}")


def test_the_same_journey_by_keyboard_alone_with_the_pin_placed_by_keys(
    browser, asgi_server, server_mail
):
    categories_ensure(HelpCategory)
    context = browser.new_context(locale="en-GB", base_url=f"http://{asgi_server}")
    page = context.new_page()
    page.set_default_timeout(10_000)
    keys = page.keyboard
    page.goto("/")
    tab_to(page, "header a[href='/accounts/signup/']")
    keys.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Create my account")
    tab_to(page, "#id_email")
    keys.type("clavier@example.org")
    tab_to(page, "#id_password1")
    keys.type("only keys 2026")
    tab_to(page, "#id_display_name")
    keys.type("Clavier")
    keys.press("Enter")
    expect(page.locator("#id_code")).to_be_visible()  # the next page, before any Tab
    code = emailed(server_mail, "clavier@example.org", r"^\s*[0-9]{6}\s*$")
    tab_to(page, "#id_code")
    keys.type(re.search(r"^\s*([0-9]{6})\s*$", code, re.M).group(1))
    keys.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Where do you live?")
    tab_to(page, "#pin-centre")
    keys.press("Enter")
    expect(page.locator("#pin-status")).not_to_be_empty()
    first = float(page.locator("#id_lat").input_value())
    tab_to(page, "#pin-map .leaflet-marker-icon")
    keys.press("ArrowUp")
    keys.press("Shift+ArrowUp")
    moved = float(page.locator("#id_lat").input_value())
    assert moved > first
    tab_to(page, "button[value=request]")
    keys.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask for help")
    user = User.objects.get(email="clavier@example.org")
    assert user.home.y == pytest.approx(moved, abs=1e-6)

    # The day: Tab into the group, arrows move along the days.
    tab_to(page, "input[name=needed_on]")
    keys.press("Space")  # today
    target = day_in(3, "en")[0].isoformat()
    checked = "() => document.querySelector('input[name=needed_on]:checked')?.value"
    for _ in range(7):
        if page.evaluate(checked) == target:
            break
        keys.press("ArrowRight")
    assert page.evaluate(checked) == target
    tab_to(page, "input[name=part_of_day]")
    keys.press("ArrowRight")
    tab_to(page, "form.card button[type=submit]")
    keys.press("Enter")
    expect(page.locator(".messages")).to_contain_text("published")
    request = HelpRequest.objects.get(author=user)
    assert request.needed_on == day_in(3, "en")[0] and request.part_of_day == "morning"


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


def phone_for(browser, asgi_server, user):
    """A French phone, signed in as `user`."""
    return browser_login(
        browser,
        f"http://{asgi_server}",
        user,
        locale="fr-FR",
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
    )


def test_the_whole_loop_asked_to_karim_told_chat_accept_done_did_it_help(
    browser, asgi_server, server_mail
):
    """Mme Dupont asks Karim directly from his offer; he is told and answers;
    she is told, they chat, she accepts him, he sees where to meet, she marks
    it done and says it helped. On phones, in French, with no dead end."""
    categories_ensure(HelpCategory)
    groceries = HelpCategory.objects.get(slug="groceries")
    dupont = resident_at(48.8600, 2.3700, display_name="Mme Dupont", language="fr")
    karim = resident_at(48.8640, 2.3702, display_name="Karim", language="fr")
    services.offer_create(volunteer=karim, categories=[groceries], availability="Le matin")
    d = phone_for(browser, asgi_server, dupont)
    k = phone_for(browser, asgi_server, karim)
    taps = 0

    # She asks Karim, from his offer on the home page.
    d.goto("/")
    d.get_by_role("link", name="Demander à Karim").click()
    taps += 1
    expect(d.locator("#direct-notice")).to_contain_text("Votre demande va d’abord à Karim")
    no_sideways_scroll(d)
    day, day_name = day_in(2, "fr")
    d.get_by_label(day_name, exact=True).click()
    d.get_by_role("button", name="Envoyer ma demande à Karim").click()
    taps += 2
    expect(d.locator(".messages")).to_contain_text("Votre demande est envoyée à Karim")
    expect(d.locator("#direct-waiting")).to_contain_text("Vous avez demandé d’abord à Karim")
    request = HelpRequest.objects.get(author=dupont)
    assert request.addressed_to.volunteer == karim and request.title == "Courses"

    # Karim is told (home page, email) and answers, which opens the conversation.
    assert f"/requests/{request.pk}/" in emailed(server_mail, karim.email, r"vous le demande")
    k.goto("/near-me/")  # where volunteers look: the results on the first screen
    first = k.locator("ul.items > li").first
    expect(first).to_contain_text("Courses")
    assert first.bounding_box()["y"] < PHONE["height"] - 100
    k.goto("/")
    k.get_by_role("link", name=re.compile("Mme Dupont vous demande")).click()
    expect(k.get_by_role("heading", name="Mme Dupont vous le demande en premier")).to_be_visible()
    assert_accessible(k)
    k.locator("#id_message").fill("Je passe à 10 h, ça vous va ?")
    k.get_by_role("button", name="Je peux aider").click()
    expect(k.locator(".messages")).to_be_visible()

    # She comes back: told on the home page; the chat from the request.
    d.goto("/")
    d.get_by_role("link", name=re.compile("Karim propose son aide")).click()
    expect(d.locator("#direct-waiting")).to_have_count(0)  # he answered: nothing waits
    d.get_by_role("link", name="Discuter avec Karim").click()
    taps += 2
    expect(d.locator("#chat-form")).to_have_attribute("data-live", "1")
    expect(d.locator(".bubble.theirs").first).to_contain_text("Je passe à 10 h")
    k.get_by_role("link", name="Discuter avec Mme Dupont").click()
    expect(k.locator("#chat-form")).to_have_attribute("data-live", "1")
    d.locator("#chat-body").fill("Oui, merci beaucoup")
    d.get_by_role("button", name="Envoyer").click()
    taps += 1
    expect(k.locator(".bubble.theirs").last).to_contain_text("Oui, merci beaucoup")
    no_sideways_scroll(d)
    assert_accessible(d)

    # She accepts him, asked once more first.
    d.get_by_role("link", name="Courses").click()
    d.get_by_role("link", name="Accepter l'aide de Karim").click()
    d.get_by_role("button", name="Oui, accepter Karim").click()
    taps += 3
    expect(d.locator(".status")).to_contain_text("Prise en charge")
    k.goto(f"/requests/{request.pk}/")
    expect(k.get_by_role("heading", name="Point de rendez-vous")).to_be_visible()
    expect(k.get_by_role("link", name="Itinéraire à pied")).to_be_visible()

    # Done, and straight to the one question; the answer she chose is marked.
    d.get_by_role("button", name="Marquer comme terminée").click()
    taps += 1
    expect(d.get_by_role("heading", level=1)).to_have_text("Cela vous a-t-il aidé ?")
    no_sideways_scroll(d)
    assert_accessible(d)
    d.get_by_label("5, beaucoup", exact=True).click()
    d.get_by_role("button", name="Envoyer").click()
    taps += 2
    expect(d.locator("#answer-given")).to_contain_text("Votre réponse : 5 sur 5.")
    expect(d.get_by_label("5, beaucoup", exact=True)).to_be_checked()
    assert FollowUp.objects.get(request=request, user=dupont).score == 5
    print(f"\nthe whole loop, Mme Dupont's side (phone, fr): {taps} taps, 1 typed field")

    # Karim is asked too, from his home page.
    k.goto("/")
    k.get_by_role("link", name="Une question sur « Courses »").click()
    expect(k.get_by_role("heading", level=1)).to_have_text("Cela vous a-t-il aidé ?")
