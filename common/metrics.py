"""What the app counts for Prometheus (prometheus_client): request latency,
open websockets, chat messages, pushes. Low in the layers so that every app
can count; the task queue's depth is read when /metrics is scraped
(config/metrics.py).

Several worker processes (gunicorn) share their counts when
PROMETHEUS_MULTIPROC_DIR names an empty directory, created before they start
(prometheus_client's multiprocess mode; `make scaled` sets it)."""

from prometheus_client import Counter, Gauge, Histogram

REQUEST_SECONDS = Histogram(
    "entraide_http_request_seconds",
    "Time to answer an HTTP request, by route (the pattern, not the path).",
    ["method", "route", "status"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
WEBSOCKETS_OPEN = Gauge(
    "entraide_websockets_open", "Websocket connections open now.", multiprocess_mode="livesum"
)
MESSAGES = Counter("entraide_chat_messages_total", "Chat messages stored.")
PUSHES = Counter("entraide_pushes_total", "Pushes sent, by outcome.", ["outcome"])
