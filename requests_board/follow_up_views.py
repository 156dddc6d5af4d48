"""Pages for "Did this help?" and the public impact figures."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from common.forms import SERVICE_ERRORS, form_add_service_errors
from requests_board import impact, selectors, services
from requests_board.forms import FollowUpForm


@login_required
def follow_ups(request):
    items = selectors.follow_ups_of(user=request.user)
    return render(request, "requests_board/follow_ups.html", {"items": items})


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_page(request, pk):
    """ "Did this help?" for one request: where "done" and the notification lead."""
    follow_up = selectors.follow_up_for_request(user=request.user, request_id=pk)
    form = FollowUpForm(
        request.POST if request.method == "POST" else None,
        initial={"score": follow_up.score, "comment": follow_up.comment},
    )
    if form.is_valid():
        try:
            services.follow_up_answer(
                follow_up=follow_up,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
        except SERVICE_ERRORS as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("Thank you for answering."))
            return redirect("board:follow-up", pk=pk)
    return render(
        request,
        "requests_board/follow_up.html",
        {"follow_up": follow_up, "form": form},
        status=400 if form.is_bound else 200,
    )


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
