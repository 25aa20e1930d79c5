"""What a fix or add asks of the reviewer and what they chose: plain data, no widgets."""

from __future__ import annotations

import string
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
    tokens: tuple[Token, ...] = ()
    span: tuple[int, int] | None = None  # token indices, end exclusive
    pick_start: bool = False  # first pick the span's start token by its letter hint


@dataclass
class EditResult:
    """What the reviewer chose: a value, a lettered choice, and the span as character offsets."""

    value: str | None = None
    choice: str | None = None
    start: int | None = None
    end: int | None = None
