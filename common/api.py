"""Shared pieces of the JSON API: the error format, strict input and the
OpenAPI schema's post-processing (the schema says what the server accepts)."""

import math
import re
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import EmailValidator, RegexValidator
from django.db import DatabaseError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import exceptions, parsers, serializers

from common.json_input import MAX_DEPTH, JSONInputError, json_depth_exceeds, json_loads

# --- Input: JSON bodies --------------------------------------------------------


def _has_non_finite(value) -> bool:
    """NaN or Infinity somewhere (Python's parser reads them; JSON has none)."""
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        return any(_has_non_finite(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_non_finite(v) for v in value)
    return False


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser through common.json_input: JSON nested deeper than
    MAX_DEPTH, not in the request's charset, or holding NaN is a 400 in the
    API's error format, never a RecursionError (a 500). (A body over
    DATA_UPLOAD_MAX_MEMORY_SIZE never gets here: see exception_handler.)"""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        raw = stream.read() if stream is not None else b""
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            raise exceptions.ParseError(_("The body is not valid JSON.")) from None
        if json_depth_exceeds(text):
            raise exceptions.ParseError(
                _("The JSON is nested deeper than %(depth)s levels.") % {"depth": MAX_DEPTH}
            )
        try:
            data = json_loads(text)
        except JSONInputError as exc:
            raise exceptions.ParseError(_("The body is not valid JSON.")) from exc
        if _has_non_finite(data):
            raise exceptions.ParseError(_("The body is not valid JSON."))
        return data


# --- Errors ----------------------------------------------------------------------


def error_response(code: str, detail: str, status: int) -> JsonResponse:
    """The API's error format, {"error", "detail"}, for plain Django views
    (error pages, webhooks); DRF views get it from exception_handler."""
    return JsonResponse({"error": code, "detail": detail}, status=status)


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
    # Imported here: rest_framework.views reads DEFAULT_PARSER_CLASSES, which
    # names this module's JSONParser, when it is first imported.
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, RequestDataTooBig):
        # DRF reads the body before any parser: Django's limit refuses it there.
        exc = exceptions.ParseError(_("The body is too large."))
    elif isinstance(exc, PermissionDenied):
        # Our refusals say why (a sanction, a closed conversation).
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        first = next(iter(fields.values()))[0] if fields else str(_("Invalid input."))
        code = getattr(exc, "error_code", "invalid")
        response.data = {"error": code, "detail": first, "fields": fields}
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        if isinstance(code, dict | list):
            code = getattr(exc, "default_code", "error")
        response.data = {"error": code, "detail": str(detail)}
    return response


# --- Strict input serializers ----------------------------------------------------

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_INTEGER = re.compile(r"-?[0-9]+")


def _json_type_ok(field, value) -> bool:
    """Whether `value` has the JSON type the schema gives `field`: DRF would
    turn 0 into False, 12 into "12" and "3" into 3, which the schema forbids."""
    if value is None:
        return True  # the field's allow_null decides
    if isinstance(field, serializers.BooleanField):
        return isinstance(value, bool)
    if isinstance(field, serializers.IntegerField):
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(field, serializers.FloatField | serializers.DecimalField):
        return isinstance(value, int | float) and not isinstance(value, bool)
    if isinstance(field, serializers.DateField):
        return isinstance(value, str) and _ISO_DATE.fullmatch(value) is not None
    if isinstance(field, serializers.ListField | serializers.ManyRelatedField):
        child = field.child if isinstance(field, serializers.ListField) else field.child_relation
        return isinstance(value, list) and all(_json_type_ok(child, item) for item in value)
    if isinstance(
        field,
        serializers.CharField
        | serializers.ChoiceField
        | serializers.SlugRelatedField
        | serializers.DateTimeField,
    ):
        return isinstance(value, str)
    return True  # nested serializers check their own fields


_EXPECTED_TYPE = [
    (serializers.BooleanField, _("Expected true or false.")),
    (serializers.IntegerField, _("Expected a whole number.")),
    (serializers.FloatField, _("Expected a number.")),
    (serializers.DecimalField, _("Expected a number.")),
    (serializers.DateField, _("Expected a date as YYYY-MM-DD.")),
    (serializers.ListField, _("Expected a list.")),
    (serializers.ManyRelatedField, _("Expected a list.")),
]


def _type_message(field) -> str:
    for kind, message in _EXPECTED_TYPE:
        if isinstance(field, kind):
            return message
    return _("Expected text.")


class StrictSerializer(serializers.Serializer):
    """A JSON body: rejects fields it does not know, so a typo never passes
    silently, and values of another JSON type than the schema's."""

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": [_("Expected a JSON object.")]})
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({name: [_("Unknown field.")] for name in unknown})
        wrong = self._wrong_types(data)
        if wrong:
            raise serializers.ValidationError(wrong)
        return super().to_internal_value(data)

    def _wrong_types(self, data) -> dict:
        return {
            name: [_type_message(field)]
            for name, field in self.fields.items()
            if name in data and not field.read_only and not _json_type_ok(field, data[name])
        }


class QuerySerializer(StrictSerializer):
    """Query parameters: unknown names are refused, and integers are plain
    digits (DRF would read "1.0" or " 7" as numbers). Query strings are
    all text, so no other JSON type is checked."""

    def _wrong_types(self, data) -> dict:
        return {
            name: [_("Expected a whole number.")]
            for name, field in self.fields.items()
            if isinstance(field, serializers.IntegerField)
            and name in data
            and _INTEGER.fullmatch(str(data[name])) is None
        }


class KeptTextField(serializers.CharField):
    """A text stored as typed (not trimmed) that must still hold more than
    whitespace (a chat message)."""

    def __init__(self, **kwargs):
        kwargs["trim_whitespace"] = False
        super().__init__(**kwargs)

    def run_validation(self, data=serializers.empty):
        if isinstance(data, str) and data and not data.strip() and not self.allow_blank:
            self.fail("blank")
        return super().run_validation(data)


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


# --- The OpenAPI schema --------------------------------------------------------

# DRF refuses NUL in every text (PostgreSQL could not store it), and a text
# that is trimmed must keep something after trimming. A text that may be
# blank gets TEXT_PATTERN, and drf-spectacular adds "" as the other branch of
# a oneOf (so the pattern itself must not match ""). Written with \uXXXX
# escapes only, which ECMA, Python and Rust (jsonschema-rs) regexes all read.
# WHITESPACE is what str.strip() removes (str.isspace; a test checks it).
WHITESPACE = (
    r"\u0009-\u000d\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f"
    r"\u205f\u3000"
)
TEXT_PATTERN = r"^[^\u0000]+$"
NOT_BLANK_PATTERN = rf"^[^\u0000]*[^\u0000{WHITESPACE}][^\u0000]*$"


class TextFieldExtension(OpenApiSerializerFieldExtension):
    """Input texts get a `pattern` saying what DRF's CharField refuses."""

    target_class = "rest_framework.fields.CharField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        field = self.target
        has_pattern = {"pattern", "format", "enum"} & set(schema) or any(
            isinstance(v, RegexValidator | EmailValidator) for v in field.validators
        )
        if direction == "request" and not has_pattern:
            blank_allowed = field.allow_blank or not (
                field.trim_whitespace or isinstance(field, KeptTextField)
            )
            schema["pattern"] = TEXT_PATTERN if blank_allowed else NOT_BLANK_PATTERN
        return schema


class SlugChoiceExtension(OpenApiSerializerFieldExtension):
    """A slug naming a row (a help category): the schema lists those that
    exist when it is generated (one component per model, e.g.
    HelpCategorySlug), since any other is refused."""

    target_class = "rest_framework.relations.SlugRelatedField"

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        field = self.target
        if direction != "request" or field.queryset is None:
            return schema
        try:
            slugs = sorted(field.queryset.values_list(field.slug_field, flat=True)[:1001])
        except DatabaseError:
            return schema  # no database (schema generated offline): any string
        if not 0 < len(slugs) <= 1000:
            return schema
        name = f"{field.queryset.model.__name__}Slug"
        component = ResolvedComponent(
            name=name,
            type=ResolvedComponent.SCHEMA,
            object=name,
            schema={
                "type": "string",
                "enum": slugs,
                "description": "One of the slugs that exist when the schema is generated "
                "(the list follows the database).",
            },
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref


class ManyRelatedExtension(OpenApiSerializerFieldExtension):
    """A list of slugs that may not be empty says so (minItems)."""

    target_class = "rest_framework.relations.ManyRelatedField"

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        if direction == "request" and not self.target.allow_empty:
            schema["minItems"] = 1
        return schema


ERROR_STATUSES = {
    "400": "Invalid input: `fields` has a list of messages per field.",
    "401": "Not signed in (send `Authorization: Token <key>`).",
    "403": "Signed in, but not allowed.",
    "404": "Not found (or not visible to you).",
    "409": "The request's state does not allow this step.",
    "429": "Too many attempts: try again later.",
}

EXACT_RESPONSES = {"HelpRequest", "NearbyHelpRequest", "Offer", "NearbyOffer"}

ERROR_CONTENT = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}


def _body_components(result) -> set[str]:
    """The components request bodies use, nested ones included."""
    schemas = result["components"]["schemas"]
    found: set[str] = set()

    def walk(node) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/components/schemas/"):
                name = ref.rsplit("/", 1)[1]
                if name not in found:
                    found.add(name)
                    walk(schemas.get(name))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for methods in result.get("paths", {}).values():
        for operation in methods.values():
            walk(operation.get("requestBody"))
    return found


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
    schemas = result["components"]["schemas"]
    # Request bodies are strict (StrictSerializer): say so. And requests and
    # offers show exactly their documented fields: no other (an exact
    # location, say) may ever appear in them.
    for name in _body_components(result) | EXACT_RESPONSES:
        if schemas.get(name, {}).get("type") == "object":
            schemas[name]["additionalProperties"] = False
    # Present only for those allowed to see the exact point.
    for name in ("HelpRequest", "NearbyHelpRequest"):
        required = schemas.get(name, {}).get("required", [])
        for private in (
            "location",
            "meeting_address",
            "meeting_note",
            "addressed_to",
            "addressed_until",
            "on_behalf_of",
        ):
            if private in required:
                required.remove(private)
    for methods in result.get("paths", {}).values():
        for operation in methods.values():
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_STATUSES.items():
                responses.setdefault(code, {"description": description})
                # An operation may describe an error its own way, in the same format.
                responses[code].setdefault("content", ERROR_CONTENT)
    return result
