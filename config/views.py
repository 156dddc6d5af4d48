"""Error pages: JSON under /api/, HTML elsewhere."""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from common.api import error_response


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


@csrf_exempt
def api_not_found(request, *args, **kwargs):
    """Every path under /api/ that nothing else serves, whatever the method
    (config/urls.py routes them here): the API's JSON 404, in development
    mode too, where Django would show its technical HTML page instead of
    handler404, and without APPEND_SLASH's redirect (or, for a POST, its
    development-mode RuntimeError)."""
    return error_response("not_found", _("Not found."), 404)


def not_found(request, exception=None):
    if _is_api(request):
        return error_response("not_found", _("Not found."), 404)
    return render(request, "404.html", status=404)


def forbidden(request, exception=None):
    if _is_api(request):
        return error_response("permission_denied", _("Not allowed."), 403)
    return render(request, "403.html", status=403)


def bad_request(request, exception=None):
    if _is_api(request):
        return error_response("bad_request", _("Bad request."), 400)
    return render(request, "400.html", status=400)


def server_error(request):
    if _is_api(request):
        return error_response("server_error", _("Something went wrong."), 500)
    return render(request, "500.html", status=500)
