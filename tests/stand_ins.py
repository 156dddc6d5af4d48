"""Small local stand-ins for outside services, spoken to over real HTTP
without the network: Nominatim (geopy's real client), a map tile server
(so a browser's page load never waits on an unreachable tile host), a push
service, and two SMS providers (a Twilio-compatible API, a generic gateway)."""

import base64
import hashlib
import hmac
import json
import struct
import threading
import time
import urllib.error
import urllib.request
import uuid
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

# address (lower case) -> (lat, lng, display name)
KNOWN_PLACES = {
    "12 rue oberkampf, paris": (48.86472, 2.36981, "12, Rue Oberkampf, Paris 11e, France"),
    "1 place léon blum, paris": (48.85757, 2.37982, "1, Place Léon Blum, Paris 11e, France"),
}


# For /reverse: the parts Nominatim gives for the known places above.
ADDRESS_PARTS = {
    "12 rue oberkampf, paris": {
        "house_number": "12",
        "road": "Rue Oberkampf",
        "postcode": "75011",
        "city": "Paris",
    },
    "1 place léon blum, paris": {
        "house_number": "1",
        "road": "Place Léon Blum",
        "postcode": "75011",
        "city": "Paris",
    },
}


def _reverse(query: dict) -> dict:
    """The known place within about 300 m of the point asked, as Nominatim's
    /reverse answers it (jsonv2), or its "Unable to geocode" error."""
    try:
        lat, lng = float(query["lat"]), float(query["lon"])
    except (KeyError, ValueError):
        return {"error": "Unable to geocode"}
    for key, (plat, plng, name) in KNOWN_PLACES.items():
        if abs(plat - lat) < 0.003 and abs(plng - lng) < 0.004:
            return {
                "lat": str(plat),
                "lon": str(plng),
                "display_name": name,
                "place_id": 1,
                "address": ADDRESS_PARTS[key],
            }
    return {"error": "Unable to geocode"}


class _LoopbackServer:
    """An HTTP server on a free loopback port, in a thread, for `with`. It
    stops within 50 ms: serve_forever's default poll of half a second would
    be paid at the end of every test that starts one."""

    def _serve(self, handler) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class NominatimStandIn(_LoopbackServer):
    """mode: "ok" answers from KNOWN_PLACES, "error" answers 500, "slow" sleeps
    past the client's timeout. `queries` records what was asked."""

    def __init__(self):
        self.mode = "ok"
        self.queries: list[dict] = []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's naming)
                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                stand_in.queries.append({"path": url.path, **query})
                if stand_in.mode == "error":
                    self.send_response(500)
                    self.end_headers()
                    return
                if stand_in.mode == "slow":
                    time.sleep(1.5)
                place = KNOWN_PLACES.get(query.get("q", "").strip().lower())
                results = []
                if url.path == "/search" and place:
                    lat, lng, name = place
                    results = [
                        {
                            "lat": str(lat),
                            "lon": str(lng),
                            "display_name": name,
                            "place_id": 1,
                            "importance": 0.5,
                        }
                    ]
                if url.path == "/reverse":
                    results = _reverse(query)
                body = json.dumps(results).encode()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (the "slow" mode)

            def log_message(self, *args):
                pass

        self._serve(Handler)

    @property
    def domain(self) -> str:
        host, port = self.server.server_address
        return f"{host}:{port}"


def _png_1x1() -> bytes:
    """A 1x1 transparent PNG: what every tile request gets."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)  # 1x1, 8-bit RGBA
    pixels = zlib.compress(b"\x00\x00\x00\x00\x00")  # filter byte + one clear pixel
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


TILE_PNG = _png_1x1()


class TileStandIn(_LoopbackServer):
    """Answers any /{z}/{x}/{y}.png with a tiny PNG; counts what it served."""

    def __init__(self):
        self.served = 0
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's naming)
                stand_in.served += 1
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "image/png")
                    self.send_header("Content-Length", str(len(TILE_PNG)))
                    self.send_header("Cache-Control", "max-age=3600")
                    self.end_headers()
                    self.wfile.write(TILE_PNG)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the page was closed mid-load

            def log_message(self, *args):
                pass

        self._serve(Handler)
        self.thread.start()  # for the whole test process (tests/conftest.py)

    @property
    def url_template(self) -> str:
        host, port = self.server.server_address
        return f"http://{host}:{port}/{{z}}/{{x}}/{{y}}.png"


class PushServiceStandIn(_LoopbackServer):
    """A push service (RFC 8030) on loopback: it keeps every push it is sent
    (path, headers, the encrypted body) and answers 201 Created, or 410 Gone
    for a device whose path is in `gone`. `endpoint(name)` is a device's URL."""

    def __init__(self):
        self.received: list[dict] = []
        self.gone: set[str] = set()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                path = urlparse(self.path).path
                stand_in.received.append(
                    {
                        "path": path,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "body": body,
                        "at": time.monotonic(),
                    }
                )
                status = 410 if path in stand_in.gone else 201
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self._serve(Handler)

    @property
    def origin(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def endpoint(self, name: str) -> str:
        return f"{self.origin}/push/{name}"

    def for_device(self, name: str) -> list[dict]:
        return [push for push in self.received if push["path"] == f"/push/{name}"]


def twilio_signature(auth_token: str, url: str, params: dict) -> str:
    """X-Twilio-Signature as Twilio computes it: base64 of the HMAC-SHA1,
    keyed with the auth token, of the full URL followed by every parameter's
    name and value, sorted by name. Written apart from sms/backends.py, from
    Twilio's description, so that the two can disagree."""
    signed = url
    for name in sorted(params):
        signed += name + params[name]
    digest = hmac.new(auth_token.encode(), signed.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def gateway_signature(secret: str, raw: bytes) -> str:
    """The gateway's X-Entraide-Signature header value for a raw body."""
    return "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 3xx itself is the answer


# Straight to loopback: no proxy from the environment, no redirect followed.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects)


def _post(url: str, raw: bytes, headers: dict) -> int:
    """POSTs as a provider calling our webhook: the HTTP status it got."""
    request = urllib.request.Request(url, data=raw, headers=headers, method="POST")
    try:
        with _opener.open(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        exc.close()
        return exc.code


def _answer(handler: BaseHTTPRequestHandler, status: int, payload: dict) -> None:
    body = json.dumps(payload).encode()
    try:
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the client gave up (the "slow" mode)


class TwilioStandIn(_LoopbackServer):
    """Twilio's Messages API on loopback, for one account: it keeps every
    text it accepts in `sent` (to, from, body, status_callback) and answers
    201 with a new sid, as Twilio does. mode: "ok"; "error" answers 500;
    "slow" sleeps past the client's timeout. `inbound` and `status_callback`
    call our webhooks as Twilio would, signed with the auth token."""

    def __init__(self, account_sid: str, auth_token: str):
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.mode = "ok"
        self.sent: list[dict] = []
        stand_in = self
        credentials = base64.b64encode(f"{account_sid}:{auth_token}".encode()).decode()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                path = urlparse(self.path).path
                if path != f"/2010-04-01/Accounts/{account_sid}/Messages.json":
                    _answer(self, 404, {"code": 20404, "message": "Not Found", "status": 404})
                    return
                if not hmac.compare_digest(
                    self.headers.get("Authorization", ""), f"Basic {credentials}"
                ):
                    _answer(
                        self,
                        401,
                        {
                            "code": 20003,
                            "message": "Authenticate",
                            "more_info": "https://www.twilio.com/docs/errors/20003",
                            "status": 401,
                        },
                    )
                    return
                if stand_in.mode == "error":
                    _answer(self, 500, {"code": 20500, "message": "Internal Server Error"})
                    return
                if stand_in.mode == "slow":
                    time.sleep(1.5)
                if not form.get("To") or not form.get("From") or "Body" not in form:
                    _answer(
                        self, 400, {"code": 21604, "message": "A 'To' phone number is required."}
                    )
                    return
                text = {
                    "to": form["To"],
                    "from": form["From"],
                    "body": form["Body"],
                    "status_callback": form.get("StatusCallback"),
                }
                stand_in.sent.append(text)
                _answer(
                    self,
                    201,
                    {
                        "sid": "SM" + uuid.uuid4().hex,
                        "account_sid": account_sid,
                        "status": "queued",
                        "to": text["to"],
                        "from": text["from"],
                        "body": text["body"],
                    },
                )

            def log_message(self, *args):
                pass

        self._serve(Handler)

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def inbound(
        self, url: str, *, sender: str, body: str, to: str = "+33100000000", sid: str | None = None
    ) -> int:
        """A text from `sender` to `to`, posted to `url` as Twilio posts it."""
        sid = sid or "SM" + uuid.uuid4().hex
        return self._call(
            url,
            {
                "ToCountry": "FR",
                "SmsMessageSid": sid,
                "NumMedia": "0",
                "SmsSid": sid,
                "SmsStatus": "received",
                "Body": body,
                "FromCountry": "FR",
                "To": to,
                "NumSegments": "1",
                "MessageSid": sid,
                "AccountSid": self.account_sid,
                "From": sender,
                "ApiVersion": "2010-04-01",
            },
        )

    def status_callback(self, url: str, *, sid: str, status: str) -> int:
        """A delivery status for `sid`, posted to `url` as Twilio posts it."""
        params = {
            "SmsSid": sid,
            "SmsStatus": status,
            "MessageStatus": status,
            "MessageSid": sid,
            "AccountSid": self.account_sid,
            "ApiVersion": "2010-04-01",
        }
        if status in ("undelivered", "failed"):
            params["ErrorCode"] = "30003"
        return self._call(url, params)

    def _call(self, url: str, params: dict) -> int:
        return _post(
            url,
            urlencode(params).encode(),
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Twilio-Signature": twilio_signature(self.auth_token, url, params),
                "User-Agent": "TwilioProxy/1.1",
            },
        )


class SmsGatewayStandIn(_LoopbackServer):
    """A generic HTTP SMS gateway on loopback (a phone running a gateway
    app): any POST with the bearer token is a text to send, kept in `sent`
    (id, to, body) and answered 200 with its id. mode: "ok"; "error" answers
    500. `inbound` and `status_callback` call our webhooks as the gateway
    would, signed with the shared secret."""

    def __init__(self, token: str):
        self.mode = "ok"
        self.sent: list[dict] = []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if not hmac.compare_digest(
                    self.headers.get("Authorization", ""), f"Bearer {token}"
                ):
                    _answer(self, 401, {"error": "unauthorized"})
                    return
                if stand_in.mode == "error":
                    _answer(self, 500, {"error": "modem not ready"})
                    return
                try:
                    data = json.loads(raw)
                    text = {"id": data["id"], "to": data["to"], "body": data["body"]}
                except (ValueError, KeyError, TypeError):
                    _answer(self, 400, {"error": "expected JSON with id, to, body"})
                    return
                stand_in.sent.append(text)
                _answer(self, 200, {"id": text["id"], "status": "queued"})

            def log_message(self, *args):
                pass

        self._serve(Handler)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/send"

    def inbound(
        self, url: str, *, secret: str, sender: str, body: str, id: str | None = None
    ) -> int:
        """A text from `sender`, posted to `url` as the gateway posts it."""
        payload = {"id": id or uuid.uuid4().hex, "from": sender, "body": body}
        return self._call(url, secret, payload)

    def status_callback(self, url: str, *, secret: str, id: str, status: str) -> int:
        """A delivery status for `id`, posted to `url` as the gateway posts it."""
        return self._call(url, secret, {"id": id, "status": status})

    def _call(self, url: str, secret: str, payload: dict) -> int:
        raw = json.dumps(payload).encode()
        return _post(
            url,
            raw,
            {
                "Content-Type": "application/json",
                "X-Entraide-Signature": gateway_signature(secret, raw),
            },
        )
