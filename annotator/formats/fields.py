"""Checks of one field of a native record, each raising `BadRecord` that names the field at fault.

`annotator.formats.record` assembles them into the check of a whole record; the
format readers raise `BadRecord` themselves for what their own shapes get wrong.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any, TypeGuard

from annotator.domain import FIXABLE_FIELDS, NAME_CONTROLS, PENDING, TEXT_CONTROLS, Review, Status, TargetKind

REVIEW_KEYS = frozenset({"status", "original", "reviewer", "decided_at", "flagged", "note", "dismissed"})
IMPORTABLE_STATUSES = {s.value: s for s in Status if s is not Status.WITHDRAWN}
# Decision times a reviewer can have made: from the epoch to the year 2200.
EARLIEST_DECISION = 0.0
LATEST_DECISION = datetime(2200, 1, 1).timestamp()
_OFFSET_FIELDS = frozenset({"start", "end", "trigger_start", "trigger_end"})
_NAME_FIELDS = frozenset({"label", "type", "role"})


class BadRecord(Exception):
    """A record that cannot be imported: the field at fault and why (format readers raise it too).

    `line` is set by a reader whose record spans several lines, when the fault lies
    on a line other than the record's first.
    """

    def __init__(self, field: str, reason: str, line: int | None = None):
        super().__init__(f"{field}: {reason}" if field else reason)
        self.field = field
        self.reason = reason
        self.line = line


def is_int(value: Any) -> TypeGuard[int]:
    """True for an int that is not a bool (JSON true is not an offset)."""
    return type(value) is int


def checked_span(obj: dict, path: str, text: str, start_key: str = "start", end_key: str = "end") -> tuple[int, int]:
    """The offsets of a span inside the text, not only whitespace, its quoted `text` (if any) matching."""
    start = obj.get(start_key)
    end = obj.get(end_key)
    if type(start) is int and type(end) is int and 0 <= start < end <= len(text) and "text" not in obj:
        if text[start:end].isspace():
            raise BadRecord(path, f"offsets {start}-{end} cover only whitespace")
        return start, end
    if not is_int(start):
        raise BadRecord(f"{path}.{start_key}", f"must be an integer offset, got {start!r}")
    if not is_int(end):
        raise BadRecord(f"{path}.{end_key}", f"must be an integer offset, got {end!r}")
    if not 0 <= start < end <= len(text):
        raise BadRecord(
            path,
            f"offsets {start}-{end} must satisfy 0 <= start < end <= {len(text)} (the text's length)",
        )
    quoted = obj.get("text")
    if quoted is not None and quoted != text[start:end]:
        raise BadRecord(f"{path}.text", f"{quoted!r} does not match the text at {start}-{end}: {text[start:end]!r}")
    if text[start:end].isspace():
        raise BadRecord(path, f"offsets {start}-{end} cover only whitespace")
    return start, end


def offsets_problem(start: int, end: int, length: int, text: str = "the text") -> str | None:
    """What is wrong with integer offsets `start`-`end` in a text of `length` characters, or None: reversed, empty or outside it."""
    if start > end:
        return f"offsets {start}-{end} are reversed: the start comes after the end; write the smaller offset first"
    if start == end:
        return f"offsets {start}-{end} are an empty span: the end must come after the start"
    if start < 0 or end > length:
        return f"offsets {start}-{end} lie outside {text} (length {length})"
    return None


def nonempty_str(obj: dict, key: str, path: str) -> str:
    """A name that must be a string with something in it and no control character."""
    return checked_name(obj.get(key), f"{path}.{key}")


def checked_name(value: Any, path: str) -> str:
    """A label, type or role: a non-empty string without control characters (they would reach the terminal)."""
    if not isinstance(value, str) or not value.strip():
        raise BadRecord(path, f"must be a non-empty string, got {value!r}")
    if NAME_CONTROLS.search(value):
        raise BadRecord(path, f"holds a control character: {value!r}; remove it")
    return value


def checked_text(value: str, path: str) -> str:
    """Free text (a note, a title, an attribute value) without control characters other than tab and newline."""
    if TEXT_CONTROLS.search(value):
        raise BadRecord(path, f"holds a control character: {value!r}; remove it")
    return value


def checked_score(obj: dict, path: str) -> float | None:
    """A finite number or null: the machine's confidence."""
    value = obj.get("score")
    if value is None:
        return None
    if type(value) not in (int, float) or not math.isfinite(value):
        raise BadRecord(f"{path}.score", f"must be a number or null, got {value!r}")
    return float(value)


def optional_str(obj: dict, key: str, path: str) -> str | None:
    """A field that is a string or absent."""
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadRecord(f"{path}.{key}", f"must be a string or null, got {value!r}")
    return checked_text(value, f"{path}.{key}")


def checked_keys(obj: Any, allowed: frozenset, path: str) -> dict:
    """An object with no field outside `allowed` (a typo is named, not ignored)."""
    if type(obj) is not dict:
        raise BadRecord(path, f"must be a JSON object, got {type(obj).__name__}")
    if not allowed.issuperset(obj):
        unknown = obj.keys() - allowed
        raise BadRecord(
            path,
            f"unknown field(s) {', '.join(sorted(unknown))}; allowed: {', '.join(sorted(allowed))}"
            " (put extra data under the document's meta)",
        )
    return obj


def checked_timestamp(value: Any, path: str) -> float | None:
    """A decision time given as ISO 8601 or as seconds since the epoch, between 1970 and 2200."""
    if value is None:
        return None
    at: float | None = None
    if type(value) in (int, float):
        at = float(value)
    elif isinstance(value, str):
        try:
            at = datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except (ValueError, OverflowError, OSError):
            pass
    if at is None:
        raise BadRecord(f"{path}.decided_at", f"must be an ISO 8601 time or a number, got {value!r}")
    if not (math.isfinite(at) and EARLIEST_DECISION <= at < LATEST_DECISION):
        raise BadRecord(f"{path}.decided_at", f"{value!r} is not a time between 1970 and 2200")
    return at


def _checked_original_value(key: str, value: Any, path: str) -> None:
    """Raise `BadRecord` when a machine value given under `original` has the wrong type for its field."""
    where = f"{path}.original.{key}"
    if key in _NAME_FIELDS:
        checked_name(value, where)
    elif key in _OFFSET_FIELDS:
        if not is_int(value) and not (value is None and key in ("start", "end")):
            raise BadRecord(where, f"must be an integer offset, got {value!r}")
    elif key == "entity_id":
        if value is not None and not is_int(value) and not (isinstance(value, str) and value):
            raise BadRecord(where, f"must be an entity id or null, got {value!r}")
    elif key == "event_id":
        if not isinstance(value, str) or not value:
            raise BadRecord(where, f"must be the id of an event of this document, got {value!r}")
    elif key == "attributes" and value is not None and not isinstance(value, dict):
        raise BadRecord(where, f"must be a JSON object of attribute name to value, got {value!r}")


def checked_review(obj: dict, path: str, kind: TargetKind, final_values: dict[str, Any]) -> tuple[Review, dict[str, Any]]:
    """The review stored in an item and the machine's values (from `original` when present)."""
    if REVIEW_KEYS.isdisjoint(obj):
        return PENDING, final_values
    status_value = obj.get("status")
    if (
        status_value in (None, "pending") and not obj.get("original") and not obj.get("flagged")
        and not obj.get("note") and not obj.get("dismissed")
    ):
        return PENDING, final_values
    if status_value is None:
        status = Status.PENDING
    elif status_value in IMPORTABLE_STATUSES:
        status = IMPORTABLE_STATUSES[status_value]
    else:
        raise BadRecord(f"{path}.status", f"must be one of {', '.join(IMPORTABLE_STATUSES)}, got {status_value!r}")
    original = obj.get("original") or {}
    if not isinstance(original, dict):
        raise BadRecord(f"{path}.original", "must be an object of the machine's values")
    fixable = FIXABLE_FIELDS[kind]
    unknown = original.keys() - set(fixable)
    if unknown:
        raise BadRecord(f"{path}.original", f"unknown field(s) {', '.join(sorted(unknown))}; allowed: {', '.join(fixable)}")
    machine = dict(final_values)
    fixed: dict[str, Any] = {}
    for key, value in original.items():
        _checked_original_value(key, value, path)
        machine[key] = value
        fixed[key] = final_values.get(key)
    flagged = obj.get("flagged", False)
    if not isinstance(flagged, bool):
        raise BadRecord(f"{path}.flagged", f"must be true or false, got {flagged!r}")
    note = obj.get("note") or ""
    if not isinstance(note, str):
        raise BadRecord(f"{path}.note", f"must be a string, got {note!r}")
    checked_text(note, f"{path}.note")
    reviewer = obj.get("reviewer")
    if isinstance(reviewer, str) and NAME_CONTROLS.search(reviewer):
        raise BadRecord(f"{path}.reviewer", f"holds a control character: {reviewer!r}; remove it")
    review = Review(
        status=status, fixed=fixed, flagged=flagged, note=note,
        reviewer=optional_str(obj, "reviewer", path), decided_at=checked_timestamp(obj.get("decided_at"), path),
        dismissed=checked_dismissed(obj.get("dismissed"), path),
    )
    return (PENDING if review == PENDING else review), machine


def checked_dismissed(value: Any, path: str) -> tuple[str, ...]:
    """The schema warnings a reviewer dismissed on an item: a list of their texts."""
    if not value:
        return ()
    if not isinstance(value, list) or not all(isinstance(w, str) and w for w in value):
        raise BadRecord(f"{path}.dismissed", f"must be a list of warning texts, got {value!r}")
    for index, warning in enumerate(value):
        checked_text(warning, f"{path}.dismissed[{index}]")
    return tuple(value)
