"""Small local stand-ins for outside services, spoken to over real HTTP
without the network: Nominatim (geopy's real client) and a map tile server
(so a browser's page load never waits on an unreachable tile host)."""

import json
import struct
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

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
    """An HTTP server on a free loopback port, in a thread, for `with`."""

    def _serve(self, handler) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

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
