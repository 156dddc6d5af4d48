"""One log line per request with its latency (logger "entraide.requests"),
and its time in the Prometheus histogram (common.metrics):
`GET /requests/<int:pk>/ 200 12.3ms`. The route, never the path itself: paths
carry ids and signed tokens (the stop-emails and follow-up links). Works in
both modes, so it adds no thread hop to async requests."""

import logging
import time

from asgiref.sync import iscoroutinefunction, markcoroutinefunction

from common.metrics import REQUEST_SECONDS

logger = logging.getLogger("entraide.requests")
# Anything else is counted as OTHER: a label per made-up method would grow forever.
KNOWN_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def _line(request, response, started: float) -> None:
    seconds = time.perf_counter() - started
    match = getattr(request, "resolver_match", None)
    route = "/" + match.route if match is not None else "(unrouted)"
    method = request.method if request.method in KNOWN_METHODS else "OTHER"
    REQUEST_SECONDS.labels(method, route, str(response.status_code)).observe(seconds)
    logger.info("%s %s %s %.1fms", request.method, route, response.status_code, seconds * 1000)


class RequestLogMiddleware:
    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request):
        if iscoroutinefunction(self):
            return self.__acall__(request)
        started = time.perf_counter()
        response = self.get_response(request)
        _line(request, response, started)
        return response

    async def __acall__(self, request):
        started = time.perf_counter()
        response = await self.get_response(request)
        _line(request, response, started)
        return response
