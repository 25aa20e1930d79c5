"""What a fix or add asks of the reviewer and what they chose: plain data, no widgets."""

from __future__ import annotations

import string
from collections.abc import Sequence
from dataclasses import dataclass, field

from annotator.domain import Token

DIGITS = "1234567890"
HINT_LETTERS = string.ascii_lowercase


@dataclass
class EditRequest:
    """What the modal edits: a title, numbered values, optional lettered choices and an optional span."""

    title: str
    text: str
    values: list[str] = field(default_factory=list)
    current_value: str | None = None
    choices: list[tuple[str, str]] = field(default_factory=list)  # (key, description) picked by letter
    tokens: Sequence[Token] = ()
    span: tuple[int, int] | None = None  # token indices, end exclusive
    pick_start: bool = False  # first pick the span's start token by its letter hint
    numbered: int | None = None
    """How many of `values` get a digit (the schema's digit labels or types); None numbers the first ten."""
    skippable: bool = False
    """An optional step: enter (or escape) without a choice answers with an empty `EditResult`, not a cancel."""


@dataclass
class EditResult:
    """What the reviewer chose: a value, a lettered choice, and the span as character offsets."""

    value: str | None = None
    choice: str | None = None
    start: int | None = None
    end: int | None = None


def hint_labels(count: int) -> list[str]:
    """`count` letter hints: single letters while they last, else every one two letters long."""
    if count <= len(HINT_LETTERS):
        return list(HINT_LETTERS[:count])
    return [a + b for a in HINT_LETTERS for b in HINT_LETTERS][:count]
