"""The summary page (index.html): progress, who decided what and when, and how often the machine was right.

Figures come from the repository: progress and status counts, the per-label rates of
`review_figures`, and the append-only decision log for decisions per reviewer and per
hour. A decision is a decision group (one key press, one undo step); imports, undos and
redos are not decisions, and undos are counted apart.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from annotator.domain import BULK_ACCEPT_ACTIONS, NOT_UNDOABLE_ACTIONS, Action, Decision
from annotator.report.charts import rate_chart, state_legend, status_bar, timeline_chart
from annotator.report.html import page, text, when

if TYPE_CHECKING:
    from annotator.store import Repository
    from annotator.store.queries import FlaggedItem

HOURS_SHOWN = 48
"""At most this many hours with decisions are charted one by one; past that the chart counts per day."""
DAYS_SHOWN = 60
"""At most this many days with decisions are charted; the earliest ones are left out past that."""

# Columns of the reviewers' table, and the actions each one counts.
ACTION_COLUMNS: dict[str, frozenset[Action]] = {
    "accept": frozenset({Action.ACCEPT, Action.APPLY_TO_IDENTICAL}) | BULK_ACCEPT_ACTIONS,
    "reject": frozenset({Action.REJECT}),
    "fix": frozenset({Action.FIX, Action.MOVE, Action.MERGE}),
    "add": frozenset({Action.ADD}),
    "flag/note": frozenset({Action.FLAG, Action.NOTE}),
    "other": frozenset({Action.DISMISS, Action.CONFIRM}),
}


@dataclass(frozen=True)
class DocumentEntry:
    """A document as the summary lists it: its progress and, when it has one, its page in the report."""

    pk: int
    id: str
    title: str | None
    candidates: int
    decided: int
    reviewed: bool
    page: str | None


@dataclass
class ReviewerActivity:
    """One reviewer's decisions: how many of each kind, how many undos, the first and the last moment."""

    decisions: int = 0
    by_column: Counter[str] = field(default_factory=Counter)
    undos: int = 0
    first: float | None = None
    last: float | None = None


def reviewer_activity(log: Iterable[Decision]) -> tuple[dict[str, ReviewerActivity], list[tuple[str, float]]]:
    """Per reviewer, what their decision groups did; and (reviewer, moment) of every decision group, in order."""
    activity: dict[str, ReviewerActivity] = defaultdict(ReviewerActivity)
    moments: list[tuple[str, float]] = []
    seen_groups: set[int] = set()
    for decision in log:
        if decision.group in seen_groups:
            continue
        seen_groups.add(decision.group)
        if decision.action is Action.UNDO:
            activity[decision.reviewer].undos += 1
            continue
        if decision.action in NOT_UNDOABLE_ACTIONS or decision.target_pk is None:
            continue
        mine = activity[decision.reviewer]
        mine.decisions += 1
        column = next((name for name, actions in ACTION_COLUMNS.items() if decision.action in actions), "other")
        mine.by_column[column] += 1
        mine.first = decision.at if mine.first is None else min(mine.first, decision.at)
        mine.last = decision.at if mine.last is None else max(mine.last, decision.at)
        moments.append((decision.reviewer, decision.at))
    return dict(activity), moments


def buckets(moments: Sequence[tuple[str, float]]) -> tuple[str, list[tuple[str, dict[str, int]]]]:
    """Decision counts per reviewer in each UTC hour that has decisions (or each day, when there are too many hours)."""
    for unit, pattern, limit in (("hour", "%Y-%m-%d %H:00", HOURS_SHOWN), ("day", "%Y-%m-%d", DAYS_SHOWN)):
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        for reviewer, at in moments:
            counts[time.strftime(pattern, time.gmtime(at))][reviewer] += 1
        if len(counts) <= limit or unit == "day":
            periods = sorted(counts)[-limit:]
            return unit, [(period, dict(counts[period])) for period in periods]
    raise AssertionError("unreachable: the last unit always returns")


def _tile(title: str, figure: str, of: str, share: float | None = None) -> str:
    meter = f'<div class="meter"><span style="width:{share * 100:.1f}%"></span></div>' if share is not None else ""
    return f'<div class="tile"><div class="muted small">{title}</div><div class="figure">{figure}</div><div class="of">{of}</div>{meter}</div>'


def _progress(repository: Repository, documents: Sequence[DocumentEntry], totals: Mapping[str, int]) -> str:
    decided, candidates = repository.decided_count(), repository.candidate_count()
    seen, sentences = repository.sentence_progress()
    reviewed = sum(1 for d in documents if d.reviewed)
    tiles = [
        _tile("Candidates decided", f"{decided:,}", f"of {candidates:,} machine candidates",
              decided / candidates if candidates else 0.0),
        _tile("Sentences seen", f"{seen:,}", f"of {sentences:,} sentences", seen / sentences if sentences else 0.0),
        _tile("Documents reviewed", f"{reviewed:,}", f"of {len(documents):,} documents",
              reviewed / len(documents) if documents else 0.0),
        _tile("Added by reviewers", f"{totals.get('added', 0):,}", "entities, events and arguments the machine missed"),
    ]
    return (
        f'<section id="progress"><h2>Progress</h2><div class="tiles">{"".join(tiles)}</div>'
        f'<div class="chart" id="states">{status_bar("chart-states", "Every candidate by review state", totals)}</div></section>'
    )


def _reviewers(activity: Mapping[str, ReviewerActivity], throughput: Mapping[str, Mapping[str, Any]]) -> str:
    if not activity:
        return '<p class="muted">No reviewer has decided anything yet.</p>'
    head = "".join(f'<th class="num">{name}</th>' for name in ACTION_COLUMNS)
    rows = []
    for reviewer, mine in sorted(activity.items(), key=lambda item: (-item[1].decisions, item[0])):
        speed = throughput.get(reviewer, {})
        # Under a minute of work, a rate per hour would say more about rounding than about the reviewer.
        per_minute = speed.get("per_minute") if speed.get("active_minutes", 0.0) >= 1 else None
        rows.append(
            f'<tr><th>{text(reviewer)}</th><td class="num">{mine.decisions}</td>'
            + "".join(f'<td class="num">{mine.by_column.get(name, 0)}</td>' for name in ACTION_COLUMNS)
            + f'<td class="num">{mine.undos}</td>'
            f'<td class="num">{speed.get("active_minutes", 0.0):.1f}</td>'
            f'<td class="num">{"–" if per_minute is None else f"{per_minute * 60:.0f}"}</td>'
            f"<td>{when(mine.first)}</td><td>{when(mine.last)}</td></tr>"
        )
    return (
        '<div class="scroll"><table id="reviewers-table"><tr><th>reviewer</th><th class="num">decisions</th>'
        f'{head}<th class="num">undos</th><th class="num">active minutes</th><th class="num">per active hour</th>'
        f'<th>first</th><th>last</th></tr>{"".join(rows)}</table></div>'
        '<p class="small muted">A decision is one key press (one undo step), however many candidates it decided. '
        "Active time leaves out pauses longer than five minutes.</p>"
    )


def _flags(items: Sequence[FlaggedItem], pages: Mapping[int, str]) -> str:
    if not items:
        return '<p class="muted">Nothing is flagged or noted.</p>'
    rows = []
    for item in items:
        link = pages.get(item.document_pk)
        where = f'<a href="{link}">{text(item.document_id)}</a>' if link else text(item.document_id)
        rows.append(
            f"<tr><td>{where}</td><td>{text(item.kind.value)}</td><td>{text(item.name)}</td>"
            f"<td>«{text(item.words)}»</td><td>{'⚑' if item.flagged else ''}</td>"
            f'<td class="note-cell">{text(item.note)}</td></tr>'
        )
    return (
        '<div class="scroll"><table id="flags-table"><tr><th>document</th><th>kind</th><th>label, type or role</th>'
        f'<th>words</th><th>flag</th><th>note</th></tr>{"".join(rows)}</table></div>'
    )


def _documents(documents: Sequence[DocumentEntry]) -> str:
    rows = []
    for entry in documents:
        name = text(entry.title or entry.id)
        link = f'<a href="{entry.page}">{name}</a>' if entry.page else name
        if not entry.reviewed:
            link += ' <span class="muted small">(not reviewed)</span>'
        share = entry.decided / entry.candidates if entry.candidates else 0.0
        rows.append(
            f"<tr><td>{link}<div class=\"muted small\">{text(entry.id)}</div></td>"
            f'<td class="num">{entry.decided}</td><td class="num">{entry.candidates}</td>'
            f'<td style="min-width:8em"><div class="meter"><span style="width:{share * 100:.1f}%"></span></div></td></tr>'
        )
    return (
        '<div class="scroll"><table id="documents-table"><tr><th>document</th><th class="num">decided</th>'
        f'<th class="num">candidates</th><th>progress</th></tr>{"".join(rows)}</table></div>'
    )


def render_summary(repository: Repository, documents: Sequence[DocumentEntry], db_label: str, generated_at: float) -> str:
    """The summary page of the report, from the repository's figures and the list of documents with their pages."""
    counts = repository.status_counts()
    figures = repository.review_figures()
    activity, moments = reviewer_activity(repository.decisions())
    unit, periods = buckets(moments)
    reviewers = sorted({reviewer for reviewer, _ in moments})
    pages = {d.pk: d.page for d in documents if d.page}
    rates = "".join(
        f'<div class="chart" id="{chart_id}"><h3>{heading}</h3>{rate_chart("chart-" + chart_id, heading, figures[key])}</div>'
        for chart_id, heading, key in (
            ("rates-labels", "Entity labels", "labels"),
            ("rates-types", "Event types", "event_types"),
            ("rates-roles", "Argument roles", "roles"),
        )
    )
    body = (
        f"<h1>Review report</h1><p class=\"muted\">{text(db_label)} · generated {when(generated_at)}</p>"
        + _progress(repository, documents, counts["total"])
        + '<section id="reviewers"><h2>Decisions per reviewer</h2>'
        + _reviewers(activity, figures["throughput"])
        + f'<div class="chart" id="per-{unit}"><h3>Decisions per {unit} (UTC)</h3>'
        + timeline_chart(f"chart-per-{unit}", f"Decisions per {unit}, by reviewer", periods, reviewers)
        + "</div></section>"
        + '<section id="rates"><h2>Acceptance and fix rates</h2>'
        + '<p class="small muted">Each bar splits the decided machine candidates of a label, type or role '
        "(by the machine's value) into accepted, fixed and rejected. Acceptance counts accepted and fixed "
        "ones over all decided; the fix rate counts fixed ones.</p>"
        + f'<div class="legend">{state_legend("key-rates")}</div><div class="charts">{rates}</div></section>'
        + f'<section id="flags"><h2>Flags and notes</h2>{_flags(repository.flagged_items(), pages)}</section>'
        + f'<section id="documents"><h2>Documents</h2>{_documents(documents)}</section>'
    )
    return page("Review report", body, "", where=db_label)
