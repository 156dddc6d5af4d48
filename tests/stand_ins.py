"""A small local stand-in for Nominatim, so geopy's real client is exercised
over real HTTP without the network."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

# address (lower case) -> (lat, lng, display name)
KNOWN_PLACES = {
    "12 rue oberkampf, paris": (48.86472, 2.36981, "12, Rue Oberkampf, Paris 11e, France"),
    "1 place léon blum, paris": (48.85757, 2.37982, "1, Place Léon Blum, Paris 11e, France"),
}


class NominatimStandIn:
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

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def domain(self) -> str:
        host, port = self.server.server_address
        return f"{host}:{port}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
