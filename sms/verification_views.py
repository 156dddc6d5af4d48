"""The volunteer's "Verify my phone" pages: the number, the texted code,
and "remove my number"."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from common.forms import SERVICE_ERRORS, form_add_service_errors
from common.phones import phone_shown
from sms import backends, verification


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=gettext_lazy("Your mobile phone number"),
        max_length=40,
        help_text=gettext_lazy(
            "We text you a code to check it is yours. Nobody else sees your number: "
            "requesters only see “phone verified”."
        ),
        error_messages={"required": gettext_lazy("Write your phone number.")},
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )


class PhoneCodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("The code we texted you"),
        max_length=12,
        help_text=gettext_lazy("6 digits, valid for 10 minutes."),
        error_messages={"required": gettext_lazy("Write the 6 digits of the code we texted you.")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "size": 8}
        ),
    )


def _render_phone(request, form, status=200):
    user = request.user
    pending = verification.phone_code_pending(user=user)
    return render(
        request,
        "sms/phone.html",
        {
            "form": form,
            "enabled": backends.enabled(),
            "verified": user.phone_verified_at is not None,
            "phone": phone_shown(user.phone),
            "pending_phone": phone_shown(pending.phone) if pending else "",
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def phone(request):
    """The number: verified (shown to its owner), or the form that texts a code."""
    if request.method == "GET":
        return _render_phone(request, PhoneForm())
    form = PhoneForm(request.POST)
    if form.is_valid():
        try:
            phone_code = verification.phone_code_send(
                user=request.user, phone=form.cleaned_data["phone"]
            )
        except SERVICE_ERRORS as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("We texted a code to %(phone)s.") % {"phone": phone_shown(phone_code.phone)},
            )
            return redirect("sms:phone-verify")
    return _render_phone(request, form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def phone_verify(request):
    """Typing the texted code."""
    pending = verification.phone_code_pending(user=request.user)
    if request.method == "GET" and pending is None:
        messages.info(request, _("Ask for a code first."))
        return redirect("sms:phone")
    form = PhoneCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            verification.phone_code_check(user=request.user, code=form.cleaned_data["code"])
        except SERVICE_ERRORS as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Your phone number is verified. Requesters will see “phone verified”."),
            )
            return redirect("sms:phone")
        pending = verification.phone_code_pending(user=request.user)
    return render(
        request,
        "sms/phone_code.html",
        {"form": form, "pending_phone": phone_shown(pending.phone) if pending else ""},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def phone_forget(request):
    """The "remove my number" button."""
    verification.phone_forget(user=request.user)
    messages.success(request, _("Your phone number is removed."))
    return redirect("sms:phone")
