"""Shared form helpers."""

from django.core.exceptions import PermissionDenied, ValidationError


def form_add_service_errors(form, exc: ValidationError | PermissionDenied) -> None:
    """Shows a service's error on the form: a ValidationError per field where
    the form has that field, at the top otherwise; a refusal (a sanction,
    moderation.sanctions.Restricted) at the top."""
    if isinstance(exc, PermissionDenied):
        form.add_error(None, str(exc))
        return
    # moderation.flags.PersonalDataWarning: offer the "publish anyway" box.
    form.personal_data_warning = getattr(exc, "personal_data", False)
    for name, errors in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)
