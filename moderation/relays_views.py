"""The moderators' page of relays: who relays in their zones, naming one
by email, taking the role away."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from common.ids import as_id
from moderation import selectors
from neighbors.models import User
from relays import selectors as relays_selectors
from relays import services as relays_services


class RelayNameForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("The relay's email address"))
    zone = forms.ModelChoiceField(label=gettext_lazy("Zone"), queryset=None, empty_label=None)

    def __init__(self, *args, zones, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = zones

    def clean_email(self):
        user = User.objects.filter(email__iexact=self.cleaned_data["email"].strip()).first()
        if user is None:
            raise forms.ValidationError(
                _("Nobody has an account with this email: ask them to sign up first.")
            )
        return user


@login_required
@require_http_methods(["GET", "POST"])
def relays(request):
    zones = selectors.zones_for_moderator(moderator=request.user)
    form = RelayNameForm(zones=zones)
    if request.method == "POST" and "remove" in request.POST:
        relay = (
            relays_selectors.relays_list(zones=zones)
            .filter(pk=as_id(request.POST["remove"]) or 0)
            .first()
        )
        if relay is not None:
            relays_services.relay_remove(user=relay.user, zones=list(zones))
            messages.success(
                request, _("%(name)s is no longer a relay here.") % {"name": relay.user}
            )
        return redirect("moderation:relays")
    if request.method == "POST":
        form = RelayNameForm(request.POST, zones=zones)
        if form.is_valid():
            user = form.cleaned_data["email"]
            relays_services.relay_name(
                user=user, zones=[form.cleaned_data["zone"]], named_by=request.user
            )
            messages.success(
                request,
                _("%(name)s is now a relay in %(zone)s.")
                % {"name": user, "zone": form.cleaned_data["zone"]},
            )
            return redirect("moderation:relays")
    return render(
        request,
        "moderation/relays.html",
        {"form": form, "relays": relays_selectors.relays_list(zones=zones)},
        status=400 if form.errors else 200,
    )
