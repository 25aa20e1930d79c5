"""Turning documents and candidates into styled `Content`, never into markup.

Article text is data: `[ISIS]`, `[/foo]` or `[bold red]` must show as written,
and control characters must neither reach the terminal nor shift a highlight.
`visible` maps every character to exactly one visible character, so offsets into
the document stay offsets into what is drawn.
"""

from __future__ import annotations

import unicodedata
import zlib

from textual.content import Content

from annotator.domain import Review, Status

STATUS_SYMBOLS = {
    Status.PENDING: "·",
    Status.ACCEPTED: "✓",
    Status.REJECTED: "✗",
    Status.FIXED: "✎",
    Status.ADDED: "+",
    Status.WITHDRAWN: " ",
}
# Readable without colour: pending underlined, accepted bold, rejected struck through, fixed italic.
STATUS_STYLES = {
    Status.PENDING: "underline",
    Status.ACCEPTED: "bold",
    Status.REJECTED: "strike dim",
    Status.FIXED: "bold italic",
    Status.ADDED: "bold italic underline",
    Status.WITHDRAWN: "dim",
}
LABEL_COLOURS = {
    "PERSON": "#5fafff", "NORP": "#d7af5f", "ORG": "#ff8787", "GPE": "#87d787", "LOC": "#5fd7af",
    "FAC": "#af87ff", "DATE": "#d787d7", "TIME": "#d787af", "CARDINAL": "#8a8a8a", "ORDINAL": "#8a8a8a",
    "MONEY": "#ffd75f", "PERCENT": "#ffd75f", "QUANTITY": "#a8a8a8", "EVENT": "#ff875f",
    "PRODUCT": "#87afd7", "WORK_OF_ART": "#d7875f", "LAW": "#afaf5f", "LANGUAGE": "#87d7d7",
}
_SPARE_COLOURS = ("#5fd7ff", "#ffaf5f", "#afd75f", "#ff87d7", "#87ffaf", "#d7d75f", "#af5fff", "#5f87ff")
TRIGGER_STYLE = "bold reverse"
CURSOR_STYLE = "reverse"
EXTENT_STYLE = "reverse underline"
"""The current argument's extent in the article."""
REFERENT_STYLE = "bold underline on #5f5f00"
"""The entity the current argument refers to, in the article."""
MATCH_STYLE = "black on #ffd75f"
"""The last match of find, in the article."""
WARNING_STYLE = "bold #ffaf00"
"""Warnings, flags, notes, and event attributes that are not the schema's default."""
LINE_BREAK = "⏎"
"""A line break inside text shown on one line (a mention's context, a link choice)."""


def label_colour(label: str) -> str:
    """A stable colour for a label, the same in every session."""
    if label in LABEL_COLOURS:
        return LABEL_COLOURS[label]
    return _SPARE_COLOURS[zlib.crc32(label.encode("utf-8")) % len(_SPARE_COLOURS)]


def _visible_char(char: str) -> str:
    if char in "\n":
        return char
    if char == "\t":
        return "→"
    category = unicodedata.category(char)
    if category == "Cc":
        code = ord(char)
        return chr(0x2400 + code) if code < 0x20 else ("␡" if code == 0x7F else "¤")
    if category in ("Cf", "Zl", "Zp", "Co", "Cs", "Cn"):
        # Bidi marks, zero-width joiners, separators and unassigned code points would
        # reorder, hide or break the line: show a marker in their place.
        return "¦"
    return char


def visible(text: str) -> str:
    """The text with every control or invisible formatting character replaced one-for-one."""
    if text.isprintable():
        return text
    return "".join(_visible_char(c) for c in text)


def plain(text: str, style: str = "") -> Content:
    """User text as Content, never parsed as markup."""
    return Content.styled(visible(text), style, strip_control_codes=False)


def one_line(text: str) -> str:
    """User text for a single line: visible characters, a line break shown as ⏎ (still one character for one)."""
    return visible(text).replace("\n", LINE_BREAK)


def plain_line(text: str, style: str = "") -> Content:
    """User text as one line of Content, never parsed as markup."""
    return Content.styled(one_line(text), style, strip_control_codes=False)


def clip(text: str, width: int) -> str:
    """Text cut to `width` characters, the cut marked with …."""
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def review_style(review: Review) -> str:
    """The style that shows a review state without colour."""
    return STATUS_STYLES.get(review.status, "")


def symbol(review: Review) -> str:
    """The one-character mark of a review state in the candidate list."""
    return STATUS_SYMBOLS.get(review.status, "?")
