"""The SMS bridge end to end, on the real database, with the providers'
stand-ins on loopback (real HTTP, real signatures): a relay records Mme
Martin (no internet, a basic phone) and posts her request; Bruno, 600 m
away, answers; the texts reach her phone and her answers act."""

import json
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from chat.models import Message
from geo.points import METRES_PER_DEGREE_LAT
from relays.models import KeptNeighbour
from requests_board.models import FollowUp, HelpRequest, Notification
from sms import services
from sms.models import StoppedNumber, Text, Thread
from sms.tasks import text_deliver
from tests.factories import (
    PARIS,
    KeptNeighbourFactory,
    RelayFactory,
    UserFactory,
    ZoneFactory,
    resident_at,
)
from tests.stand_ins import SmsGatewayStandIn, TwilioStandIn, gateway_signature, twilio_signature

SECRET = "webhook-secret"
TOKEN = "gateway-token"
MARTIN = "+33612345678"
MARTIN_WRITTEN = "06 12 34 56 78"
SITE = "https://entraide.example"


@pytest.fixture
def gateway(settings):
    with SmsGatewayStandIn(TOKEN) as stand_in:
        settings.SMS_BACKEND = "gateway"
        settings.SMS_GATEWAY_URL = stand_in.url
        settings.SMS_GATEWAY_TOKEN = TOKEN
        settings.SMS_WEBHOOK_SECRET = SECRET
        yield stand_in


def deliver() -> None:
    """What the task worker does: every queued text to the provider."""
    for text in Text.objects.filter(status=Text.Status.QUEUED).order_by("pk"):
        text_deliver.call(text.pk)
    DBTaskResult.objects.all().delete()


def text_in(client, body: str, *, sender: str = MARTIN, id: str | None = None, secret=SECRET):
    """A text from a phone, as the gateway forwards it (signed)."""
    text_in.count = getattr(text_in, "count", 0) + 1
    raw = json.dumps({"id": id or f"in-{text_in.count}", "from": sender, "body": body}).encode()
    headers = {"HTTP_X_ENTRAIDE_SIGNATURE": gateway_signature(secret, raw)} if secret else {}
    return client.post("/sms/inbound", raw, content_type="application/json", **headers)


def north_of(metres: float) -> tuple[float, float]:
    return PARIS[0] + metres / METRES_PER_DEGREE_LAT, PARIS[1]


@pytest.fixture
def relay(db):
    return RelayFactory(user__display_name="Sophie").user


@pytest.fixture
def bruno(db, category):
    user = resident_at(*north_of(600), display_name="Bruno", walk_radius_m=1000)
    user.skills.add(category)
    return user


def martin_recorded(api_for, relay, **changes) -> int:
    body = {
        "first_name": "Martine",
        "phone": MARTIN_WRITTEN,
        "place": {"lat": PARIS[0], "lng": PARIS[1]},
        "languages": ["fr"],
        "texts": True,
        "consent": {"given_at": "2026-12-01", "how": "phone"},
        **changes,
    }
    response = api_for(relay).post("/api/v1/relay/neighbours", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def her_request(api_for, relay, neighbour_id) -> dict:
    response = api_for(relay).post(
        "/api/v1/requests",
        {"title": "Courses au marché", "category": "groceries", "on_behalf_of": neighbour_id},
        format="json",
    )
    assert response.status_code == 201, response.json()
    return response.json()


def test_mme_martin_is_helped_by_text_from_post_to_follow_up(
    api_for, client, relay, bruno, gateway
):
    neighbour_id = martin_recorded(api_for, relay)
    assert KeptNeighbour.objects.get(pk=neighbour_id).phone == MARTIN  # stored in E.164
    posted = her_request(api_for, relay, neighbour_id)
    assert posted["for_neighbour"] is True
    assert posted["on_behalf_of"] == {"id": neighbour_id, "first_name": "Martine"}
    assert posted["location"] == {"lat": PARIS[0], "lng": PARIS[1]}  # from her place

    # Bruno, 600 m from her place, sees it and answers.
    nearby = api_for(bruno).get("/api/v1/requests/nearby").json()
    assert [r["id"] for r in nearby["results"]] == [posted["id"]]
    seen = nearby["results"][0]
    assert seen["for_neighbour"] is True and "on_behalf_of" not in seen and "location" not in seen
    answer = api_for(bruno).post(
        f"/api/v1/requests/{posted['id']}/responses",
        {"message": "Je passe demain à 10 h ?"},
        format="json",
    )
    assert answer.status_code == 201
    deliver()
    (proposal,) = gateway.sent
    assert proposal["to"] == MARTIN
    assert "Bruno" in proposal["body"] and "Je passe demain à 10 h ?" in proposal["body"]
    assert "OUI" in proposal["body"]  # in her language
    assert Text.objects.get(pk=proposal["id"]).status == Text.Status.SENT

    # OUI accepts Bruno: he now sees the meeting point, still not her number.
    assert text_in(client, "Oui !").status_code == 200
    request = HelpRequest.objects.get(pk=posted["id"])
    assert request.status == "matched" and request.helper == bruno
    deliver()
    assert "FAIT" in gateway.sent[-1]["body"]

    # His messages go to her phone; her words come into the chat.
    (conversation,) = api_for(bruno).get("/api/v1/conversations").json()
    sent = api_for(bruno).post(
        f"/api/v1/conversations/{conversation['id']}/messages",
        {"body": "Je sonne au 3e", "client_id": "b-1"},
        format="json",
    )
    assert sent.status_code == 201
    deliver()
    assert gateway.sent[-1]["body"] == "Bruno : Je sonne au 3e"
    text_in(client, "Merci, à demain")
    messages = api_for(bruno).get(f"/api/v1/conversations/{conversation['id']}/messages").json()
    last = messages["results"][-1]
    assert last["body"] == "Merci, à demain" and last["by_text"] is True
    assert last["sender"] == relay.pk

    # FAIT closes it; "5" answers the follow-up.
    text_in(client, "fait")
    assert HelpRequest.objects.get(pk=posted["id"]).status == "done"
    deliver()
    assert "1" in gateway.sent[-1]["body"] and "5" in gateway.sent[-1]["body"]
    text_in(client, "5")
    assert FollowUp.objects.get(request_id=posted["id"], user=relay).score == 5

    # STOP: nothing more reaches her phone, and the relay is told.
    text_in(client, "STOP")
    assert StoppedNumber.objects.count() == 1
    assert KeptNeighbour.objects.get(pk=neighbour_id).texts is False
    assert Notification.objects.filter(user=relay, kind="texts_stopped").exists()
    before = len(gateway.sent)
    text = services.text_send(phone=MARTIN, body="encore ?")
    deliver()
    assert text.status == Text.Status.STOPPED and len(gateway.sent) == before

    # Nowhere does Bruno see her number, however it is written.
    for url in [
        f"/api/v1/requests/{posted['id']}",
        "/api/v1/conversations",
        f"/api/v1/conversations/{conversation['id']}/messages",
        "/api/v1/me/export",
    ]:
        page = api_for(bruno).get(url).content.decode()
        for written in (MARTIN, MARTIN_WRITTEN, "612345678"):
            assert written not in page, url
    client.force_login(bruno)
    for url in [f"/requests/{posted['id']}/", f"/conversations/{conversation['id']}/"]:
        page = client.get(url).content.decode()
        assert "Martine" in page or url.startswith("/requests")
        for written in (MARTIN, MARTIN_WRITTEN, "612345678"):
            assert written not in page, url


def test_no_declines_and_the_next_offer_is_texted(api_for, client, relay, bruno, category, gateway):
    chloe = resident_at(*north_of(300), display_name="Chloé")
    posted = her_request(api_for, relay, martin_recorded(api_for, relay))
    for volunteer, words in [(bruno, "Je peux lundi"), (chloe, "Moi demain matin")]:
        api_for(volunteer).post(
            f"/api/v1/requests/{posted['id']}/responses", {"message": words}, format="json"
        )
    deliver()
    assert len(gateway.sent) == 1 and "Bruno" in gateway.sent[0]["body"]  # one at a time
    text_in(client, "Non")
    deliver()
    assert "Chloé" in gateway.sent[-1]["body"] and "Moi demain matin" in gateway.sent[-1]["body"]
    text_in(client, "YES")
    request = HelpRequest.objects.get(pk=posted["id"])
    assert request.helper == chloe
    assert request.responses.get(volunteer=bruno).status == "declined"


def test_a_signature_wrong_or_missing_is_403_and_stores_nothing(
    api_for, client, relay, bruno, gateway
):
    posted = her_request(api_for, relay, martin_recorded(api_for, relay))
    api_for(bruno).post(
        f"/api/v1/requests/{posted['id']}/responses", {"message": "Je peux"}, format="json"
    )
    stored = Text.objects.count()
    assert text_in(client, "OUI", secret="not-the-secret").status_code == 403
    assert text_in(client, "OUI", secret=None).status_code == 403
    raw = json.dumps({"id": "x", "from": MARTIN, "body": "OUI"}).encode()
    forged = client.post(
        "/sms/inbound",
        raw.replace(b"OUI", b"NON"),
        content_type="application/json",
        HTTP_X_ENTRAIDE_SIGNATURE=gateway_signature(SECRET, raw),
    )
    assert forged.status_code == 403
    assert Text.objects.count() == stored
    assert HelpRequest.objects.get(pk=posted["id"]).status == "open"
    # Signed but not a text: 400, nothing stored.
    raw = b'{"id": 1}'
    malformed = client.post(
        "/sms/inbound",
        raw,
        content_type="application/json",
        HTTP_X_ENTRAIDE_SIGNATURE=gateway_signature(SECRET, raw),
    )
    assert malformed.status_code == 400 and malformed.json()["error"] == "invalid"
    assert Text.objects.count() == stored


def test_the_same_text_twice_is_stored_once_and_acts_once(api_for, client, relay, bruno, gateway):
    posted = her_request(api_for, relay, martin_recorded(api_for, relay))
    api_for(bruno).post(
        f"/api/v1/requests/{posted['id']}/responses", {"message": "Je peux"}, format="json"
    )
    text_in(client, "OUI", id="same")
    text_in(client, "FAIT", id="f")
    assert text_in(client, "OUI", id="same").status_code == 200
    assert Text.objects.filter(direction="in", provider_id="same").count() == 1
    assert HelpRequest.objects.get(pk=posted["id"]).status == "done"


def test_a_number_nobody_keeps_leaves_nothing(client, gateway, db):
    assert text_in(client, "Bonjour", sender="+33699999999").status_code == 200
    assert not Text.objects.exists()


def test_the_daily_budget_and_the_cap_per_number(api_for, relay, settings, gateway):
    settings.SMS_DAILY_BUDGET = 3
    settings.SMS_NUMBER_DAILY_CAP = 2
    martine = KeptNeighbourFactory(relay=relay)
    other = KeptNeighbourFactory(relay=relay, phone="+33687654321")
    statuses = [
        services.text_send(phone=MARTIN, body=str(n), neighbour=martine).status for n in range(3)
    ]
    assert statuses == ["queued", "queued", "over_cap"]
    statuses = [
        services.text_send(phone=other.phone, body=str(n), neighbour=other).status for n in range(2)
    ]
    assert statuses == ["queued", "over_budget"]
    deliver()
    assert len(gateway.sent) == 3  # what was not sent never reached the provider
    # The relay is told once a day per neighbour, not once per text.
    services.text_send(phone=MARTIN, body="again", neighbour=martine)
    assert Notification.objects.filter(user=relay, kind="text_not_sent").count() == 2


def test_the_relay_sees_delivery_reports_and_failures(api_for, client, relay, bruno, gateway):
    posted = her_request(api_for, relay, martin_recorded(api_for, relay))
    api_for(bruno).post(
        f"/api/v1/requests/{posted['id']}/responses", {"message": "Je peux"}, format="json"
    )
    deliver()
    proposal = Text.objects.get(direction="out")
    raw = json.dumps({"id": str(proposal.pk), "status": "delivered"}).encode()
    report = client.post(
        "/sms/status",
        raw,
        content_type="application/json",
        HTTP_X_ENTRAIDE_SIGNATURE=gateway_signature(SECRET, raw),
    )
    assert report.status_code == 200
    client.force_login(relay)
    page = client.get(f"/requests/{posted['id']}/").content.decode()
    assert "SMS avec Martine" in page and "remis" in page  # the site speaks French first
    gateway.mode = "error"
    services.text_send(phone=MARTIN, body="x", neighbour=proposal.neighbour, thread=proposal.thread)
    deliver()
    assert Text.objects.filter(status="failed").count() == 1


def test_twilio_texts_out_and_its_signed_webhook_in(api_for, client, relay, bruno, settings):
    sid, token = "AC" + "1" * 32, "auth-token"
    with TwilioStandIn(sid, token) as twilio:
        settings.SMS_BACKEND = "twilio"
        settings.SMS_API_BASE_URL = twilio.base_url
        settings.SMS_TWILIO_ACCOUNT_SID = sid
        settings.SMS_TWILIO_AUTH_TOKEN = token
        settings.SMS_FROM = "+33100000000"
        settings.SITE_URL = SITE
        posted = her_request(api_for, relay, martin_recorded(api_for, relay))
        api_for(bruno).post(
            f"/api/v1/requests/{posted['id']}/responses", {"message": "Je peux"}, format="json"
        )
        deliver()
        (sent,) = twilio.sent
        assert sent["to"] == MARTIN and sent["from"] == "+33100000000"
        assert sent["status_callback"] == f"{SITE}/sms/status"
        params = {
            "MessageSid": "SM" + "2" * 32,
            "From": MARTIN,
            "To": "+33100000000",
            "Body": "OUI",
        }
        bad = client.post(
            "/sms/inbound",
            urlencode(params),
            content_type="application/x-www-form-urlencoded",
            HTTP_X_TWILIO_SIGNATURE=twilio_signature("wrong", f"{SITE}/sms/inbound", params),
        )
        assert bad.status_code == 403
        assert HelpRequest.objects.get(pk=posted["id"]).status == "open"
        good = client.post(
            "/sms/inbound",
            urlencode(params),
            content_type="application/x-www-form-urlencoded",
            HTTP_X_TWILIO_SIGNATURE=twilio_signature(token, f"{SITE}/sms/inbound", params),
        )
        assert good.status_code == 200 and b"<Response>" in good.content
        assert HelpRequest.objects.get(pk=posted["id"]).status == "matched"


def test_the_relay_hands_an_accepted_conversation_to_her_phone(
    api_for, client, relay, bruno, gateway
):
    neighbour_id = martin_recorded(api_for, relay, texts=False)
    posted = her_request(api_for, relay, neighbour_id)
    api_for(bruno).post(
        f"/api/v1/requests/{posted['id']}/responses", {"message": "Je peux"}, format="json"
    )
    deliver()
    assert gateway.sent == []  # texts off: the relay follows it in the app
    api_for(relay).post(
        f"/api/v1/requests/{posted['id']}/accept", {"helper": bruno.pk}, format="json"
    )
    client.force_login(relay)
    assert (
        "Faire passer la conversation sur le téléphone de Martine"
        in client.get(f"/requests/{posted['id']}/").content.decode()
    )
    assert client.post(f"/requests/{posted['id']}/texts/").status_code == 302
    deliver()
    assert "Bruno" in gateway.sent[0]["body"] and "FAIT" in gateway.sent[0]["body"]
    assert Thread.objects.get(request_id=posted["id"]).state == "helping"
    # Twice is refused in words, not a second thread.
    again = client.post(f"/requests/{posted['id']}/texts/", follow=True)
    assert "déjà" in again.content.decode()
    # Someone else cannot.
    client.force_login(bruno)
    assert client.post(f"/requests/{posted['id']}/texts/").status_code == 404


def test_only_a_relay_keeps_neighbours_and_posts_for_their_own(api_for, relay, bruno, db):
    body = {
        "first_name": "Paul",
        "place": {"lat": PARIS[0], "lng": PARIS[1]},
        "consent": {"given_at": "2026-12-01", "how": "in_person"},
    }
    refused = api_for(bruno).post("/api/v1/relay/neighbours", body, format="json")
    assert refused.status_code == 403
    assert api_for(bruno).get("/api/v1/relay/neighbours").status_code == 403
    other_relay = RelayFactory().user
    theirs = KeptNeighbourFactory(relay=other_relay)
    post = api_for(relay).post(
        "/api/v1/requests",
        {"title": "x", "category": "groceries", "on_behalf_of": theirs.pk},
        format="json",
    )
    assert post.status_code == 400 and "on_behalf_of" in post.json()["fields"]
    assert api_for(relay).delete(f"/api/v1/relay/neighbours/{theirs.pk}").status_code == 404
    assert KeptNeighbour.objects.filter(pk=theirs.pk).exists()
    for bad in [
        {**body, "phone": "12"},
        {**body, "consent": {"given_at": "2999-01-01", "how": "phone"}},
        {**body, "consent": {"given_at": "2026-12-01", "how": "telepathy"}},
        {**body, "texts": True},
        {**body, "place": {"lat": 91, "lng": 0}},
        {**body, "languages": ["xx"]},
    ]:
        answer = api_for(relay).post("/api/v1/relay/neighbours", bad, format="json")
        assert answer.status_code == 400, bad
    assert not KeptNeighbour.objects.filter(relay=relay).exists()
    mine = api_for(relay).get("/api/v1/relay/neighbours").json()
    assert mine == []


def test_withdrawing_consent_erases_her_and_what_hangs_on_her(
    api_for, client, relay, bruno, gateway
):
    neighbour_id = martin_recorded(api_for, relay)
    posted = her_request(api_for, relay, neighbour_id)
    api_for(bruno).post(
        f"/api/v1/requests/{posted['id']}/responses", {"message": "Je peux"}, format="json"
    )
    text_in(client, "OUI")
    text_in(client, "Je vous attends")
    assert api_for(relay).delete(f"/api/v1/relay/neighbours/{neighbour_id}").status_code == 204
    assert not KeptNeighbour.objects.filter(pk=neighbour_id).exists()
    assert not Text.objects.exists() and not Thread.objects.exists()
    request = HelpRequest.objects.get(pk=posted["id"])
    assert request.status == "cancelled" and request.exact_deleted and request.title == ""
    assert not Message.objects.filter(body="Je vous attends").exists()
    assert api_for(relay).get("/api/v1/relay/neighbours").json() == []


def test_a_relay_erasing_their_account_erases_their_neighbours(api_for, relay, password, gateway):
    neighbour_id = martin_recorded(api_for, relay)
    her_request(api_for, relay, neighbour_id)
    erased = api_for(relay).delete("/api/v1/me", {"password": password}, format="json")
    assert erased.status_code == 204
    assert not KeptNeighbour.objects.exists()


def test_retention_forgets_her_number_and_place_with_the_meeting_points(relay, category):
    from datetime import timedelta

    from django.utils import timezone

    from data_rights.services import retention_apply
    from tests.factories import HelpRequestFactory

    neighbour = KeptNeighbourFactory(relay=relay)
    long_ago = timezone.now() - timedelta(days=400)
    HelpRequestFactory(author=relay, on_behalf_of=neighbour, status="done", closed_at=long_ago)
    busy = KeptNeighbourFactory(relay=relay, phone="+33687654321")
    HelpRequestFactory(author=relay, on_behalf_of=busy)
    HelpRequestFactory(author=relay, on_behalf_of=busy, status="done", closed_at=long_ago)
    done = retention_apply()
    assert done["kept_neighbours"] == 1
    neighbour.refresh_from_db()
    busy.refresh_from_db()
    assert neighbour.phone == "" and neighbour.place is None and neighbour.first_name == "Martine"
    assert busy.phone == "+33687654321" and busy.place is not None


def test_relays_are_named_and_removed_from_the_command_line(db, capsys):
    user = UserFactory(email="sophie@example.org")
    ZoneFactory(name="Belleville")
    call_command("relay", "add", "sophie@example.org", "--zone", "belleville")
    assert "relay in: Belleville" in capsys.readouterr().out
    assert user.relay.zones.get().name == "Belleville"
    call_command("relay", "remove", "sophie@example.org")
    assert not hasattr(UserFactory._meta.model.objects.get(pk=user.pk), "relay")
    with pytest.raises(Exception, match="No zone named"):
        call_command("relay", "add", "sophie@example.org", "--zone", "Atlantis")


def test_a_text_with_no_request_to_go_to_reaches_her_relay(api_for, client, relay, gateway):
    neighbour = KeptNeighbourFactory(relay=relay)
    assert text_in(client, "Bonjour Sophie, c'est Martine").status_code == 200
    assert Notification.objects.filter(user=relay, kind="text_received").exists()
    client.force_login(relay)
    page = client.get(f"/relay/neighbours/{neighbour.pk}/texts/").content.decode()
    assert "Bonjour Sophie, c&#x27;est Martine" in page
    client.force_login(RelayFactory().user)
    assert client.get(f"/relay/neighbours/{neighbour.pk}/texts/").status_code == 404


def test_a_helper_accepted_in_the_app_takes_the_phone_over(
    api_for, client, relay, bruno, gateway, django_capture_on_commit_callbacks
):
    chloe = resident_at(*north_of(300), display_name="Chloé")
    posted = her_request(api_for, relay, martin_recorded(api_for, relay))
    for volunteer in (bruno, chloe):
        api_for(volunteer).post(
            f"/api/v1/requests/{posted['id']}/responses", {"message": "Je peux"}, format="json"
        )
    # Bruno is proposed by text, but Sophie accepts Chloé in the app: Martine is told at once.
    with django_capture_on_commit_callbacks(execute=True):
        api_for(relay).post(
            f"/api/v1/requests/{posted['id']}/accept", {"helper": chloe.pk}, format="json"
        )
    assert Text.objects.filter(body__contains="Chloé va vous aider").exists()
    for volunteer, words in ((bruno, "Toujours partant"), (chloe, "J'arrive à 15 h")):
        mine = api_for(volunteer).get("/api/v1/conversations").json()[0]["id"]
        api_for(volunteer).post(
            f"/api/v1/conversations/{mine}/messages",
            {"body": words, "client_id": f"c-{volunteer.pk}"},
            format="json",
        )
    deliver()
    bodies = [text["body"] for text in gateway.sent]
    assert any("Chloé va vous aider" in body for body in bodies)
    assert "Chloé : J'arrive à 15 h" in bodies
    assert not any("Toujours partant" in body for body in bodies)
    text_in(client, "Merci Chloé")
    assert Message.objects.filter(body="Merci Chloé", conversation__volunteer=chloe).exists()


# --- what a review found ------------------------------------------------------------


def test_a_number_is_kept_by_one_relay_and_within_their_zones(api_for, relay):
    martin_recorded(api_for, relay)
    other = RelayFactory().user
    body = {
        "first_name": "M",
        "phone": MARTIN,
        "place": {"lat": PARIS[0], "lng": PARIS[1]},
        "consent": {"given_at": "2026-12-01", "how": "phone"},
    }
    again = api_for(other).post("/api/v1/relay/neighbours", body, format="json")
    assert again.status_code == 400 and "phone" in again.json()["fields"]
    far = {**body, "phone": "", "place": {"lat": 45.76, "lng": 4.83}}  # Lyon
    outside = api_for(other).post("/api/v1/relay/neighbours", far, format="json")
    assert outside.status_code == 400 and "place" in outside.json()["fields"]


def test_a_short_answer_goes_to_the_request_it_answers(api_for, client, relay, bruno, gateway):
    neighbour_id = martin_recorded(api_for, relay)
    first = her_request(api_for, relay, neighbour_id)
    api_for(bruno).post(
        f"/api/v1/requests/{first['id']}/responses", {"message": "Je peux"}, format="json"
    )
    second = her_request(api_for, relay, neighbour_id)
    client.force_login(relay)
    client.post(f"/requests/{second['id']}/texts/")  # handed over: waiting for an offer
    assert Thread.objects.get(request_id=second["id"]).state == "waiting"
    text_in(client, "OUI")
    assert HelpRequest.objects.get(pk=first["id"]).status == "matched"
    # Now a proposal for the second while the first is under way: each word finds its own.
    chloe = resident_at(*north_of(300), display_name="Chloé")
    api_for(chloe).post(
        f"/api/v1/requests/{second['id']}/responses", {"message": "Moi"}, format="json"
    )
    text_in(client, "FAIT")
    assert HelpRequest.objects.get(pk=first["id"]).status == "done"
    assert HelpRequest.objects.get(pk=second["id"]).status == "open"
    text_in(client, "oui")
    assert HelpRequest.objects.get(pk=second["id"]).helper == chloe


def test_stop_always_works_even_from_a_number_nobody_keeps_or_a_broken_thread(
    api_for, client, relay, bruno, password, gateway
):
    assert text_in(client, "STOP", sender="+33699999999").status_code == 200
    assert services.number_stopped("+33699999999")
    posted = her_request(api_for, relay, martin_recorded(api_for, relay))
    api_for(bruno).post(
        f"/api/v1/requests/{posted['id']}/responses", {"message": "Je peux"}, format="json"
    )
    api_for(relay).post(
        f"/api/v1/requests/{posted['id']}/accept", {"helper": bruno.pk}, format="json"
    )
    erased = api_for(bruno).delete("/api/v1/me", {"password": password}, format="json")
    assert erased.status_code == 204  # the request is matched with nobody now
    assert text_in(client, "Il vient ?").status_code == 200
    assert text_in(client, "STOP").status_code == 200
    assert services.number_stopped(MARTIN)


def test_when_the_proposed_volunteer_leaves_the_next_offer_is_texted(
    api_for, client, relay, bruno, password, gateway
):
    chloe = resident_at(*north_of(300), display_name="Chloé")
    posted = her_request(api_for, relay, martin_recorded(api_for, relay))
    for volunteer in (bruno, chloe):
        api_for(volunteer).post(
            f"/api/v1/requests/{posted['id']}/responses", {"message": "Je peux"}, format="json"
        )
    api_for(bruno).delete("/api/v1/me", {"password": password}, format="json")
    text_in(client, "OUI")  # to Bruno, who is gone
    deliver()
    assert "Chloé" in gateway.sent[-1]["body"]
    text_in(client, "OUI")
    assert HelpRequest.objects.get(pk=posted["id"]).helper == chloe


def test_texts_that_cannot_be_stored_are_refused_not_a_500(client, relay, gateway):
    KeptNeighbourFactory(relay=relay)
    for body in ("\ud83d cassé", "nul\x00"):
        raw = json.dumps({"id": "odd", "from": MARTIN, "body": body}).encode()
        answer = client.post(
            "/sms/inbound",
            raw,
            content_type="application/json",
            HTTP_X_ENTRAIDE_SIGNATURE=gateway_signature(SECRET, raw),
        )
        assert answer.status_code == 400
    assert not Text.objects.exists()


def test_nobody_writes_a_text_in_the_neighbours_name(api_for, relay, bruno, gateway):
    posted = her_request(api_for, relay, martin_recorded(api_for, relay, texts=False))
    api_for(bruno).post(
        f"/api/v1/requests/{posted['id']}/responses", {"message": "Je peux"}, format="json"
    )
    (conversation,) = api_for(bruno).get("/api/v1/conversations").json()
    for client_id in ("sms-1", "response-1"):
        forged = api_for(bruno).post(
            f"/api/v1/conversations/{conversation['id']}/messages",
            {"body": "C'est Martine", "client_id": client_id},
            format="json",
        )
        assert forged.status_code == 400 and "client_id" in forged.json()["fields"]


def test_a_former_relay_can_only_withdraw(api_for, client, relay, gateway):
    from relays.services import relay_remove

    neighbour_id = martin_recorded(api_for, relay)
    relay_remove(user=relay)
    client.force_login(relay)
    assert client.get(f"/relay/neighbours/{neighbour_id}/edit/").status_code == 404
    assert client.get(f"/relay/neighbours/{neighbour_id}/texts/").status_code == 404
    assert "06 12 34 56 78" in client.get("/relay/neighbours/").content.decode()
    post = api_for(relay).post(
        "/api/v1/requests",
        {"title": "x", "category": "groceries", "on_behalf_of": neighbour_id},
        format="json",
    )
    assert post.status_code == 400
    assert api_for(relay).delete(f"/api/v1/relay/neighbours/{neighbour_id}").status_code == 204


def test_phone_codes_have_a_budget_of_their_own_and_are_kept_nowhere(settings, gateway, db):
    settings.SMS_CODES_DAILY_BUDGET = 1
    first, second = UserFactory(), UserFactory()
    sent = services.text_send(phone="+33611111111", body="code 123456", user=first)
    assert services.text_send(phone="+33622222222", body="code 654321", user=second).status == (
        "over_budget"
    )
    assert services.text_send(phone=MARTIN, body="pour Martine").status == "queued"
    deliver()
    assert gateway.sent[0]["body"] == "code 123456"
    sent.refresh_from_db()
    assert "123456" not in sent.body


def test_the_moderators_page_refuses_a_bad_id_in_words(client, db):
    from tests.factories import ModeratorFactory

    client.force_login(ModeratorFactory(everywhere=True).user)
    assert client.post("/moderation/relays/", {"remove": "abc"}).status_code == 302
