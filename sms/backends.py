"""The SMS providers the bridge can speak to: a Twilio-compatible REST API,
or a generic HTTP gateway (an Android phone running a gateway app, say).
Each sends a text, reads the signed webhooks the provider calls us back on
(an inbound text, a delivery status), and says what to answer them.

Phone numbers and bodies are personal data: nothing here logs them, and a
failed send says why in a few words, never with the text."""

import base64
import hashlib
import hmac
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse, JsonResponse

from common.json_input import JSONInputError, json_loads
from common.text import text_is_storable

logger = logging.getLogger(__name__)

# Longer than any real text or provider id: such a webhook is not one.
MAX_BODY_CHARS = 2000
MAX_ID_CHARS = 100
MAX_SENDER_CHARS = 40


@dataclass(frozen=True)
class SendResult:
    ok: bool  # the provider accepted the text
    provider_id: str  # the provider's id for it ("" when not ok)
    detail: str  # why not, in a few words (never the number or the body)


@dataclass(frozen=True)
class InboundText:
    id: str  # the provider's message id
    sender: str  # E.164, as the provider gives it
    body: str


@dataclass(frozen=True)
class StatusUpdate:
    provider_id: str
    status: str  # "delivered", "failed" or "sent"


class InboundRefused(Exception):
    """The signature is wrong or missing: the view answers 403, stores nothing."""


class InboundMalformed(Exception):
    """Signed, but not a text (or status) we can read: the view answers 400."""


def backend() -> "Backend | None":
    """The configured backend, or None when the bridge is off. Built at each
    call, from the settings of the moment."""
    name = settings.SMS_BACKEND.strip()
    if not name:
        return None
    try:
        return BACKENDS[name]()
    except KeyError:
        raise ImproperlyConfigured(
            f"SMS_BACKEND must be empty, or one of: {', '.join(BACKENDS)}"
        ) from None


def enabled() -> bool:
    return bool(settings.SMS_BACKEND.strip())


class Backend:
    name: str

    def send(self, *, message_id: str, to: str, body: str) -> SendResult:
        raise NotImplementedError

    def inbound(self, request) -> InboundText:
        raise NotImplementedError

    def status(self, request) -> StatusUpdate:
        raise NotImplementedError

    def inbound_answer(self) -> HttpResponse:
        raise NotImplementedError

    def _post(self, message_id: str, url: str, **kwargs):
        """POSTs to the provider: its response, or the SendResult that says
        why there is none. Never follows a redirect."""
        # Imported here: an idle server that never texts need not load requests.
        import requests

        try:
            return requests.post(
                url, timeout=settings.SMS_TIMEOUT_S, allow_redirects=False, **kwargs
            )
        except requests.Timeout:
            return self._failed(message_id, "timeout")
        except requests.RequestException as exc:
            return self._failed(message_id, f"network error ({type(exc).__name__})")

    def _failed(self, message_id: str, detail: str) -> SendResult:
        logger.warning("sms %s via %s not sent: %s", message_id, self.name, detail)
        return SendResult(ok=False, provider_id="", detail=detail)


class TwilioBackend(Backend):
    """Twilio's REST API (or one that speaks it, at SMS_API_BASE_URL)."""

    name = "twilio"
    STATUSES = {
        "delivered": "delivered",
        "undelivered": "failed",
        "failed": "failed",
        "sent": "sent",
        "queued": "sent",
        "accepted": "sent",
        "sending": "sent",
    }

    def __init__(self):
        self.api_base_url = settings.SMS_API_BASE_URL
        self.account_sid = settings.SMS_TWILIO_ACCOUNT_SID
        self.auth_token = settings.SMS_TWILIO_AUTH_TOKEN
        self.sender = settings.SMS_FROM
        self.site_url = settings.SITE_URL

    def send(self, *, message_id: str, to: str, body: str) -> SendResult:
        if not (self.account_sid and self.auth_token and self.sender):
            return self._failed(message_id, "not configured")
        response = self._post(
            message_id,
            f"{self.api_base_url}/2010-04-01/Accounts/{self.account_sid}/Messages.json",
            auth=(self.account_sid, self.auth_token),
            data={
                "To": to,
                "From": self.sender,
                "Body": body,
                "StatusCallback": f"{self.site_url}/sms/status",
            },
        )
        if isinstance(response, SendResult):
            return response
        answer = _json_or_none(response)
        if not 200 <= response.status_code < 300:
            # Twilio's error code says why (21211: not a valid number); its
            # message may quote the number, so it is left out.
            code = answer.get("code") if isinstance(answer, dict) else None
            suffix = f" ({code})" if isinstance(code, int) else ""
            return self._failed(message_id, f"HTTP {response.status_code}{suffix}")
        sid = answer.get("sid") if isinstance(answer, dict) else None
        if not isinstance(sid, str) or not sid:
            return self._failed(message_id, "answer without a sid")
        return SendResult(ok=True, provider_id=sid, detail="")

    def inbound(self, request) -> InboundText:
        params = self._verified(request)
        return _inbound_text(params.get("MessageSid"), params.get("From"), params.get("Body", ""))

    def status(self, request) -> StatusUpdate:
        params = self._verified(request)
        return _status_update(
            params.get("MessageSid"), self.STATUSES.get(params.get("MessageStatus", ""))
        )

    def inbound_answer(self) -> HttpResponse:
        # Empty TwiML: no automatic reply (replies are sent through the API).
        return HttpResponse(
            '<?xml version="1.0" encoding="UTF-8"?><Response></Response>',
            content_type="text/xml",
        )

    def _verified(self, request):
        """The POST parameters, once X-Twilio-Signature is found right for
        the URL Twilio called (our public one) and those parameters."""
        signature = request.headers.get("X-Twilio-Signature", "")
        if not self.auth_token or not signature:
            raise InboundRefused("no signature, or no auth token to check it")
        url = self.site_url + request.get_full_path()
        pairs = [(name, value) for name in request.POST for value in request.POST.getlist(name)]
        expected = _twilio_signature(self.auth_token, url, pairs)
        if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace")):
            raise InboundRefused("wrong signature")
        return request.POST


def _twilio_signature(auth_token: str, url: str, pairs: list[tuple[str, str]]) -> str:
    """Twilio's request signature: base64 of the HMAC-SHA1, keyed with the
    auth token, of the URL followed by each parameter's name and value, in
    the order of their names."""
    signed = url + "".join(name + value for name, value in sorted(pairs))
    digest = hmac.new(auth_token.encode(), signed.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class GatewayBackend(Backend):
    """A generic HTTP gateway: we POST it JSON with a bearer token; it POSTs
    us JSON signed with X-Entraide-Signature (HMAC-SHA256, SMS_WEBHOOK_SECRET)."""

    name = "gateway"
    STATUSES = {"delivered", "failed", "sent"}

    def __init__(self):
        self.url = settings.SMS_GATEWAY_URL
        self.token = settings.SMS_GATEWAY_TOKEN
        self.secret = settings.SMS_WEBHOOK_SECRET

    def send(self, *, message_id: str, to: str, body: str) -> SendResult:
        if not self.url:
            return self._failed(message_id, "not configured")
        response = self._post(
            message_id,
            self.url,
            headers={"Authorization": f"Bearer {self.token}"},
            json={"id": message_id, "to": to, "body": body},
        )
        if isinstance(response, SendResult):
            return response
        if not 200 <= response.status_code < 300:
            return self._failed(message_id, f"HTTP {response.status_code}")
        answer = _json_or_none(response)
        provider_id = _id_or_none(answer.get("id")) if isinstance(answer, dict) else None
        return SendResult(ok=True, provider_id=provider_id or message_id, detail="")

    def inbound(self, request) -> InboundText:
        data = self._verified(request)
        return _inbound_text(data.get("id"), data.get("from"), data.get("body"))

    def status(self, request) -> StatusUpdate:
        data = self._verified(request)
        status = data.get("status")
        known = isinstance(status, str) and status in self.STATUSES
        return _status_update(data.get("id"), status if known else None)

    def inbound_answer(self) -> HttpResponse:
        return JsonResponse({"ok": True})

    def _verified(self, request) -> dict:
        """The JSON object posted, once its signature is found right: checked
        on the raw body, before anything reads it."""
        raw = request.body
        signature = request.headers.get("X-Entraide-Signature", "")
        if not self.secret or not signature:
            raise InboundRefused("no signature, or no secret to check it")
        expected = _gateway_signature(self.secret, raw)
        if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace")):
            raise InboundRefused("wrong signature")
        try:
            data = json_loads(raw)
        except JSONInputError:
            raise InboundMalformed("not JSON") from None
        if not isinstance(data, dict):
            raise InboundMalformed("not a JSON object")
        return data


def _gateway_signature(secret: str, raw: bytes) -> str:
    """The X-Entraide-Signature header for a body: "sha256=" and the hex
    HMAC-SHA256 of the raw bytes, keyed with the shared secret."""
    return "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()


BACKENDS = {TwilioBackend.name: TwilioBackend, GatewayBackend.name: GatewayBackend}


def _json_or_none(response):
    try:
        return response.json()
    except ValueError:
        return None


def _id_or_none(value) -> str | None:
    """A provider's message id, given as a string or a number."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    value = str(value).strip()
    if not value or len(value) > MAX_ID_CHARS:
        return None
    return value


def _inbound_text(message_id, sender, body) -> InboundText:
    message_id = _id_or_none(message_id)
    if message_id is None:
        raise InboundMalformed("no message id")
    if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_CHARS:
        raise InboundMalformed("no sender")
    if not isinstance(body, str) or len(body) > MAX_BODY_CHARS:
        raise InboundMalformed("no body, or too long a one")
    if not all(text_is_storable(text) for text in (message_id, sender, body)):
        # A NUL, or half of an emoji split across two texts: refused, not a 500.
        raise InboundMalformed("characters that cannot be stored")
    return InboundText(id=message_id, sender=sender.strip(), body=body)


def _status_update(message_id, status: str | None) -> StatusUpdate:
    message_id = _id_or_none(message_id)
    if message_id is None or not text_is_storable(message_id):
        raise InboundMalformed("no message id")
    if status is None:
        raise InboundMalformed("unknown status")
    return StatusUpdate(provider_id=message_id, status=status)
