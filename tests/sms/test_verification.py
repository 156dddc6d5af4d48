"""A volunteer's phone, verified by a texted code: the code reaches the
gateway stand-in over real HTTP on loopback, and is checked on the pages
and in the API."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone, translation

from neighbors.models import User
from safety.sanctions import Restricted
from sms.models import PhoneCode, StoppedNumber, Text
from sms.services import number_hash
from sms.tasks import text_deliver
from sms.verification import (
    CodesTooOften,
    phone_code_check,
    phone_code_send,
    phone_forget,
)
from tests.stand_ins import SmsGatewayStandIn

TOKEN = "gateway-bearer-token"
TYPED = "06 12 34 56 78"
NUMBER = "+33612345678"
SHOWN = "06 12 34 56 78"


@pytest.fixture(autouse=True)
def english():
    """The site speaks French first: these tests read the English words."""
    with translation.override("en"):
        yield


@pytest.fixture
def volunteer(resident):
    """Amina, who reads English (texts are written in their reader's language)."""
    User.objects.filter(pk=resident.pk).update(language="en")
    resident.refresh_from_db()
    return resident


@pytest.fixture
def browser(volunteer):
    """The volunteer's browser, asking for English pages."""
    browser = Client(headers={"accept-language": "en"})
    browser.force_login(volunteer)
    return browser


@pytest.fixture
def gateway(settings):
    with SmsGatewayStandIn(TOKEN) as stand_in:
        settings.SMS_BACKEND = "gateway"
        settings.SMS_GATEWAY_URL = stand_in.url
        settings.SMS_GATEWAY_TOKEN = TOKEN
        settings.SMS_WEBHOOK_SECRET = "webhook-secret"
        yield stand_in


def delivered_code(gateway, user) -> str:
    """Sends the user's latest text as the task worker would; returns the
    code the gateway was given."""
    text = Text.objects.filter(user=user).first()
    assert text_deliver.call(text.pk) == Text.Status.SENT
    body = gateway.sent[-1]["body"]
    return re.search(r"\b(\d{6})\b", body).group(1)


def code_sent(gateway, user, phone=TYPED) -> str:
    phone_code_send(user=user, phone=phone)
    return delivered_code(gateway, user)


def minutes_pass(user, minutes=2):
    """Moves the user's texted codes back in time (past the one-a-minute limit)."""
    Text.objects.filter(user=user).update(created_at=timezone.now() - timedelta(minutes=minutes))


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def refusal(exc_info, field) -> list[str]:
    return exc_info.value.message_dict[field]


# --- Services ---------------------------------------------------------------------


def test_the_code_is_texted_through_the_gateway_and_only_its_hash_kept(gateway, volunteer):
    phone_code = phone_code_send(user=volunteer, phone=TYPED)

    assert phone_code.phone == NUMBER
    assert phone_code.tries == 0
    assert timedelta(minutes=9) < phone_code.expires_at - timezone.now() <= timedelta(minutes=10)
    text = Text.objects.get(user=volunteer)
    assert (text.status, text.phone, text.neighbour, text.thread) == ("queued", NUMBER, None, None)
    code = delivered_code(gateway, volunteer)
    assert gateway.sent == [{"id": str(text.pk), "to": NUMBER, "body": text.body}]
    assert text.body == (
        f"Entraide: your code is {code}. It is valid for 10 minutes. Never give it to anyone."
    )
    assert code not in phone_code.code_hash
    assert len(phone_code.code_hash) == 64
    volunteer.refresh_from_db()
    assert (volunteer.phone, volunteer.phone_verified_at) == ("", None)


def test_the_right_code_verifies_and_stores_the_number_in_e164(gateway, volunteer):
    code = code_sent(gateway, volunteer)

    phone_code_check(user=volunteer, code=f" {code[:3]} {code[3:]} ")

    volunteer.refresh_from_db()
    assert volunteer.phone == NUMBER
    assert timezone.now() - volunteer.phone_verified_at < timedelta(minutes=1)
    assert not PhoneCode.objects.filter(user=volunteer).exists()


def test_a_wrong_code_spends_a_try(gateway, volunteer):
    code = code_sent(gateway, volunteer)

    with pytest.raises(ValidationError) as refused:
        phone_code_check(user=volunteer, code=wrong(code))

    assert refusal(refused, "code") == ["This code is not right. 4 tries left."]
    assert PhoneCode.objects.get(user=volunteer).tries == 1
    phone_code_check(user=volunteer, code=code)  # still good
    volunteer.refresh_from_db()
    assert volunteer.phone_verified_at is not None


def test_five_wrong_tries_spend_the_code(gateway, volunteer):
    code = code_sent(gateway, volunteer)
    said = []
    for _try in range(5):
        with pytest.raises(ValidationError) as refused:
            phone_code_check(user=volunteer, code=wrong(code))
        said.append(refusal(refused, "code")[0])

    assert said[-2:] == [
        "This code is not right. 1 try left.",
        "This code is not right, and that was the last try. Ask for a new one.",
    ]
    assert not PhoneCode.objects.filter(user=volunteer).exists()
    with pytest.raises(ValidationError) as refused:
        phone_code_check(user=volunteer, code=code)
    assert refusal(refused, "code") == ["There is no code to check. Ask for a new one."]
    volunteer.refresh_from_db()
    assert volunteer.phone_verified_at is None


def test_an_expired_code_is_refused(gateway, volunteer):
    code = code_sent(gateway, volunteer)
    PhoneCode.objects.filter(user=volunteer).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    with pytest.raises(ValidationError) as refused:
        phone_code_check(user=volunteer, code=code)

    assert refusal(refused, "code") == ["This code has expired. Ask for a new one."]
    volunteer.refresh_from_db()
    assert (volunteer.phone, volunteer.phone_verified_at) == ("", None)


def test_what_is_not_six_digits_spends_no_try(gateway, volunteer):
    code_sent(gateway, volunteer)

    for typed in ["", "12345", "1234567", "abcdef", "١٢٣٤٥٦"]:
        with pytest.raises(ValidationError) as refused:
            phone_code_check(user=volunteer, code=typed)
        assert refusal(refused, "code") == ["Write the 6 digits of the code we texted you."]
    assert PhoneCode.objects.get(user=volunteer).tries == 0


def test_a_new_code_replaces_the_previous_one(gateway, volunteer):
    first = code_sent(gateway, volunteer)
    minutes_pass(volunteer)
    second = code_sent(gateway, volunteer, phone="+32 470 12 34 56")
    if first == second:
        pytest.skip("the two random codes happen to be the same")

    assert PhoneCode.objects.filter(user=volunteer).count() == 1
    with pytest.raises(ValidationError):
        phone_code_check(user=volunteer, code=first)
    phone_code_check(user=volunteer, code=second)
    volunteer.refresh_from_db()
    assert volunteer.phone == "+32470123456"


def test_one_code_a_minute_and_five_a_day(gateway, volunteer):
    phone_code_send(user=volunteer, phone=TYPED)
    with pytest.raises(CodesTooOften) as refused:
        phone_code_send(user=volunteer, phone=TYPED)
    assert "less than a minute ago" in str(refused.value.detail)
    assert 0 < refused.value.wait <= 61

    for _code in range(4):
        minutes_pass(volunteer)
        phone_code_send(user=volunteer, phone=TYPED)
    minutes_pass(volunteer)
    with pytest.raises(CodesTooOften) as refused:
        phone_code_send(user=volunteer, phone=TYPED)
    assert str(refused.value.detail) == "You asked for 5 codes today. Try again tomorrow."
    assert Text.objects.filter(user=volunteer).count() == 5

    minutes_pass(volunteer, minutes=24 * 60 + 1)
    phone_code_send(user=volunteer, phone=TYPED)


def test_a_bad_number_is_refused_in_plain_words(gateway, volunteer):
    with pytest.raises(ValidationError) as refused:
        phone_code_send(user=volunteer, phone="not a number")
    assert refusal(refused, "phone") == ["This is not a phone number."]
    with pytest.raises(ValidationError) as refused:
        phone_code_send(user=volunteer, phone="01 00")
    assert "does not exist" in refusal(refused, "phone")[0]
    assert not Text.objects.exists()


def test_without_the_bridge_no_code_is_sent(settings, volunteer):
    settings.SMS_BACKEND = ""

    with pytest.raises(ValidationError) as refused:
        phone_code_send(user=volunteer, phone=TYPED)

    assert refusal(refused, "phone") == ["Text messages are not set up on this site."]
    assert not PhoneCode.objects.exists()
    assert not Text.objects.exists()


def test_a_number_that_answered_stop_gets_no_code(gateway, volunteer):
    StoppedNumber.objects.create(number_hash=number_hash(NUMBER))

    with pytest.raises(ValidationError) as refused:
        phone_code_send(user=volunteer, phone=TYPED)

    assert "answered STOP" in refusal(refused, "phone")[0]
    assert not PhoneCode.objects.exists()
    assert not Text.objects.exists()


def test_over_budget_no_code_is_kept(gateway, settings, volunteer):
    settings.SMS_DAILY_BUDGET = 0

    with pytest.raises(ValidationError) as refused:
        phone_code_send(user=volunteer, phone=TYPED)

    assert refusal(refused, "phone") == ["No more texts can be sent today. Try again tomorrow."]
    assert not PhoneCode.objects.exists()
    assert not Text.objects.exists()


def test_a_suspended_user_gets_no_code(gateway, volunteer):
    User.objects.filter(pk=volunteer.pk).update(suspended_until=timezone.now() + timedelta(days=1))

    with pytest.raises(Restricted):
        phone_code_send(user=volunteer, phone=TYPED)
    assert not Text.objects.exists()


def test_the_code_is_texted_in_the_users_language(gateway, resident):
    assert resident.language == "fr"  # while this test reads English

    phone_code_send(user=resident, phone=TYPED)

    code = delivered_code(gateway, resident)
    assert gateway.sent[-1]["body"] == (
        f"Entraide : votre code est {code}. Il est valable 10 minutes. Ne le donnez à personne."
    )


def test_forgetting_the_number(gateway, volunteer):
    phone_code_check(user=volunteer, code=code_sent(gateway, volunteer))

    phone_forget(user=volunteer)

    volunteer.refresh_from_db()
    assert (volunteer.phone, volunteer.phone_verified_at) == ("", None)


# --- API --------------------------------------------------------------------------


def test_api_texts_a_code_and_verifies_it(gateway, volunteer, api_for):
    api = api_for(volunteer)

    sent = api.post("/api/v1/me/phone", {"phone": TYPED}, format="json")
    assert sent.status_code == 202, sent.json()
    assert list(sent.json()) == ["expires_at"]
    code = delivered_code(gateway, volunteer)

    wrong_try = api.post("/api/v1/me/phone/verify", {"code": wrong(code)}, format="json")
    assert wrong_try.status_code == 400
    assert wrong_try.json() == {
        "error": "invalid",
        "detail": "This code is not right. 4 tries left.",
        "fields": {"code": ["This code is not right. 4 tries left."]},
    }

    verified = api.post("/api/v1/me/phone/verify", {"code": code}, format="json")
    assert (verified.status_code, verified.json()) == (200, {"phone_verified": True})
    volunteer.refresh_from_db()
    assert volunteer.phone == NUMBER

    forgotten = api.delete("/api/v1/me/phone")
    assert forgotten.status_code == 204
    volunteer.refresh_from_db()
    assert (volunteer.phone, volunteer.phone_verified_at) == ("", None)


def test_api_refuses_a_bad_number_with_a_clear_message(gateway, volunteer, api_for):
    answer = api_for(volunteer).post("/api/v1/me/phone", {"phone": "123"}, format="json")

    assert answer.status_code == 400
    body = answer.json()
    assert body["error"] == "invalid"
    assert body["fields"]["phone"] == [body["detail"]]
    assert "phone number" in body["detail"]


def test_api_without_the_bridge_is_a_400(settings, volunteer, api_for):
    settings.SMS_BACKEND = ""

    answer = api_for(volunteer).post("/api/v1/me/phone", {"phone": TYPED}, format="json")

    assert answer.status_code == 400
    assert answer.json()["fields"] == {"phone": ["Text messages are not set up on this site."]}


def test_api_too_many_codes_is_a_429(gateway, volunteer, api_for):
    api = api_for(volunteer)
    assert api.post("/api/v1/me/phone", {"phone": TYPED}, format="json").status_code == 202

    again = api.post("/api/v1/me/phone", {"phone": TYPED}, format="json")

    assert again.status_code == 429
    assert "less than a minute ago" in again.json()["detail"]
    assert int(again["Retry-After"]) > 0


def test_api_refuses_unknown_fields_and_strangers(gateway, volunteer, api_for, api):
    answer = api_for(volunteer).post(
        "/api/v1/me/phone", {"phone": TYPED, "verified": True}, format="json"
    )
    assert answer.status_code == 400
    assert answer.json()["fields"] == {"verified": ["Unknown field."]}
    assert api.post("/api/v1/me/phone", {"phone": TYPED}, format="json").status_code == 401
    assert api.post("/api/v1/me/phone/verify", {"code": "123456"}, format="json").status_code == 401
    assert api.delete("/api/v1/me/phone").status_code == 401


def test_api_verify_without_a_code_asked(gateway, volunteer, api_for):
    answer = api_for(volunteer).post("/api/v1/me/phone/verify", {"code": "123456"}, format="json")

    assert answer.status_code == 400
    assert answer.json()["detail"] == "There is no code to check. Ask for a new one."


# --- Pages ------------------------------------------------------------------------


def test_the_page_flow(gateway, volunteer, browser):

    page = browser.get("/profile/phone/")
    assert page.status_code == 200
    assert b'type="tel"' in page.content

    sent = browser.post("/profile/phone/", {"phone": TYPED})
    assert sent.status_code == 302
    assert sent["Location"] == "/profile/phone/code/"
    code = delivered_code(gateway, volunteer)

    form = browser.get("/profile/phone/code/")
    assert form.status_code == 200
    html = form.content.decode()
    assert 'inputmode="numeric"' in html
    assert 'autocomplete="one-time-code"' in html
    assert f"We texted a code to {SHOWN}." in html

    wrong_try = browser.post("/profile/phone/code/", {"code": wrong(code)})
    assert wrong_try.status_code == 400
    assert "error-summary" in wrong_try.content.decode()
    assert "This code is not right. 4 tries left." in wrong_try.content.decode()

    verified = browser.post("/profile/phone/code/", {"code": code}, follow=True)
    assert verified.redirect_chain == [("/profile/phone/", 302)]
    html = verified.content.decode()
    assert "Your phone number is verified." in html
    assert SHOWN in html  # to its owner
    assert "Remove my number" in html

    forgotten = browser.post("/profile/phone/forget/", follow=True)
    assert forgotten.redirect_chain == [("/profile/phone/", 302)]
    html = forgotten.content.decode()
    assert "Your phone number is removed." in html
    assert "Remove my number" not in html
    volunteer.refresh_from_db()
    assert (volunteer.phone, volunteer.phone_verified_at) == ("", None)


def test_the_page_shows_errors_in_view(gateway, browser):

    answer = browser.post("/profile/phone/", {"phone": "not a number"})

    assert answer.status_code == 400
    html = answer.content.decode()
    assert "error-summary" in html
    assert 'href="#id_phone"' in html
    assert "This is not a phone number." in html


def test_the_page_says_when_texts_are_not_set_up(settings, browser):
    settings.SMS_BACKEND = ""

    page = browser.get("/profile/phone/")

    assert "phone numbers cannot be verified for now" in page.content.decode()
    assert b'type="tel"' not in page.content


def test_the_code_page_needs_a_code_asked_for(gateway, browser):

    answer = browser.get("/profile/phone/code/")

    assert (answer.status_code, answer["Location"]) == (302, "/profile/phone/")


def test_the_pages_need_signing_in(client):
    for url in ["/profile/phone/", "/profile/phone/code/"]:
        answer = client.get(url)
        assert answer.status_code == 302
        assert answer["Location"].startswith("/accounts/login/")
    assert client.post("/profile/phone/forget/").status_code == 302


def test_the_page_in_french(gateway, resident, client):
    """Amina reads French: her own page shows her number, in French words."""
    client.force_login(resident)
    phone_code_check(user=resident, code=code_sent(gateway, resident))

    page = client.get("/profile/phone/", headers={"accept-language": "fr"})

    html = page.content.decode()
    assert '<html lang="fr">' in html
    assert SHOWN in html
    with translation.override("fr"):
        for words in ["My phone number", "Remove my number", "Only you see it."]:
            assert translation.gettext(words) in html


def test_the_page_says_to_wait_before_a_new_code(gateway, browser):
    assert browser.post("/profile/phone/", {"phone": TYPED}).status_code == 302

    again = browser.post("/profile/phone/", {"phone": TYPED})

    assert again.status_code == 400
    html = again.content.decode()
    assert "error-summary" in html
    assert "A code was texted less than a minute ago. Wait a minute, then ask again." in html
    assert "seconds" not in html


def test_a_verified_number_needs_no_new_code(gateway, volunteer):
    phone_code_check(user=volunteer, code=code_sent(gateway, volunteer))
    minutes_pass(volunteer)

    with pytest.raises(ValidationError) as refused:
        phone_code_send(user=volunteer, phone=NUMBER)

    assert refusal(refused, "phone") == ["This number is verified already."]
