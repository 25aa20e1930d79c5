"""What every report page shares: escaping store text, label colours, review-state marks, the page shell.

Every string that comes from the store (article text, labels, types, roles, notes,
reviewer names, ids) goes through `text` before it reaches HTML: a label written
`<script>` shows as those eight characters.
"""

from __future__ import annotations

import html
import time
import unicodedata
import zlib
from importlib.resources import files

from annotator.domain import Review, Status

STYLESHEET = "report.css"
"""The stylesheet's name, in the report folder beside index.html."""

# displaCy's palette for spaCy's labels, so a reader used to displaCy sees the colours they expect.
LABEL_COLOURS = {
    "ORG": "#7aecec", "PRODUCT": "#bfeeb7", "GPE": "#feca74", "LOC": "#ff9561", "PERSON": "#aa9cfc",
    "NORP": "#c887fb", "FAC": "#9cc9cc", "EVENT": "#ffeb80", "LAW": "#ff8197", "LANGUAGE": "#ff8197",
    "WORK_OF_ART": "#f0d0ff", "DATE": "#bfe1d9", "TIME": "#bfe1d9", "MONEY": "#e4e7d2", "QUANTITY": "#e4e7d2",
    "ORDINAL": "#e4e7d2", "CARDINAL": "#e4e7d2", "PERCENT": "#e4e7d2",
}
_SPARE_COLOURS = ("#f9c5d1", "#c5e1f9", "#d8f9c5", "#f9e7c5", "#e1c5f9", "#c5f9ef", "#f9d6c5", "#dfe3a8")

STATUS_GLYPHS = {
    Status.PENDING: "·", Status.ACCEPTED: "✓", Status.FIXED: "✎", Status.ADDED: "+", Status.REJECTED: "✗",
}
"""The review-state marks the review screen uses, so the report reads the same."""

STATUS_WORDS = {
    Status.PENDING: "pending", Status.ACCEPTED: "accepted", Status.FIXED: "fixed", Status.ADDED: "added",
    Status.REJECTED: "rejected",
}
SHOWN_STATUSES = (Status.ACCEPTED, Status.FIXED, Status.ADDED, Status.REJECTED, Status.PENDING)
"""The review states a report shows, in the order its legends and tables list them."""

FLAG_GLYPH = "⚑"
NOTE_GLYPH = "✉"


def _visible_char(char: str) -> str:
    if char in "\n\t":
        return char
    category = unicodedata.category(char)
    if category == "Cc":
        code = ord(char)
        return chr(0x2400 + code) if code < 0x20 else ("␡" if code == 0x7F else "¤")
    if category in ("Cs", "Cn", "Co"):
        # Lone surrogates and unassigned code points cannot be written as UTF-8 HTML reliably.
        return "¤"
    return char


def text(value: object) -> str:
    """A value from the store as HTML text: escaped, control characters shown as visible marks one for one."""
    raw = "" if value is None else str(value)
    if not raw.isprintable():
        raw = "".join(_visible_char(c) for c in raw)
    return html.escape(raw, quote=True)


def label_colour(label: str) -> str:
    """A stable light background colour for a label, displaCy's for spaCy's labels."""
    if label in LABEL_COLOURS:
        return LABEL_COLOURS[label]
    return _SPARE_COLOURS[zlib.crc32(label.encode("utf-8", "replace")) % len(_SPARE_COLOURS)]


def status_class(status: Status) -> str:
    """The CSS class that draws a review state (border style, strike-through) without relying on colour."""
    return f"st-{status.value}"


def state(review: Review) -> str:
    """A review state as a glyph and a word, e.g. "✓ accepted", styled by its class."""
    status = review.status
    return (
        f'<span class="state {status_class(status)}"><span class="glyph" aria-hidden="true">'
        f"{STATUS_GLYPHS.get(status, '?')}</span>{STATUS_WORDS.get(status, status.value)}</span>"
    )


def when(moment: float | None) -> str:
    """A moment of the decision log as a UTC date and time, e.g. "2015-10-01 14:05 UTC"."""
    if moment is None:
        return ""
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(moment))


def decided_by(review: Review) -> str:
    """Who decided and when, e.g. "fixed by ana, 2015-10-01 14:05 UTC", or "" for a pending item."""
    if review.status is Status.PENDING or review.reviewer is None:
        return ""
    word = STATUS_WORDS.get(review.status, review.status.value)
    return f"{word} by {review.reviewer}" + (f", {when(review.decided_at)}" if review.decided_at else "")


def marks(review: Review) -> str:
    """The flag and note marks of an item, as glyphs with the note as a tooltip."""
    parts = []
    if review.flagged:
        parts.append(f'<span class="flag" title="flagged for a second look">{FLAG_GLYPH}</span>')
    if review.note:
        parts.append(f'<span class="flag" title="{text(review.note)}">{NOTE_GLYPH}</span>')
    return "".join(parts)


def legend() -> str:
    """The key to the review states: a sample mark of each, its glyph and its word."""
    items = []
    for status in SHOWN_STATUSES:
        glyph = STATUS_GLYPHS[status]
        sample = "<s>Syria</s>" if status is Status.REJECTED else "Syria"
        items.append(
            f'<span class="item"><mark class="ent {status_class(status)}" style="--c:{LABEL_COLOURS["GPE"]}">'
            f'{sample}<span class="tag"><span class="glyph">{glyph}</span>GPE</span></mark> '
            f"{STATUS_WORDS[status]}</span>"
        )
    items.append(f'<span class="item"><span class="flag">{FLAG_GLYPH}</span> flagged</span>')
    items.append(f'<span class="item"><span class="flag">{NOTE_GLYPH}</span> note</span>')
    return '<div class="legend" role="note" aria-label="legend">' + "".join(items) + "</div>"


def stylesheet() -> str:
    """The report's CSS, shipped beside this module."""
    return files("annotator.report").joinpath(STYLESHEET).read_text(encoding="utf-8")


def page(title: str, body: str, root: str = "", where: str = "") -> str:
    """A complete HTML page: `title` and `where` are store text (escaped here), `body` is HTML already.

    `root` is the relative path from the page to the report folder ("" or "../").
    """
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        # Nothing of the report may load from the network; this says so to the browser too.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:\">\n"
        f"<title>{text(title)}</title>\n"
        f'<link rel="stylesheet" href="{root}{STYLESHEET}">\n'
        "</head>\n<body>\n"
        f'<header class="top"><a class="brand" href="{root}index.html">annotator report</a>'
        f'<span class="where">{text(where)}</span></header>\n'
        f"<main>\n{body}\n</main>\n</body>\n</html>\n"
    )
