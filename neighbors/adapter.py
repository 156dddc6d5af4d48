"""allauth's web sign-up, through neighbors' sign-up service.

allauth's own form saves the user itself (`adapter.save_user`, then the
custom form's `signup`), which would leave the web and the API
(`POST /api/v1/auth/signup`) with two sets of rules. Here the form checks
with `user_signup_check` and creates with `user_signup`, like the API.

Not in neighbors.forms: allauth's forms module imports that one (the
`ACCOUNT_SIGNUP_FORM_CLASS` it builds on), so importing allauth's forms
from it would be a cycle."""

import logging
import smtplib

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.forms import SignupForm as AllauthSignupForm
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from neighbors import services

logger = logging.getLogger(__name__)

# The service's field names, as the web form spells them.
_FORM_FIELDS = {"password": "password1"}


class SignupForm(AllauthSignupForm):
    """settings.ACCOUNT_FORMS["signup"]."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        password = self.fields["password1"]
        # One plain rule rather than Django's list of four.
        password.help_text = _("At least 8 characters. A short sentence is easy to remember.")
        # Kept when the page comes back with an error, so that it is not typed again.
        password.widget.render_value = True
        password.widget.attrs["autocomplete"] = "new-password"

    def _service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "email": data["email"],
            "password": data["password1"],
            "display_name": data["display_name"],
        }

    def clean(self):
        cleaned_data = super().clean()
        if self.errors:
            return cleaned_data
        try:
            services.user_signup_check(**self._service_fields())
        except ValidationError as exc:
            per_field = exc.error_dict if hasattr(exc, "error_dict") else {None: exc.error_list}
            for field, errors in per_field.items():
                # allauth answers a taken address as if it were new, and
                # emails its owner (account_already_exists, set by
                # clean_email): saying so here would tell who has an account.
                errors = [error for error in errors if error.code != "email_taken"]
                if errors:
                    self.add_error(_FORM_FIELDS.get(field, field), errors)
        return cleaned_data

    def try_save(self, request):
        try:
            return super().try_save(request)
        except ValidationError as exc:
            # The address was taken between the check and the save: the same
            # answer as for an address taken before.
            if not any(
                error.code == "email_taken"
                for error in getattr(exc, "error_dict", {}).get("email", [])
            ):
                raise
            self.account_already_exists = True
            return super().try_save(request)

    def save(self, request):
        if self.account_already_exists:
            raise ValueError(self.cleaned_data.get("email"))
        # allauth's login stage, next, sends the verification code.
        return services.user_signup(
            **self._service_fields(),
            request=request,
            send_verification=False,
            language=get_language(),
        )


class AccountAdapter(DefaultAccountAdapter):
    """allauth's emails (the sign-up code, a password reset) never fail the
    request that sends them: a mail server that is down is logged, and the
    person can ask for the code again."""

    def send_mail(self, template_prefix, email, context):
        try:
            super().send_mail(template_prefix, email, context)
        except (OSError, smtplib.SMTPException):
            logger.exception("could not send the %s email", template_prefix.rsplit("/", 1)[-1])
