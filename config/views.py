"""Error pages: JSON under /api/, HTML elsewhere."""

from django.http import JsonResponse
from django.shortcuts import render


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def not_found(request, exception=None):
    if _is_api(request):
        return JsonResponse({"error": "not_found", "detail": "Not found."}, status=404)
    return render(request, "404.html", status=404)


def forbidden(request, exception=None):
    if _is_api(request):
        return JsonResponse({"error": "permission_denied", "detail": "Not allowed."}, status=403)
    return render(request, "403.html", status=403)


def bad_request(request, exception=None):
    if _is_api(request):
        return JsonResponse({"error": "bad_request", "detail": "Bad request."}, status=400)
    return render(request, "400.html", status=400)


def server_error(request):
    if _is_api(request):
        return JsonResponse(
            {"error": "server_error", "detail": "Something went wrong."}, status=500
        )
    return render(request, "500.html", status=500)
