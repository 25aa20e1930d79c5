"""Charts as inline SVG, written here rather than by a JavaScript library, so a report needs nothing else.

Review states are told apart by pattern and glyph as well as colour: accepted is
solid with ✓, fixed hatched with ✎, rejected cross-hatched with ✗, added dotted
with +. Every bar has a `<title>` with its exact figures, and each chart a text
column with the numbers, so nothing is left to reading lengths.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from annotator.report.html import text

WIDTH = 860
NAME_WIDTH = 190
BAR_X = 200
BAR_WIDTH = 340
FIGURES_X = BAR_X + BAR_WIDTH + 12
ROW_HEIGHT = 34
BAR_HEIGHT = 20
NAME_LIMIT = 26
"""Characters of a label, type or role a chart shows; the full name is in the bar's tooltip."""

STATE_COLOURS = {
    "accepted": "#1a7f37", "fixed": "#bc6c00", "rejected": "#cf222e", "added": "#0969da", "pending": "#afb8c1",
}
STATE_GLYPHS = {"accepted": "✓", "fixed": "✎", "rejected": "✗", "added": "+", "pending": "·"}
REVIEWER_COLOURS = ("#0969da", "#bc4c00", "#8250df", "#1a7f37", "#bf3989", "#6e7781", "#0a7ea4", "#953800")


def _patterns(prefix: str) -> str:
    """The fills of the review states, as SVG patterns whose ids start with `prefix` (unique in the page)."""
    solid = STATE_COLOURS
    return (
        "<defs>"
        f'<pattern id="{prefix}-accepted" width="8" height="8" patternUnits="userSpaceOnUse">'
        f'<rect width="8" height="8" fill="{solid["accepted"]}"/></pattern>'
        f'<pattern id="{prefix}-fixed" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        f'<rect width="8" height="8" fill="{solid["fixed"]}"/><rect width="3" height="8" fill="#f2c37a"/></pattern>'
        f'<pattern id="{prefix}-rejected" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        f'<rect width="8" height="8" fill="{solid["rejected"]}"/><rect width="2" height="8" fill="#f5a3a8"/>'
        f'<rect width="8" height="2" fill="#f5a3a8"/></pattern>'
        f'<pattern id="{prefix}-added" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<rect width="6" height="6" fill="{solid["added"]}"/><circle cx="3" cy="3" r="1.2" fill="#a5c8f5"/></pattern>'
        f'<pattern id="{prefix}-pending" width="8" height="8" patternUnits="userSpaceOnUse">'
        f'<rect width="8" height="8" fill="{solid["pending"]}"/></pattern>'
        "</defs>"
    )


def _short(name: str) -> str:
    return name if len(name) <= NAME_LIMIT else name[: NAME_LIMIT - 1] + "…"


def _percent(share: float) -> str:
    return f"{share * 100:.0f}%"


def _segment(prefix: str, state: str, x: float, y: float, width: float, tooltip: str) -> str:
    """One piece of a stacked bar, with its glyph when there is room for it."""
    if width <= 0:
        return ""
    glyph = ""
    if width >= 16:
        glyph = (
            f'<text x="{x + width / 2:.1f}" y="{y + BAR_HEIGHT / 2 + 4:.1f}" text-anchor="middle" font-size="12" '
            f'font-weight="700" fill="#fff" aria-hidden="true">{STATE_GLYPHS[state]}</text>'
        )
    return (
        f'<g class="segment" data-state="{state}"><title>{text(tooltip)}</title>'
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{BAR_HEIGHT}" fill="url(#{prefix}-{state})"/>'
        f"{glyph}</g>"
    )


def _svg(chart_id: str, title: str, height: float, content: str, width: int = WIDTH) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{chart_id}" class="chart-svg" role="img" '
        f'aria-labelledby="{chart_id}-title" viewBox="0 0 {width} {height:.0f}" width="{width}" height="{height:.0f}" '
        f'font-size="13">'
        f'<title id="{chart_id}-title">{text(title)}</title>{_patterns(chart_id)}{content}</svg>'
    )


def _axis(top: float, bottom: float) -> str:
    """Grid lines and labels at 0, 25, 50, 75 and 100 % of the bar width."""
    parts = []
    for step in range(5):
        x = BAR_X + BAR_WIDTH * step / 4
        parts.append(
            f'<line x1="{x:.1f}" y1="{top:.1f}" x2="{x:.1f}" y2="{bottom:.1f}" stroke="#d0d7de" stroke-width="1"/>'
            f'<text x="{x:.1f}" y="{top - 4:.1f}" text-anchor="middle" font-size="11" fill="#656d76">{step * 25}%</text>'
        )
    return "".join(parts)


def rate_chart(chart_id: str, title: str, rows: Mapping[str, Mapping[str, Any]]) -> str:
    """Acceptance and fix rates of each label (type, role): its decided candidates split into accepted, fixed, rejected.

    `rows` maps a name to `Repository.review_figures()`'s counts for it (accepted, fixed,
    rejected, pending, added, boundary_fix_rate). A name nobody decided yet gets an
    empty bar that says so.
    """
    top = 22
    body = [_axis(top, top + ROW_HEIGHT * max(len(rows), 1))]
    for index, (name, row) in enumerate(rows.items()):
        y = top + index * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2
        accepted, fixed, rejected = row.get("accepted", 0), row.get("fixed", 0), row.get("rejected", 0)
        pending, added = row.get("pending", 0), row.get("added", 0)
        decided = accepted + fixed + rejected
        row_parts = [
            f'<g class="row" data-name="{text(name)}"><title>{text(name)}</title>'
            f'<text x="{NAME_WIDTH}" y="{y + BAR_HEIGHT / 2 + 4:.1f}" text-anchor="end">{text(_short(name))}</text>'
        ]
        rest = [f"{pending} pending"] + ([f"{added} added"] if added else [])
        if decided == 0:
            row_parts.append(
                f'<rect x="{BAR_X}" y="{y:.1f}" width="{BAR_WIDTH}" height="{BAR_HEIGHT}" fill="none" '
                f'stroke="#afb8c1" stroke-dasharray="4 3"/>'
                f'<text x="{BAR_X + 8}" y="{y + BAR_HEIGHT / 2 + 4:.1f}" font-size="12" fill="#656d76">no decisions yet</text>'
                f'<text x="{FIGURES_X}" y="{y + BAR_HEIGHT / 2 + 4:.1f}" font-size="12" fill="#656d76">{", ".join(rest)}</text>'
            )
        else:
            x = float(BAR_X)
            for state, count in (("accepted", accepted), ("fixed", fixed), ("rejected", rejected)):
                width = BAR_WIDTH * count / decided
                row_parts.append(_segment(chart_id, state, x, y, width, f"{name}: {count} {state} of {decided} decided"))
                x += width
            boundary = row.get("boundary_fix_rate")
            detail = f"{decided} decided, " + ", ".join(rest)
            if boundary:
                detail += f", {_percent(boundary)} boundary fixes"
            row_parts.append(
                f'<text x="{FIGURES_X}" y="{y + 8:.1f}" font-size="12" font-weight="600">'
                f"{_percent((accepted + fixed) / decided)} accepted · {_percent(fixed / decided)} fixed</text>"
                f'<text x="{FIGURES_X}" y="{y + 21:.1f}" font-size="10.5" fill="#656d76">{text(detail)}</text>'
            )
        body.append("".join(row_parts) + "</g>")
    if not rows:
        body.append(f'<text x="{BAR_X}" y="{top + 20}" fill="#656d76">nothing of this kind in the store</text>')
    return _svg(chart_id, title, top + ROW_HEIGHT * max(len(rows), 1) + 6, "".join(body))


def state_legend(prefix: str, states: Sequence[str] = ("accepted", "fixed", "rejected")) -> str:
    """A small SVG key to the fills and glyphs of the given review states."""
    parts = []
    x = 0
    for state in states:
        parts.append(
            f'<rect x="{x}" y="2" width="26" height="16" fill="url(#{prefix}-{state})"/>'
            f'<text x="{x + 13}" y="14" text-anchor="middle" font-size="11" font-weight="700" fill="#fff">'
            f"{STATE_GLYPHS[state]}</text>"
            f'<text x="{x + 32}" y="14" font-size="12">{state}</text>'
        )
        x += 32 + 9 * len(state) + 18
    return _svg(prefix, "key to the review states", 20, "".join(parts), width=x)


def status_bar(chart_id: str, title: str, totals: Mapping[str, int]) -> str:
    """Every candidate of the store in one bar, split by review state, with the count of each below it."""
    order = ("accepted", "fixed", "added", "rejected", "pending")
    total = sum(totals.get(state, 0) for state in order)
    body = []
    x = 0.0
    full = WIDTH - 2
    for state in order:
        count = totals.get(state, 0)
        width = full * count / total if total else 0
        share = f" ({_percent(count / total)})" if total else ""
        body.append(_segment(chart_id, state, 1 + x, 2, width, f"{count} {state}{share}"))
        x += width
    caption = "   ".join(f"{STATE_GLYPHS[s]} {s} {totals.get(s, 0)}" for s in order)
    body.append(f'<text x="1" y="{BAR_HEIGHT + 20}" font-size="12" fill="#1f2328">{text(caption)}</text>')
    return _svg(chart_id, title, BAR_HEIGHT + 28, "".join(body))


def timeline_chart(chart_id: str, title: str, buckets: Sequence[tuple[str, Mapping[str, int]]], reviewers: Sequence[str]) -> str:
    """Decisions per period (one row each), split by reviewer, with the total at the end of the bar."""
    colours = {reviewer: REVIEWER_COLOURS[i % len(REVIEWER_COLOURS)] for i, reviewer in enumerate(reviewers)}
    most = max((sum(counts.values()) for _, counts in buckets), default=0)
    row_height = 24
    key_height = 24
    body = []
    x = 0
    for reviewer in reviewers:
        body.append(
            f'<rect x="{BAR_X + x}" y="4" width="14" height="14" fill="{colours[reviewer]}"/>'
            f'<text x="{BAR_X + x + 19}" y="16" font-size="12">{text(_short(reviewer))}</text>'
        )
        x += 19 + 8 * len(_short(reviewer)) + 18
    for index, (period, counts) in enumerate(buckets):
        y = key_height + index * row_height + 4
        body.append(f'<text x="{NAME_WIDTH}" y="{y + 13}" text-anchor="end" font-size="12">{text(period)}</text>')
        at = float(BAR_X)
        for reviewer in reviewers:
            count = counts.get(reviewer, 0)
            if not count:
                continue
            width = (BAR_WIDTH + 150) * count / most
            body.append(
                f'<g class="segment"><title>{text(f"{period}: {count} by {reviewer}")}</title>'
                f'<rect x="{at:.1f}" y="{y}" width="{width:.1f}" height="17" fill="{colours[reviewer]}"/></g>'
            )
            at += width
        body.append(f'<text x="{at + 5:.1f}" y="{y + 13}" font-size="12" font-weight="600">{sum(counts.values())}</text>')
    if not buckets:
        body.append(f'<text x="{BAR_X}" y="{key_height + 16}" fill="#656d76">no decisions yet</text>')
    return _svg(chart_id, title, key_height + row_height * max(len(buckets), 1) + 6, "".join(body))
