"""`{% error_summary form %}`: what is wrong with a form, at its top.

One list the person sees first (role=alert; static/js/forms.js moves the
focus to it), each error a link to the field it is about. Django's generic
messages ("This field is required.") are said with the field's label; a
form's own messages ("Choose where to meet on the map") stand alone. A form
can send a field's link elsewhere with `error_anchors` (geo.forms.PinForm
sends the folded-away coordinates to the map), and the same words are said
once even when two fields share them."""

from django import template
from django.utils.translation import gettext as _

register = template.Library()


def _generic_messages(field) -> dict:
    """The messages Django gives this kind of field, before any the form sets."""
    messages = {}
    for cls in reversed(type(field).__mro__):
        messages.update(getattr(cls, "default_error_messages", {}))
    return messages


def _said(field, error) -> str:
    message = " ".join(error.messages)
    generic = _generic_messages(field.field)
    own = error.code in field.field.error_messages and str(
        field.field.error_messages[error.code]
    ) != str(generic.get(error.code))
    if own or not field.label:
        return message
    return _("%(label)s: %(message)s") % {
        "label": str(field.label).rstrip(" :"),
        "message": message,
    }


@register.inclusion_tag("_error_summary.html")
def error_summary(form):
    if form is None or not form.errors:
        return {"errors": []}
    anchors = getattr(form, "error_anchors", {})
    errors, seen = [], set()
    for message in form.non_field_errors():
        if message not in seen:
            seen.add(message)
            errors.append({"message": message, "anchor": None})
    by_field = form.errors.as_data()
    for field in form:
        if field.is_hidden or field.name not in by_field:
            continue
        for error in by_field[field.name]:
            message = _said(field, error)
            if message in seen:
                continue
            seen.add(message)
            errors.append(
                {"message": message, "anchor": anchors.get(field.name) or field.id_for_label}
            )
    return {"errors": errors}
