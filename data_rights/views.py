"""The data-rights pages: download my data, delete my account."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from common.forms import form_add_service_errors
from data_rights import services
from data_rights.forms import AccountDeleteForm
from relays import selectors as relays_selectors
from relays.models import KeptNeighbour


@login_required
def account_export(request):
    """The user's data as a JSON file (the same document as /api/v1/me/export)."""
    response = JsonResponse(
        services.account_export(user=request.user), json_dumps_params={"indent": 2}
    )
    response["Content-Disposition"] = 'attachment; filename="entraide-my-data.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    form = AccountDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_erase(user=request.user, password=form.cleaned_data["password"])
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            logout(request)
            messages.success(request, _("Your account and your data are deleted. Take care!"))
            return redirect("board:home")
    return render(
        request,
        "data_rights/account_delete.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def kept_neighbour_withdraw(request, pk):
    """A relay withdraws a neighbour's consent: a page that says what goes,
    and one button."""
    try:
        neighbour = relays_selectors.kept_neighbour_to_withdraw(relay_user=request.user, pk=pk)
    except KeptNeighbour.DoesNotExist:
        raise Http404 from None
    if request.method == "POST":
        services.kept_neighbour_erase(relay_user=request.user, neighbour_id=neighbour.pk)
        messages.success(
            request,
            _("%(name)s's consent is withdrawn: what was kept about them is erased.")
            % {"name": neighbour.first_name},
        )
        return redirect("relays:neighbours")
    return render(request, "data_rights/kept_neighbour_withdraw.html", {"neighbour": neighbour})
