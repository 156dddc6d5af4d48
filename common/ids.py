"""The one way to read an object id that came from outside (JSON frames,
form fields, URL parts): a positive whole number within the 64-bit range
the databases store, or None. Not a bool, not a float, not `Infinity`."""

MAX_ID = 2**63 - 1


def as_id(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.strip()
        if not value.isdecimal():
            return None
        value = int(value)
    if not isinstance(value, int) or not 0 < value <= MAX_ID:
        return None
    return value
