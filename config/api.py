"""Shared pieces of the JSON API: the error format and strict input."""

from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, serializers
from rest_framework.views import exception_handler as drf_exception_handler


def _flatten(detail) -> dict[str, list[str]]:
    """Per-field messages as {"field": ["message", ...]}, nested fields dotted."""
    fields: dict[str, list[str]] = {}

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, sub in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), sub)
        elif isinstance(value, list) and value and not isinstance(value[0], str):
            for index, sub in enumerate(value):
                walk(f"{prefix}.{index}", sub)
        else:
            messages = value if isinstance(value, list) else [value]
            fields.setdefault(prefix or "non_field_errors", []).extend(str(m) for m in messages)

    walk("", detail)
    return fields


def exception_handler(exc, context):
    """Every API error is {"error": code, "detail": text} (+ "fields" for input errors)."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        # Our refusals say why (a sanction, a closed conversation).
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        first = next(iter(fields.values()))[0] if fields else "Invalid input."
        code = getattr(exc, "error_code", "invalid")
        response.data = {"error": code, "detail": first, "fields": fields}
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        if isinstance(code, dict | list):
            code = getattr(exc, "default_code", "error")
        response.data = {"error": code, "detail": str(detail)}
    return response


class StrictSerializer(serializers.Serializer):
    """Rejects fields it does not know, so a typo never passes silently."""

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": ["Expected a JSON object."]})
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        not_lists = [
            name
            for name, field in self.fields.items()
            if isinstance(field, serializers.ManyRelatedField | serializers.ListField)
            and name in data
            and not isinstance(data[name], list)
        ]
        if not_lists:
            raise serializers.ValidationError({name: ["Expected a list."] for name in not_lists})
        return super().to_internal_value(data)


@contextmanager
def django_validation_errors():
    """Turns a service's django ValidationError into the API's 400."""
    try:
        yield
    except DjangoValidationError as exc:
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        error = exceptions.ValidationError(detail)
        # "personal_data": the text may be sent again with publish_anyway.
        error.error_code = "personal_data" if getattr(exc, "personal_data", False) else "invalid"
        raise error from exc


ERROR_STATUSES = {
    "400": "Invalid input: `fields` has a list of messages per field.",
    "401": "Not signed in (send `Authorization: Token <key>`).",
    "403": "Signed in, but not allowed.",
    "404": "Not found (or not visible to you).",
    "409": "The request's state does not allow this step.",
    "429": "Too many attempts: try again later.",
}


def schema_add_errors(result, generator, request, public):
    """OpenAPI post-processing: documents the shared error format on every operation."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = {
        "type": "object",
        "required": ["error", "detail"],
        "properties": {
            "error": {"type": "string"},
            "detail": {"type": "string"},
            "fields": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
        },
    }
    for name, schema in result["components"]["schemas"].items():
        # Request bodies are strict (StrictSerializer): say so.
        if name.endswith("Request") and schema.get("type") == "object":
            schema["additionalProperties"] = False
    # Present only for those allowed to see the exact point.
    help_request = result["components"]["schemas"].get("HelpRequest", {})
    if "location" in help_request.get("required", []):
        help_request["required"].remove("location")
    for methods in result.get("paths", {}).values():
        for operation in methods.values():
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_STATUSES.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                        },
                    },
                )
    return result
