"""The one check every text from outside passes before it is stored
(API bodies, forms, websocket frames, email links, management commands).

PostgreSQL refuses NUL in text (psycopg2 raises ValueError before the query
runs, outside DatabaseError), and neither database can store a lone UTF-16
surrogate (the driver fails to encode it). Either would fail the whole
transaction it is in, and with it every other write of a batch: so texts
are checked here, one by one, before any write begins."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# NUL, and the surrogate code points that only a JSON "\udXXX" escape (or a
# decoding error handler) can put into a Python string.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")

UNSTORABLE_MESSAGE = _("This text holds characters that cannot be stored. Remove them and retry.")


def text_is_storable(value: str) -> bool:
    return _UNSTORABLE.search(value) is None


def text_validator(value) -> None:
    """A Django validator (model and form fields)."""
    if isinstance(value, str) and not text_is_storable(value):
        raise ValidationError(UNSTORABLE_MESSAGE, code="unstorable")


def texts_check(**texts) -> None:
    """Raises one ValidationError naming every field whose text is not a
    string or holds unstorable characters. None values are skipped."""
    errors = {}
    for name, value in texts.items():
        if value is None:
            continue
        if not isinstance(value, str):
            errors[name] = [_("Expected text.")]
        elif not text_is_storable(value):
            errors[name] = [UNSTORABLE_MESSAGE]
    if errors:
        raise ValidationError(errors)
