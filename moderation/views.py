from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from common.forms import SERVICE_ERRORS, form_add_service_errors
from geo.maps import map_config
from moderation import selectors, services
from moderation.forms import ActionForm, ReportForm
from moderation.models import TargetType
from moderation.payloads import queue_entry_payload
from moderation.targets import target_resolve
from safety import selectors as safety_selectors
from safety import services as safety_services


@login_required
def block_list(request):
    return render(
        request, "moderation/blocks.html", {"blocks": safety_selectors.blocks_made_by(request.user)}
    )


@login_required
@require_POST
def block_change(request, user_id):
    """The block and unblock buttons (chat page, request page, block list)."""
    unblock = request.POST.get("action") == "unblock"
    try:
        if unblock:
            safety_services.user_unblock(user=request.user, other_id=user_id)
        else:
            safety_services.user_block(user=request.user, other_id=user_id)
    except ValidationError as exc:
        flash.error(request, " ".join(exc.messages))
    else:
        flash.success(
            request,
            _("Unblocked. You can see each other's posts and talk again.")
            if unblock
            else _(
                "Blocked. Neither of you will see the other's posts or be able to send "
                "the other a message."
            ),
        )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "moderation:blocks"
    return redirect(target)


# --- Reports -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def report_create(request, target_type, target_id):
    if target_type not in TargetType.values:
        raise Http404
    target = target_resolve(target_type, target_id)
    if target is None:
        raise Http404
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _report, created = services.report_create(
                reporter=request.user,
                target_type=target_type,
                target_id=target_id,
                **form.cleaned_data,
            )
        except SERVICE_ERRORS as exc:
            form_add_service_errors(form, exc)
        else:
            flash.success(
                request,
                _("Thank you. A moderator will look at it; you will see the outcome here.")
                if created
                else _("You have already reported this. A moderator will look at it."),
            )
            return redirect("moderation:my-reports")
    return render(
        request,
        "moderation/report_form.html",
        {"form": form, "target_type": target_type, "target_label": TargetType(target_type).label},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def my_reports(request):
    return render(
        request,
        "moderation/my_reports.html",
        {"reports": selectors.reports_made_by(request.user)[:100]},
    )


@login_required
def statements(request):
    return render(
        request,
        "moderation/statements.html",
        {"statements": selectors.statements_for(request.user)},
    )


# --- Moderators --------------------------------------------------------------------


@login_required
def queue(request):
    entries = selectors.reports_queue(moderator=request.user)
    payloads = [queue_entry_payload(entry) for entry in entries]
    for entry, payload in zip(entries, payloads, strict=True):
        entry.payload = payload
        entry.form = ActionForm(prefix=f"r{entry.report.pk}")
    return render(
        request,
        "moderation/queue.html",
        {
            "entries": entries,
            "map_config": map_config(request),
            "points": {p["id"]: p["public_location"] for p in payloads if p["public_location"]},
        },
    )


@login_required
@require_POST
def act(request, report_id):
    selectors.report_for_moderator(moderator=request.user, report_id=report_id)
    form = ActionForm(request.POST, prefix=f"r{report_id}")
    if form.is_valid():
        try:
            services.moderation_act(
                moderator=request.user,
                report_id=report_id,
                action=form.cleaned_data["action"],
                reason=form.cleaned_data["reason"],
                days=form.cleaned_data["days"],
            )
        except ValidationError as exc:
            flash.error(request, " ".join(exc.messages))
        else:
            flash.success(request, _("Done. The decision is in the log."))
            return redirect("moderation:queue")
    else:
        flash.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("moderation:queue")


@login_required
def log(request):
    return render(
        request,
        "moderation/log.html",
        {"actions": selectors.moderation_log(moderator=request.user)},
    )
