"""Shared form helpers."""

from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.exceptions import Throttled

# What a service may refuse a page's form with: bad input, a refusal (a
# sanction, safety.sanctions.Restricted), or a rate limit
# (safety.limits.LimitExceeded). Views catch these and show them.
SERVICE_ERRORS = (ValidationError, PermissionDenied, Throttled)


def form_add_service_errors(form, exc: Exception) -> None:
    """Shows a service's error on the form: a ValidationError per field where
    the form has that field, at the top otherwise; a refusal or a rate limit
    at the top."""
    if isinstance(exc, Throttled):
        form.add_error(None, str(exc.detail))
        return
    if isinstance(exc, PermissionDenied):
        form.add_error(None, str(exc))
        return
    # moderation.flags.PersonalDataWarning: offer the "publish anyway" box.
    form.personal_data_warning = getattr(exc, "personal_data", False)
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for name, errors in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)
