"""The one way to parse JSON that came from outside (request bodies,
websocket frames, webhooks).

Python's parser recurses once per nesting level and raises RecursionError
(not ValueError) around a thousand levels deep, which would escape every
handler that expects bad input to be a ValueError. Nothing Entraide accepts
nests deeper than a few levels, so anything over MAX_DEPTH is refused
before it is parsed, in one linear scan."""

import json
import re

MAX_DEPTH = 32
# Strings are skipped whole, so brackets inside them do not count.
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


class JSONInputError(ValueError):
    """Not JSON, or nested deeper than MAX_DEPTH."""


def json_depth_exceeds(text: str, limit: int = MAX_DEPTH) -> bool:
    if text.count("[") + text.count("{") <= limit:
        return False  # the common case: too few brackets to nest that deep
    depth = 0
    for token in _TOKENS.finditer(text):
        bracket = token.group()
        if bracket in "[{":
            depth += 1
            if depth > limit:
                return True
        elif bracket in "]}":
            depth -= 1
    return False


def json_loads(text: str | bytes):
    """json.loads that raises JSONInputError for anything it refuses."""
    if isinstance(text, bytes | bytearray):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise JSONInputError("The body is not UTF-8.") from exc
    if json_depth_exceeds(text):
        raise JSONInputError(f"JSON nested deeper than {MAX_DEPTH} levels.")
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise JSONInputError(str(exc)) from exc
