"""The installable app: its manifest, its service worker and the page it
shows when a page is neither online nor kept (DESIGN.md, "Reach")."""

from django.http import JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

THEME = "#0b5c4a"


@require_GET
def manifest(request):
    icons = [
        {"src": static(f"icons/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png"}
        for size in (192, 512)
    ] + [
        {
            "src": static(f"icons/maskable-{size}.png"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": "maskable",
        }
        for size in (192, 512)
    ]
    return JsonResponse(
        {
            "name": _("Entraide: neighbours helping neighbours"),
            "short_name": _("Entraide"),
            "description": _("Ask for a hand and offer one, within walking distance."),
            "lang": get_language(),
            "start_url": "/?source=app",
            "scope": "/",
            "display": "standalone",
            "theme_color": THEME,
            "background_color": "#ffffff",
            "icons": icons,
        },
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
@cache_control(no_cache=True)
def service_worker(request):
    # A template, for the static files' (hashed) names; no user data in it.
    return render(
        request,
        "sw.js",
        {"offline_url": "/offline/"},
        content_type="application/javascript; charset=utf-8",
    )


@require_GET
def offline(request):
    return render(request, "offline.html")
