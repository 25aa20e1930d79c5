"""Seeing what other processes did: a data version to poll, and the decisions made on a target since a time.

Every write transaction (a decision, an undo or redo, an import, each batch of a
bulk decision) adds one to the store's data version, a counter in `store_meta`.
A review screen polls `data_version()` (one indexed read) every second or so; when
it has moved, it reloads what it shows, and before it records a decision it asks
`decided_after` whether someone else decided that target since it was shown.
"""

from __future__ import annotations

from annotator.domain import Decision, TargetKind
from annotator.store.lanes import current
from annotator.store.log import decision_of
from annotator.store.models import DecisionRow, MetaRow
from annotator.store.sql import run

_DATA_VERSION_KEY = "data_version"


def bump_data_version() -> None:
    """Add one to the data version; call inside the write transaction whose change it announces."""
    run(
        "INSERT INTO store_meta (key, value) VALUES (?, '1')"
        " ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(store_meta.value AS INTEGER) + 1 AS TEXT)",
        (_DATA_VERSION_KEY,),
    )


def data_version() -> int:
    """The store's data version: it changes whenever any process commits a write to the store."""
    value = MetaRow.select(MetaRow.value).where(MetaRow.key == _DATA_VERSION_KEY).scalar()
    return int(value) if value is not None else 0


def decided_after(kind: TargetKind, pk: int, since: float, other_than: str | None = None) -> Decision | None:
    """The latest decision on a target recorded after the time `since` (an undo or redo of one included), or None.

    With `other_than`, that reviewer's own entries are left out. The answer is an entry
    of the log: a decision on the target, or an undo/redo entry of a group that touched it.
    Only the lane in effect counts: a reviewer in another lane changed nothing shown here.
    """
    lane = DecisionRow.lane == current()
    on_target = lane & (DecisionRow.target_kind == kind.value) & (DecisionRow.target_pk == pk)
    direct = DecisionRow.select().where(on_target & (DecisionRow.at > since))
    groups = [
        row[0] for row in run(
            "SELECT DISTINCT group_id FROM decision WHERE target_kind = ? AND target_id = ?", (kind.value, pk)
        ).fetchall()
    ]
    candidates = [direct]
    if groups:
        first = DecisionRow.select(DecisionRow.pk).where(on_target).order_by(DecisionRow.pk).limit(1).scalar()
        # An undo or redo comes after the group it reverts, so only later rows need looking at.
        candidates.append(
            DecisionRow.select().where(
                lane & (DecisionRow.pk > first) & DecisionRow.reverts_group.in_(groups) & (DecisionRow.at > since)
            )
        )
    found = []
    for query in candidates:
        if other_than is not None:
            query = query.where(DecisionRow.reviewer != other_than)
        row = query.order_by(DecisionRow.pk.desc()).first()
        if row is not None:
            found.append(row)
    return decision_of(max(found, key=lambda row: row.pk)) if found else None
