"""A relay's pages: the neighbours without internet they keep. (Posting
for one is the request form's "For whom"; withdrawing a consent is in
data_rights.)"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from common.forms import form_add_service_errors
from geo.maps import map_config
from geo.points import lat_lng
from neighbors.forms import AddressSearchForm
from neighbors.views import address_find
from relays import selectors, services
from relays.forms import KeptNeighbourForm
from relays.models import KeptNeighbour


@login_required
def neighbours(request):
    """The relay's neighbours. Someone no longer a relay still finds those
    they recorded here, to withdraw their consent, and nothing else."""
    is_relay = selectors.relay_is(request.user)
    kept = list(selectors.kept_neighbours_list(relay_user=request.user))
    if not is_relay and not kept:
        selectors.relay_check(request.user)
    return render(request, "relays/neighbours.html", {"neighbours": kept, "is_relay_now": is_relay})


@login_required
@require_http_methods(["GET", "POST"])
def neighbour_add(request):
    selectors.relay_check(request.user)
    return _neighbour_form(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def neighbour_edit(request, pk):
    try:
        neighbour = selectors.kept_neighbour_get(relay_user=request.user, pk=pk)
    except KeptNeighbour.DoesNotExist:
        raise Http404 from None
    return _neighbour_form(request, neighbour)


def _initial(neighbour) -> dict:
    if neighbour is None:
        return {}
    return {
        "first_name": neighbour.first_name,
        "phone": neighbour.phone_shown,
        "texts": neighbour.texts,
        "languages": neighbour.languages,
        "consent_how": neighbour.consent_how,
        "consent_given_at": neighbour.consent_given_at,
        **(lat_lng(neighbour.place) or {}),
    }


def _neighbour_form(request, neighbour):
    address_form, status = AddressSearchForm(), 200
    if request.method == "GET":
        form = KeptNeighbourForm(initial=_initial(neighbour))
    elif "find_address" in request.POST:
        address_form, found = address_find(request)
        kept = {k: v for k, v in request.POST.items() if k not in ("lat", "lng")}
        kept["languages"] = request.POST.getlist("languages")
        form = KeptNeighbourForm(initial={**_initial(neighbour), **kept, **(found or {})})
        status = 200 if found else 400
    else:
        form = KeptNeighbourForm(request.POST)
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in services.KEPT_FIELDS}
            try:
                if neighbour is None:
                    neighbour = services.kept_neighbour_add(relay_user=request.user, **fields)
                else:
                    services.kept_neighbour_update(neighbour=neighbour, **fields)
            except ValidationError as exc:
                form_add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(name)s is recorded. You can now ask for help for them.")
                    % {"name": neighbour.first_name},
                )
                return redirect("relays:neighbours")
        status = 400
    return render(
        request,
        "relays/neighbour_form.html",
        {
            "form": form,
            "address_form": address_form,
            "neighbour": neighbour,
            "map_config": map_config(request),
        },
        status=status,
    )
