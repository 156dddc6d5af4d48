"""The SMS backends against stand-ins of the providers, over real HTTP on
loopback: sending, and reading the signed webhooks they call us back on."""

import json
import logging
import re
import subprocess
import sys
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlencode

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from sms.backends import (
    GatewayBackend,
    InboundMalformed,
    InboundRefused,
    InboundText,
    StatusUpdate,
    TwilioBackend,
    backend,
    enabled,
)
from tests.live import free_port
from tests.stand_ins import (
    SmsGatewayStandIn,
    TwilioStandIn,
    _LoopbackServer,
    gateway_signature,
    twilio_signature,
)

pytestmark = pytest.mark.one_backend

SID = "AC" + "0123456789abcdef" * 2
TOKEN = "twilio-auth-token"
GATEWAY_TOKEN = "gateway-bearer-token"
SECRET = "webhook-secret"
SITE = "https://entraide.example"
ASSOCIATION = "+33100000000"
NUMBER = "+33612345678"


@pytest.fixture
def twilio(settings):
    with TwilioStandIn(SID, TOKEN) as stand_in:
        settings.SMS_BACKEND = "twilio"
        settings.SMS_API_BASE_URL = stand_in.base_url
        settings.SMS_TWILIO_ACCOUNT_SID = SID
        settings.SMS_TWILIO_AUTH_TOKEN = TOKEN
        settings.SMS_FROM = ASSOCIATION
        settings.SITE_URL = SITE
        yield stand_in


@pytest.fixture
def gateway(settings):
    with SmsGatewayStandIn(GATEWAY_TOKEN) as stand_in:
        settings.SMS_BACKEND = "gateway"
        settings.SMS_GATEWAY_URL = stand_in.url
        settings.SMS_GATEWAY_TOKEN = GATEWAY_TOKEN
        settings.SMS_WEBHOOK_SECRET = SECRET
        yield stand_in


class WebhookReceiver(_LoopbackServer):
    """The smallest view that reads a provider's webhook with the configured
    backend: /sms/inbound and /sms/status answer as the real views will
    (the backend's answer, 403 refused, 400 malformed). `results` keeps what
    the backend read, or the exception it raised."""

    def __init__(self):
        self.results: list = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                request = RequestFactory().generic(
                    "POST",
                    self.path,
                    data=raw,
                    content_type=self.headers["Content-Type"],
                    headers={
                        name: self.headers[name]
                        for name in ("X-Twilio-Signature", "X-Entraide-Signature")
                        if name in self.headers
                    },
                )
                sms = backend()
                read = sms.status if request.path == "/sms/status" else sms.inbound
                try:
                    receiver.results.append(read(request))
                except InboundRefused as exc:
                    receiver.results.append(exc)
                    self._answer(403, b"", "text/plain")
                except InboundMalformed as exc:
                    receiver.results.append(exc)
                    self._answer(400, b"", "text/plain")
                else:
                    answer = sms.inbound_answer()
                    self._answer(200, answer.content, answer["Content-Type"])

            def _answer(self, status, body, content_type):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self._serve(Handler)

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"


@pytest.fixture
def receiver():
    with WebhookReceiver() as server:
        yield server


# Choosing the backend


def test_no_backend_when_the_setting_is_empty(settings):
    settings.SMS_BACKEND = ""
    assert backend() is None
    assert not enabled()


@pytest.mark.parametrize("name, cls", [("twilio", TwilioBackend), ("gateway", GatewayBackend)])
def test_the_backend_follows_the_setting_of_the_moment(settings, name, cls):
    settings.SMS_BACKEND = name
    assert isinstance(backend(), cls)
    assert backend().name == name
    assert enabled()
    settings.SMS_BACKEND = ""
    assert backend() is None


def test_an_unknown_backend_is_a_configuration_error(settings):
    settings.SMS_BACKEND = "pigeon"
    with pytest.raises(ImproperlyConfigured, match="SMS_BACKEND"):
        backend()


def test_importing_the_backends_does_not_load_requests():
    """An idle server that never texts does not hold requests in memory."""
    code = "import sys, sms.backends; print('requests' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# Twilio: sending


def test_twilio_send_reaches_the_api(twilio):
    result = backend().send(message_id="17", to=NUMBER, body="Bonjour, des courses à 18 h ?")
    assert twilio.sent == [
        {
            "to": NUMBER,
            "from": ASSOCIATION,
            "body": "Bonjour, des courses à 18 h ?",
            "status_callback": f"{SITE}/sms/status",
        }
    ]
    assert result.ok, result
    assert re.fullmatch(r"SM[0-9a-f]{32}", result.provider_id)
    assert result.detail == ""


def test_twilio_send_with_a_wrong_auth_token_fails_without_the_number_in_the_log(
    twilio, settings, caplog
):
    settings.SMS_TWILIO_AUTH_TOKEN = "not-the-token"
    with caplog.at_level(logging.WARNING, logger="sms.backends"):
        result = backend().send(message_id="17", to=NUMBER, body="secret body")
    assert (result.ok, result.provider_id, result.detail) == (False, "", "HTTP 401 (20003)")
    assert twilio.sent == []
    assert "HTTP 401" in caplog.text
    assert NUMBER not in caplog.text
    assert "secret body" not in caplog.text


def test_twilio_send_when_the_api_fails(twilio):
    twilio.mode = "error"
    result = backend().send(message_id="17", to=NUMBER, body="Bonjour")
    assert (result.ok, result.provider_id) == (False, "")
    assert result.detail.startswith("HTTP 500")


def test_twilio_send_to_an_unreachable_api(twilio, settings):
    settings.SMS_API_BASE_URL = f"http://127.0.0.1:{free_port()}"
    result = backend().send(message_id="17", to=NUMBER, body="Bonjour")
    assert (result.ok, result.provider_id) == (False, "")
    assert result.detail.startswith("network error")


def test_twilio_send_times_out(twilio, settings):
    twilio.mode = "slow"
    settings.SMS_TIMEOUT_S = 0.2
    result = backend().send(message_id="17", to=NUMBER, body="Bonjour")
    assert (result.ok, result.detail) == (False, "timeout")


def test_twilio_send_without_an_account_asks_nothing(twilio, settings):
    settings.SMS_TWILIO_ACCOUNT_SID = ""
    result = backend().send(message_id="17", to=NUMBER, body="Bonjour")
    assert (result.ok, result.detail) == (False, "not configured")
    assert twilio.sent == []


# Gateway: sending


def test_gateway_send_reaches_the_gateway(gateway):
    result = backend().send(message_id="42", to=NUMBER, body="Merci beaucoup ✨")
    assert gateway.sent == [{"id": "42", "to": NUMBER, "body": "Merci beaucoup ✨"}]
    assert (result.ok, result.provider_id, result.detail) == (True, "42", "")


def test_gateway_send_with_a_wrong_token(gateway, settings):
    settings.SMS_GATEWAY_TOKEN = "not-the-token"
    result = backend().send(message_id="42", to=NUMBER, body="Bonjour")
    assert (result.ok, result.provider_id, result.detail) == (False, "", "HTTP 401")
    assert gateway.sent == []


def test_gateway_send_when_the_gateway_fails(gateway):
    gateway.mode = "error"
    result = backend().send(message_id="42", to=NUMBER, body="Bonjour")
    assert (result.ok, result.detail) == (False, "HTTP 500")


def test_gateway_send_to_an_unreachable_gateway(gateway, settings):
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{free_port()}/send"
    result = backend().send(message_id="42", to=NUMBER, body="Bonjour")
    assert (result.ok, result.provider_id) == (False, "")
    assert result.detail.startswith("network error")


# Twilio: webhooks, as the stand-in calls them


def test_twilio_inbound_through_a_view(twilio, receiver, settings):
    settings.SITE_URL = receiver.base_url
    status = twilio.inbound(
        f"{receiver.base_url}/sms/inbound", sender=NUMBER, body="OUI", sid="SM" + "a" * 32
    )
    assert status == 200
    assert receiver.results == [InboundText(id="SM" + "a" * 32, sender=NUMBER, body="OUI")]


def test_twilio_inbound_signed_with_another_token_is_refused(receiver, settings):
    settings.SMS_BACKEND = "twilio"
    settings.SMS_TWILIO_AUTH_TOKEN = TOKEN
    settings.SITE_URL = receiver.base_url
    with TwilioStandIn(SID, "another-token") as impostor:
        status = impostor.inbound(f"{receiver.base_url}/sms/inbound", sender=NUMBER, body="OUI")
    assert status == 403
    assert [type(r) for r in receiver.results] == [InboundRefused]


def test_twilio_inbound_signed_for_another_url_is_refused(twilio, receiver, settings):
    """The signed URL is SITE_URL + the path: a SITE_URL that is not the one
    Twilio calls refuses every text (rather than accepting forged ones)."""
    settings.SITE_URL = "https://elsewhere.example"
    status = twilio.inbound(f"{receiver.base_url}/sms/inbound", sender=NUMBER, body="OUI")
    assert status == 403


@pytest.mark.parametrize(
    "twilio_status, normalised",
    [
        ("delivered", "delivered"),
        ("undelivered", "failed"),
        ("failed", "failed"),
        ("sent", "sent"),
        ("queued", "sent"),
        ("accepted", "sent"),
        ("sending", "sent"),
    ],
)
def test_twilio_status_callback_is_normalised(
    twilio, receiver, settings, twilio_status, normalised
):
    settings.SITE_URL = receiver.base_url
    sid = "SM" + "b" * 32
    status = twilio.status_callback(
        f"{receiver.base_url}/sms/status", sid=sid, status=twilio_status
    )
    assert status == 200
    assert receiver.results == [StatusUpdate(provider_id=sid, status=normalised)]


def test_twilio_status_callback_with_an_unknown_status(twilio, receiver, settings):
    settings.SITE_URL = receiver.base_url
    status = twilio.status_callback(
        f"{receiver.base_url}/sms/status", sid="SM1", status="teleported"
    )
    assert status == 400
    assert [type(r) for r in receiver.results] == [InboundMalformed]


def test_twilio_inbound_answer_is_empty_twiml(settings):
    settings.SMS_BACKEND = "twilio"
    answer = backend().inbound_answer()
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/xml")
    assert answer.content == b'<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


# Twilio: webhooks, forged


def twilio_request(path: str, params: dict, signature: str | None):
    headers = {"X-Twilio-Signature": signature} if signature is not None else {}
    return RequestFactory().post(
        path,
        data=urlencode(params),
        content_type="application/x-www-form-urlencoded",
        headers=headers,
    )


TEXT = {"MessageSid": "SM" + "c" * 32, "AccountSid": SID, "From": NUMBER, "To": ASSOCIATION}


def signed_twilio_request(params: dict, path: str = "/sms/inbound", token: str = TOKEN):
    return twilio_request(path, params, twilio_signature(token, SITE + path, params))


def test_twilio_inbound_with_a_query_string_and_an_empty_body(twilio):
    request = signed_twilio_request({**TEXT, "Body": ""}, path="/sms/inbound?v=2")
    assert backend().inbound(request) == InboundText(id=TEXT["MessageSid"], sender=NUMBER, body="")


def test_twilio_inbound_sender_whitespace_is_stripped(twilio):
    request = signed_twilio_request({**TEXT, "From": f" {NUMBER}\n", "Body": "oui"})
    assert backend().inbound(request).sender == NUMBER


def test_twilio_inbound_without_a_signature_is_refused(twilio):
    with pytest.raises(InboundRefused):
        backend().inbound(twilio_request("/sms/inbound", {**TEXT, "Body": "oui"}, None))


def test_twilio_inbound_with_a_tampered_body_is_refused(twilio):
    signature = twilio_signature(TOKEN, SITE + "/sms/inbound", {**TEXT, "Body": "oui"})
    request = twilio_request("/sms/inbound", {**TEXT, "Body": "non"}, signature)
    with pytest.raises(InboundRefused):
        backend().inbound(request)


def test_twilio_inbound_without_an_auth_token_is_refused(twilio, settings):
    """With no token, anyone could sign: nothing is accepted."""
    settings.SMS_TWILIO_AUTH_TOKEN = ""
    with pytest.raises(InboundRefused):
        backend().inbound(signed_twilio_request({**TEXT, "Body": "oui"}, token=""))


@pytest.mark.parametrize("missing", ["MessageSid", "From"])
def test_twilio_inbound_signed_but_incomplete_is_malformed(twilio, missing):
    params = {k: v for k, v in {**TEXT, "Body": "oui"}.items() if k != missing}
    with pytest.raises(InboundMalformed):
        backend().inbound(signed_twilio_request(params))


def test_twilio_status_with_a_tampered_status_is_refused(twilio):
    params = {"MessageSid": "SM1", "MessageStatus": "failed"}
    signature = twilio_signature(TOKEN, SITE + "/sms/status", params)
    request = twilio_request("/sms/status", {**params, "MessageStatus": "delivered"}, signature)
    with pytest.raises(InboundRefused):
        backend().status(request)


# Gateway: webhooks, as the stand-in calls them


def test_gateway_inbound_through_a_view(gateway, receiver):
    status = gateway.inbound(
        f"{receiver.base_url}/sms/inbound", secret=SECRET, sender=NUMBER, body="Oui !", id="g-1"
    )
    assert status == 200
    assert receiver.results == [InboundText(id="g-1", sender=NUMBER, body="Oui !")]


def test_gateway_inbound_with_another_secret_is_refused(gateway, receiver):
    status = gateway.inbound(
        f"{receiver.base_url}/sms/inbound", secret="guessed", sender=NUMBER, body="Oui"
    )
    assert status == 403
    assert [type(r) for r in receiver.results] == [InboundRefused]


@pytest.mark.parametrize("status", ["delivered", "failed", "sent"])
def test_gateway_status_callback(gateway, receiver, status):
    answer = gateway.status_callback(
        f"{receiver.base_url}/sms/status", secret=SECRET, id="g-2", status=status
    )
    assert answer == 200
    assert receiver.results == [StatusUpdate(provider_id="g-2", status=status)]


def test_gateway_status_callback_with_an_unknown_status(gateway, receiver):
    answer = gateway.status_callback(
        f"{receiver.base_url}/sms/status", secret=SECRET, id="g-2", status="queued"
    )
    assert answer == 400
    assert [type(r) for r in receiver.results] == [InboundMalformed]


def test_gateway_inbound_answer(gateway):
    answer = backend().inbound_answer()
    assert answer.status_code == 200
    assert json.loads(answer.content) == {"ok": True}


# Gateway: webhooks, forged


def gateway_request(raw: bytes, signature: str | None, path: str = "/sms/inbound"):
    headers = {"X-Entraide-Signature": signature} if signature is not None else {}
    return RequestFactory().post(path, data=raw, content_type="application/json", headers=headers)


def signed_gateway_request(raw: bytes, path: str = "/sms/inbound", secret: str = SECRET):
    return gateway_request(raw, gateway_signature(secret, raw), path)


GOOD = json.dumps({"id": "g-3", "from": NUMBER, "body": "Oui"}).encode()


def test_gateway_inbound_with_an_integer_id(gateway):
    raw = json.dumps({"id": 1234, "from": f"{NUMBER} ", "body": "Oui"}).encode()
    assert backend().inbound(signed_gateway_request(raw)) == InboundText(
        id="1234", sender=NUMBER, body="Oui"
    )


@pytest.mark.parametrize(
    "signature",
    [
        None,
        "",
        "sha256=" + "0" * 64,
        gateway_signature("guessed", GOOD),
        gateway_signature(SECRET, GOOD).removeprefix("sha256="),
    ],
    ids=["missing", "empty", "zeros", "other-secret", "no-prefix"],
)
def test_gateway_inbound_with_a_wrong_signature_is_refused(gateway, signature):
    with pytest.raises(InboundRefused):
        backend().inbound(gateway_request(GOOD, signature))


def test_gateway_inbound_with_a_tampered_body_is_refused(gateway):
    tampered = GOOD.replace(b"Oui", b"Non")
    with pytest.raises(InboundRefused):
        backend().inbound(gateway_request(tampered, gateway_signature(SECRET, GOOD)))


def test_gateway_inbound_without_a_secret_is_refused(gateway, settings):
    settings.SMS_WEBHOOK_SECRET = ""
    with pytest.raises(InboundRefused):
        backend().inbound(signed_gateway_request(GOOD, secret=""))


def test_gateway_checks_the_signature_before_reading_the_json(gateway):
    with pytest.raises(InboundRefused):
        backend().inbound(gateway_request(b"{not json", "sha256=" + "0" * 64))


@pytest.mark.parametrize(
    "raw",
    [
        b"{not json",
        b"\xff\xfe",
        b"[1, 2]",
        b'"a text"',
        json.dumps({"from": NUMBER, "body": "Oui"}).encode(),
        json.dumps({"id": "g-4", "body": "Oui"}).encode(),
        json.dumps({"id": "g-4", "from": NUMBER}).encode(),
        json.dumps({"id": True, "from": NUMBER, "body": "Oui"}).encode(),
        json.dumps({"id": ["g-4"], "from": NUMBER, "body": "Oui"}).encode(),
        json.dumps({"id": "g-4", "from": 33612345678, "body": "Oui"}).encode(),
        json.dumps({"id": "g-4", "from": NUMBER, "body": None}).encode(),
        json.dumps({"id": "g-4", "from": NUMBER, "body": "x" * 2001}).encode(),
        json.dumps({"id": "g" * 101, "from": NUMBER, "body": "Oui"}).encode(),
    ],
    ids=[
        "not-json",
        "not-utf8",
        "array",
        "string",
        "no-id",
        "no-from",
        "no-body",
        "bool-id",
        "list-id",
        "int-from",
        "null-body",
        "long-body",
        "long-id",
    ],
)
def test_gateway_inbound_signed_but_malformed(gateway, raw):
    with pytest.raises(InboundMalformed):
        backend().inbound(signed_gateway_request(raw))


def test_gateway_inbound_longest_body_is_accepted(gateway):
    raw = json.dumps({"id": "g-5", "from": NUMBER, "body": "x" * 2000}).encode()
    assert len(backend().inbound(signed_gateway_request(raw)).body) == 2000


@pytest.mark.parametrize(
    "payload",
    [{"id": "g-6", "status": "queued"}, {"id": "g-6", "status": ["sent"]}, {"status": "sent"}],
    ids=["unknown", "list", "no-id"],
)
def test_gateway_status_signed_but_malformed(gateway, payload):
    raw = json.dumps(payload).encode()
    with pytest.raises(InboundMalformed):
        backend().status(signed_gateway_request(raw, path="/sms/status"))
