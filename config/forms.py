"""Shared form helpers."""

from django.core.exceptions import ValidationError


def form_add_service_errors(form, exc: ValidationError) -> None:
    """Shows a service's ValidationError on the form: per field where the form
    has that field, at the top otherwise."""
    for name, errors in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)
