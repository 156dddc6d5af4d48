"""Pages for "Did this help?" and the public impact figures."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from common.ids import as_id
from requests_board import impact, selectors, services

SCORES = [
    (1, gettext_lazy("1, not at all")),
    (2, "2"),
    (3, "3"),
    (4, "4"),
    (5, gettext_lazy("5, a lot")),
]


@login_required
def follow_ups(request):
    items = selectors.follow_ups_of(user=request.user)
    return render(request, "requests_board/follow_ups.html", {"items": items, "scores": SCORES})


@login_required
@require_POST
def follow_up_answer(request, pk):
    follow_up = selectors.follow_up_of(user=request.user, follow_up_id=pk)
    try:
        services.follow_up_answer(
            follow_up=follow_up,
            score=as_id(request.POST.get("score")),
            comment=request.POST.get("comment") or None,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Thank you for answering."))
    return redirect("board:follow-ups")


@require_http_methods(["GET", "POST"])
def follow_up_link(request, token, score):
    """The one-click answer from the email: the link itself records the score
    (it can be changed), and the page offers to add a comment."""
    follow_up = services.follow_up_from_token(token)
    comment = request.POST.get("comment") if request.method == "POST" else None
    try:
        follow_up = services.follow_up_answer(follow_up=follow_up, score=score, comment=comment)
    except ValidationError:
        raise Http404 from None
    return render(
        request,
        "requests_board/follow_up_thanks.html",
        {"follow_up": follow_up, "commented": comment is not None},
    )


def impact_page(request):
    figures = impact.impact_figures()
    months = figures["months"]
    shown = [m for m in months if not m["suppressed"]]
    top = max([m["posted"] for m in shown] or [1])
    bars = []
    for index, month in enumerate(shown):
        # Server-drawn SVG, 160 px high at most: two bars per month, posted and fulfilled.
        posted_h = round(160 * month["posted"] / top)
        fulfilled_h = round(160 * month["fulfilled"] / top)
        bars.append(
            {
                "month": month["month"],
                "posted": month["posted"],
                "fulfilled": month["fulfilled"],
                "x": 40 + index * 60,
                "x2": 62 + index * 60,
                "posted_h": posted_h,
                "fulfilled_h": fulfilled_h,
                "posted_y": 180 - posted_h,
                "fulfilled_y": 180 - fulfilled_h,
            }
        )
    return render(
        request,
        "requests_board/impact.html",
        {"figures": figures, "bars": bars, "chart_width": 60 + 60 * len(bars)},
    )


def impact_csv(request):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="entraide-impact.csv"'
    writer = csv.DictWriter(response, fieldnames=impact.CSV_COLUMNS)
    writer.writeheader()
    writer.writerows(impact.impact_rows(impact.impact_figures()))
    return response


def impact_geojson(request):
    response = JsonResponse(impact.impact_grid(), content_type="application/geo+json")
    response["Content-Disposition"] = 'attachment; filename="entraide-impact.geojson"'
    return response
