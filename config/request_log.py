"""One log line per request with its latency (logger "entraide.requests"):
`GET /requests/<int:pk>/ 200 12.3ms`. The route, never the path itself: paths
carry ids and signed tokens (the stop-emails and follow-up links). Works in
both modes, so it adds no thread hop to async requests."""

import logging
import time

from asgiref.sync import iscoroutinefunction, markcoroutinefunction

logger = logging.getLogger("entraide.requests")


def _line(request, response, started: float) -> None:
    match = getattr(request, "resolver_match", None)
    route = "/" + match.route if match is not None else "(unrouted)"
    logger.info(
        "%s %s %s %.1fms",
        request.method,
        route,
        response.status_code,
        (time.perf_counter() - started) * 1000,
    )


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
