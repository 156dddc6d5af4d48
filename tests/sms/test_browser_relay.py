"""A relay's journey in Debian's Chromium against a live daphne with the
SMS bridge on, a gateway stand-in on loopback (real HTTP, real signatures):
a moderator names Sophie a relay; she records Mme Martin (no internet, a
basic phone) with her consent and asks for help for her; Bruno, 600 m from
Martin's place, answers; Sophie accepts him and hands the conversation to
Martin's phone; his words reach her phone, hers reach his screen live;
FAIT closes the request and 5 answers the follow-up. Bruno never sees her
number."""

import re

import pytest
from django_tasks_db.models import DBTaskResult
from playwright.sync_api import expect

from geo.models import Zone
from moderation.models import Moderator
from neighbors.categories import categories_ensure
from neighbors.models import HelpCategory
from relays.models import KeptNeighbour
from requests_board.models import FollowUp, HelpRequest
from sms.models import Text
from sms.tasks import text_deliver
from tests.conftest import assert_accessible, browser_login
from tests.factories import UserFactory, box, resident_at
from tests.stand_ins import KNOWN_PLACES, SmsGatewayStandIn

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SECRET = "browser-webhook-secret"
TOKEN = "browser-gateway-token"
MARTIN = "+33612345678"


def deliver() -> None:
    """What the task worker does: the queued texts to the gateway."""
    for text in Text.objects.filter(status=Text.Status.QUEUED).order_by("pk"):
        text_deliver.call(text.pk)
    DBTaskResult.objects.all().delete()


def on_phone(browser, base_url, user):
    return browser_login(
        browser, base_url, user, locale="fr-FR", viewport=PHONE, is_mobile=True, has_touch=True
    )


def no_number_in(page) -> None:
    html = page.content()
    for written in (MARTIN, "06 12 34 56 78", "612345678"):
        assert written not in html, page.url


def test_a_relay_asks_for_mme_martin_accepts_bruno_and_hands_the_chat_to_her_phone(
    browser, server_factory, settings
):
    categories_ensure(HelpCategory)
    lat, lng, _label = KNOWN_PLACES["12 rue oberkampf, paris"]
    Zone.objects.create(name="Paris 11", area=box(2.36, 48.85, 2.39, 48.88))
    modo = UserFactory(display_name="Modo", language="fr")
    Moderator.objects.create(user=modo, everywhere=True)
    sophie = resident_at(48.8640, 2.3702, display_name="Sophie", language="fr")
    bruno = resident_at(lat + 0.0054, lng, display_name="Bruno", language="fr")  # 600 m
    with SmsGatewayStandIn(TOKEN) as gateway:
        sms = {
            "SMS_BACKEND": "gateway",
            "SMS_GATEWAY_URL": gateway.url,
            "SMS_GATEWAY_TOKEN": TOKEN,
            "SMS_WEBHOOK_SECRET": SECRET,
        }
        for name, value in sms.items():
            setattr(settings, name, value)  # this process sends what the server queued
        base = f"http://{server_factory(**sms).address}"

        # A moderator names Sophie a relay.
        m = browser_login(browser, base, modo, locale="fr-FR")
        m.goto("/moderation/relays/")
        m.get_by_label("L'adresse e-mail du relais").fill(sophie.email)
        m.get_by_role("button", name="Nommer ce relais").click()
        expect(m.locator(".messages")).to_contain_text(
            "est maintenant relais dans la zone Paris 11"
        )

        # She records Mme Martin, found by her address, with her consent.
        s = on_phone(browser, base, sophie)
        s.goto("/")
        s.get_by_role("button", name="Menu").click()  # folded on a phone
        s.get_by_role("link", name="Voisins sans internet").click()
        s.get_by_role("link", name="Enregistrer un voisin").click()
        s.get_by_label("Prénom", exact=True).fill("Martine")
        s.get_by_label("Adresse", exact=True).fill("12 rue Oberkampf, Paris")
        s.get_by_role("button", name="Trouver cette adresse").click()
        expect(s.locator(".messages")).to_contain_text("Adresse trouvée")
        expect(s.get_by_label("Prénom", exact=True)).to_have_value(
            "Martine"
        )  # kept while searching
        s.get_by_label("Numéro de téléphone (facultatif)").fill("06 12 34 56 78")
        s.get_by_label("par téléphone").check()
        assert_accessible(s)
        s.get_by_role("button", name="Enregistrer", exact=True).click()
        expect(s.locator(".messages")).to_contain_text("Martine est enregistré")
        martine = KeptNeighbour.objects.get(relay=sophie)
        assert martine.phone == MARTIN and abs(martine.place.y - lat) < 1e-5

        # She asks for help for her, from her place.
        s.get_by_role("link", name="Demander de l'aide pour Martine").click()
        expect(s.locator("#posted-for-notice")).to_contain_text("pour Martine")
        s.get_by_role("button", name="Publier la demande pour Martine").click()
        expect(s.locator(".messages")).to_contain_text("La demande pour Martine est publiée")
        request = HelpRequest.objects.get(author=sophie)
        assert request.on_behalf_of == martine and request.location.equals_exact(martine.place)

        # Bruno finds it near him and offers to help.
        b = on_phone(browser, base, bruno)
        b.goto(f"/requests/{request.pk}/")
        expect(b.locator("article")).to_contain_text(
            "Publié par un relais, Sophie, pour un voisin sans internet"
        )
        no_number_in(b)
        b.get_by_label("Message").fill("Je passe demain à 10 h ?")
        b.get_by_role("button", name="Je peux aider").click()

        # Sophie accepts him, then hands the conversation to Martine's phone.
        s.goto(f"/requests/{request.pk}/")
        s.get_by_role("link", name="Accepter l'aide de Bruno").click()
        s.get_by_role("button", name="Oui, accepter Bruno").click()
        expect(s.locator(".status")).to_contain_text("Prise en charge")
        assert gateway.sent == []  # texts were not on for Martine: nothing until handed over
        s.get_by_role(
            "button", name="Faire passer la conversation sur le téléphone de Martine"
        ).click()
        expect(s.locator(".messages")).to_contain_text("passe maintenant par SMS")
        deliver()
        (handed,) = gateway.sent
        assert handed["to"] == MARTIN and "Bruno" in handed["body"] and "FAIT" in handed["body"]
        s.reload()
        expect(s.locator("#texts")).to_contain_text("envoyé")  # the delivery status, for her relay

        # His words go to her phone; hers come to his screen, live.
        b.goto(f"/requests/{request.pk}/")
        b.get_by_role("link", name=re.compile("Discuter avec Sophie")).first.click()
        expect(b.locator(".notice")).to_contain_text("Martine")
        b.get_by_label("Votre message").fill("Je sonne à 10 h")
        b.get_by_role("button", name="Envoyer").click()
        expect(b.locator("#chat-log")).to_contain_text("Je sonne à 10 h")
        for _ in range(50):
            if Text.objects.filter(body__contains="Je sonne à 10 h").exists():
                break
            b.wait_for_timeout(100)
        deliver()
        assert gateway.sent[-1]["body"] == "Bruno : Je sonne à 10 h"
        inbound = f"{base}/sms/inbound"
        assert gateway.inbound(inbound, secret=SECRET, sender=MARTIN, body="D'accord, merci") == 200
        expect(b.locator("#chat-log")).to_contain_text("D'accord, merci")
        expect(b.locator("#chat-log .by-text").last).to_contain_text("par SMS")
        no_number_in(b)
        assert gateway.inbound(inbound, secret="wrong", sender=MARTIN, body="FAIT") == 403

        # FAIT closes it; 5 answers "Did this help?".
        assert gateway.inbound(inbound, secret=SECRET, sender=MARTIN, body="FAIT") == 200
        assert HelpRequest.objects.get(pk=request.pk).status == "done"
        deliver()
        assert "1 (pas du tout)" in gateway.sent[-1]["body"]
        assert gateway.inbound(inbound, secret=SECRET, sender=MARTIN, body="5") == 200
        assert FollowUp.objects.get(request=request, user=sophie).score == 5
        s.goto(f"/requests/{request.pk}/")
        expect(s.locator("#texts")).to_contain_text("FAIT")
        assert_accessible(s)
