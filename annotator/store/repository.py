"""The repository: the only door through which the rest of annotator reads or writes the store.

It takes and returns domain objects, and delegates each operation to the module of
its aggregate: `importer`, `documents`, `decisions`, `arguments`, `sentences`, `log`,
`queries`, `describe` and `stats`. Every decision is one transaction, committed
before the method returns; the bulk decisions and their undo are batches of
short transactions that stay one undo step (see `bulk`).

Every write waits, within bounds, for another process's write lock (see
`locking`) and raises `StoreBusy` when it could not get it, `ReadOnlyStore` on a
store opened read-only, and another `StoreError` for a full disk or a damaged
file; nothing of a failed write is kept.

A repository works in one lane (see `lanes`), chosen when it is made: every call
reads the review states of that lane and writes its decisions there.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from types import GeneratorType
from typing import Any, TypeVar

from annotator.domain import Action, Decision, Document, Review, TargetKind
from annotator.schema import Schema, load_schema
from annotator.store import (
    arguments,
    decisions,
    describe,
    documents,
    importer,
    lanes,
    log,
    queries,
    roles,
    sentences,
    sources,
    stats,
    watch,
)
from annotator.store.database import check_integrity
from annotator.store.importer import ImportResult
from annotator.store.locking import check_writable, run_write, settings
from annotator.store.models import database
from annotator.store.queries import DocumentSummary, FlaggedItem
from annotator.store.sql import is_postgres

Method = TypeVar("Method", bound=Callable[..., Any])
Class = TypeVar("Class", bound=type)


def _writes(method: Method) -> Method:
    """Run a repository method as one write transaction that waits for another process's lock."""

    @functools.wraps(method)
    def in_one_transaction(*args: Any, **kwargs: Any) -> Any:
        return run_write(lambda: method(*args, **kwargs))

    return in_one_transaction  # type: ignore[return-value]


def _lane_of_connection() -> str:
    """The shared lane, or the role's own for a PostgreSQL role bound by the store's row-level security."""
    if is_postgres() and roles.row_security_binds_me():
        return roles.current_role()
    return lanes.SHARED


def _in_own_lane(method: Callable[..., Any]) -> Callable[..., Any]:
    """Run a repository method in the repository's lane; a generator it returns steps in that lane too."""

    @functools.wraps(method)
    def in_lane(self: Repository, *args: Any, **kwargs: Any) -> Any:
        with lanes.using(self.lane):
            result = method(self, *args, **kwargs)
        if isinstance(result, GeneratorType):
            return lanes.iterate_in(self.lane, result)
        return result

    return in_lane


def _every_method_in_own_lane(cls: Class) -> Class:
    """Give every public method of the class `_in_own_lane`, so no read or write can miss the lane."""
    for name, member in list(vars(cls).items()):
        if not name.startswith("_") and inspect.isfunction(member):
            setattr(cls, name, _in_own_lane(member))
    return cls


@_every_method_in_own_lane
class Repository:
    """Reads and writes documents, candidates and decisions in the database bound by `annotator.store.connect`.

    `schema` (by default the one shipped with annotator) says which event attributes
    and values there are: what an added event starts with and what `set_attribute` accepts.
    `lane` is whose review states it reads and writes (see `lanes`): a reviewer's own
    name keeps their decisions apart from everyone else's. By default it is the shared
    lane '', except for a PostgreSQL role the store's row-level security binds (see
    `roles`): the server lets such a role write only its own lane, so that is its lane.
    """

    def __init__(
        self, schema: Schema | None = None, lane: str | None = None, documents: Collection[int] | None = None
    ) -> None:
        if database.obj is None:
            raise RuntimeError("the store is not connected; call annotator.store.connect() first")
        self._schema = schema
        self.lane = lane if lane is not None else _lane_of_connection()
        """Whose review states this repository reads and writes ('' for the shared, final lane)."""
        self.queue = frozenset(documents) if documents is not None else None
        """The documents a review walks (a reviewer's queue: see `team`), or None for every document."""

    @property
    def read_only(self) -> bool:
        """Whether the store was opened read-only: reads work, every write raises `ReadOnlyStore`."""
        return settings.read_only

    @property
    def schema(self) -> Schema:
        """The event schema the repository checks attributes against (read when first needed)."""
        if self._schema is None:
            self._schema = load_schema()
        return self._schema

    # ------------------------------------------------------------------ import

    def import_documents(self, documents: Sequence[Document], reviewer: str = "import") -> ImportResult:
        """Store new documents with their candidates in one transaction; see `importer.import_documents`.

        A SQLite store found damaged anywhere is refused (`StoreDamaged`) before anything is written.
        """
        check_writable()
        check_integrity()
        return run_write(lambda: importer.import_documents(documents, reviewer))

    def existing_hashes(self, document_ids: Iterable[str]) -> dict[str, str]:
        """Text hashes of the given document ids that are already stored."""
        return importer.existing_hashes(document_ids)

    # ------------------------------------------------------------------ documents

    def document_pks(self) -> list[int]:
        """The pks of the documents a review walks, in import order: all of them, or those of the queue."""
        every = documents.document_pks()
        return every if self.queue is None else [pk for pk in every if pk in self.queue]

    def document_pk(self, document_id: str) -> int | None:
        """The pk of the document with this id, or None."""
        return documents.document_pk(document_id)

    def load_document(self, document_id: str | None = None, pk: int | None = None) -> Document:
        """One document, by id or by pk, with its sentences, candidates and review states."""
        return documents.load_document(document_id, pk)

    def load_reviews(self, targets: Sequence[tuple[TargetKind, int]]) -> dict[tuple[TargetKind, int], Review]:
        """The review now of each of these targets the store holds (not of their documents): what a decision changed."""
        return documents.load_reviews(targets)

    def iter_documents(
        self, document_ids: Sequence[str] | None = None, with_tokens: bool = True, source: str | None = None,
        tally: sources.Disagreements | None = None,
    ) -> Iterator[Document]:
        """Documents in import order (all, or those with the given ids), loaded a batch at a time.

        With a `source` (`sources.FINAL`, `sources.MAJORITY` or a reviewer's lane) the review
        states are those it gives across lanes, and `tally` counts the targets it leaves undecided.
        """
        return documents.iter_documents(document_ids, with_tokens, source, tally)

    def lane_names(self) -> list[str]:
        """Every lane with a decision in the log ('' first when it has one)."""
        return lanes.lanes_in_use()

    def has_reviewer_lanes(self) -> bool:
        """Whether any reviewer decided in a lane of their own (see `lanes`)."""
        return sources.has_reviewer_lanes()

    def disputes(
        self, reviewers: Sequence[str] | None = None, document_pks: Sequence[int] | None = None
    ) -> list[sources.Dispute]:
        """The targets reviewers' lanes (all, or those named) disagree on and the shared lane has not settled.

        In every document, or in the given ones only.
        """
        return sources.disputes(reviewers, document_pks)

    # ------------------------------------------------------------------ decisions

    @_writes
    def accept(self, reviewer: str, kind: TargetKind, pk: int) -> int:
        """Accept a candidate (an item already fixed stays fixed); return the decision group."""
        return decisions.accept(reviewer, kind, pk)

    @_writes
    def accept_event(self, reviewer: str, event_pk: int) -> int:
        """Accept an event and its pending arguments as one decision group (one undo step)."""
        return decisions.accept_event(reviewer, event_pk)

    @_writes
    def reject(self, reviewer: str, kind: TargetKind, pk: int) -> int:
        """Reject a candidate; return the decision group."""
        return decisions.reject(reviewer, kind, pk)

    @_writes
    def reject_event(self, reviewer: str, event_pk: int) -> int:
        """Reject an event and its pending arguments as one decision group (one undo step)."""
        return decisions.reject_event(reviewer, event_pk)

    def accept_many(self, reviewer: str, targets: Sequence[tuple[TargetKind, int]], action: Action) -> int:
        """Accept many candidates as one decision group; `action` names the bulk operation."""
        return decisions.accept_many(reviewer, targets, action)

    def identical_mentions(self, entity_pk: int) -> list[int]:
        """Pks of the other pending machine entities of the entity's document with its machine text and label."""
        return queries.identical_mentions(entity_pk)

    def apply_to_identical(self, reviewer: str, entity_pk: int, only: Collection[int] | None = None) -> int:
        """Give the entity's identical pending mentions (or just those among `only`) its decision; return how many.

        A boundary fix is that one mention's and does not carry over.
        """
        return decisions.apply_to_identical(reviewer, entity_pk, only)

    @_writes
    def fix(self, reviewer: str, kind: TargetKind, pk: int, **values: Any) -> int:
        """Correct some of a candidate's values; the machine's values stay as they were."""
        return decisions.fix(reviewer, kind, pk, **values)

    @_writes
    def set_flag(self, reviewer: str, kind: TargetKind, pk: int, flagged: bool) -> int:
        """Flag or unflag a candidate for a second look."""
        return decisions.set_flag(reviewer, kind, pk, flagged)

    @_writes
    def set_note(self, reviewer: str, kind: TargetKind, pk: int, note: str) -> int:
        """Attach a free-text note to a candidate."""
        return decisions.set_note(reviewer, kind, pk, note)

    @_writes
    def dismiss_warning(self, reviewer: str, kind: TargetKind, pk: int, warning: str) -> int:
        """Record that the reviewer overrode a warning (its exact text) on a target; return the decision group."""
        return decisions.dismiss_warning(reviewer, kind, pk, warning)

    @_writes
    def set_attribute(self, reviewer: str, event_pk: int, name: str, value: str) -> int:
        """Set an event attribute to a value the schema lists for it; return the decision group."""
        return decisions.set_attribute(reviewer, event_pk, self.schema, name, value)

    @_writes
    def add_entity(self, reviewer: str, document_pk: int, start: int, end: int, label: str) -> int:
        """Add an entity the machine missed; return its pk."""
        return decisions.add_entity(reviewer, document_pk, start, end, label)

    @_writes
    def add_event(self, reviewer: str, document_pk: int, type_: str, trigger_start: int, trigger_end: int) -> int:
        """Add an event the machine missed, with the schema's default attributes; return its pk."""
        return decisions.add_event(
            reviewer, document_pk, type_, trigger_start, trigger_end, self.schema.default_attributes()
        )

    @_writes
    def add_argument(
        self, reviewer: str, event_pk: int, role: str, start: int | None = None, end: int | None = None,
        entity_pk: int | None = None,
    ) -> int:
        """Add an argument: a role, an extent (or, without one, the entity's final span) and optionally an entity."""
        return arguments.add_argument(reviewer, event_pk, role, start, end, entity_pk)

    @_writes
    def move_argument(self, reviewer: str, argument_pk: int, to_event_pk: int) -> int:
        """Move an argument to another event of its document (a fix of its `event_id`); return the decision group."""
        return arguments.move_argument(reviewer, argument_pk, to_event_pk)

    @_writes
    def copy_argument(self, reviewer: str, argument_pk: int, to_event_pk: int) -> int:
        """Add to another event of the document an argument with this one's final role, extent and entity; return its pk."""
        return arguments.copy_argument(reviewer, argument_pk, to_event_pk)

    def events_sharing_trigger(self, document_pk: int) -> list[tuple[int, int]]:
        """Pairs (lower pk, higher pk) of the document's live events with the same final trigger span."""
        return arguments.events_sharing_trigger(document_pk)

    @_writes
    def merge_events(self, reviewer: str, keep_event_pk: int, other_event_pk: int) -> int:
        """Move the other event's live arguments to the kept one and reject the other, as one undo step."""
        return arguments.merge_events(reviewer, keep_event_pk, other_event_pk)

    @_writes
    def confirm_sentence(self, reviewer: str, document_pk: int, sentence_index: int) -> int:
        """Record that a sentence holds nothing more to annotate ("nothing here"); return the decision group."""
        return sentences.confirm_sentence(reviewer, document_pk, sentence_index)

    # ------------------------------------------------------------------ the log: undo and redo

    def undo(self, reviewer: str) -> int | None:
        """Undo the reviewer's most recent decision group; return it, or None when nothing is left."""
        return log.undo(reviewer)

    def redo(self, reviewer: str) -> int | None:
        """Redo the reviewer's most recently undone group; return it, or None."""
        return log.redo(reviewer)

    def undo_stacks(self, reviewer: str) -> tuple[list[int], list[int]]:
        """The reviewer's groups that can be undone and redone, most recent last."""
        return log.undo_stacks(reviewer)

    def group_targets(self, group: int) -> list[tuple[int, TargetKind, int]]:
        """(document pk, kind, target pk) of every target a decision group touched, in order."""
        return log.group_targets(group)

    def last_decided_target(self, reviewer: str) -> tuple[int, TargetKind, int] | None:
        """(document pk, kind, target pk) of the reviewer's latest decision still in effect, or None."""
        return log.last_decided_target(reviewer)

    def describe_group(self, group: int) -> str:
        """A short plain sentence of what a decision group did, for undo and redo messages."""
        return describe.describe_group(group)

    def decisions(self, reviewer: str | None = None) -> list[Decision]:
        """The decision log in order, all of it or one reviewer's."""
        return log.decisions(reviewer)

    def review_states(self) -> dict[tuple[str, int], tuple[Any, ...]]:
        """Every stored review state as (status, fixed, flagged, note), keyed by (kind, target pk)."""
        return log.review_states()

    @_writes
    def rebuild_derived_state(self) -> None:
        """Recompute the undone groups and every review state from the decision log alone."""
        log.rebuild_derived_state()

    # ------------------------------------------------------------------ other processes

    def data_version(self) -> int:
        """A number that changes whenever any process commits a write to the store; cheap enough to poll every second.

        A review screen keeps the value it last saw; when it differs, another process
        (or this one) decided, undid or imported something, and the screen reloads.
        """
        return watch.data_version()

    def decided_after(
        self, kind: TargetKind, pk: int, since_ts: float, other_than: str | None = None
    ) -> Decision | None:
        """The latest log entry after the time `since_ts` that changed this target (an undo or redo too), or None.

        Before recording a decision on a candidate shown at `since_ts`, a screen asks
        this (with `other_than` its own reviewer) and warns before overriding another
        reviewer's decision made meanwhile.
        """
        return watch.decided_after(kind, pk, since_ts, other_than)

    # ------------------------------------------------------------------ navigation and progress

    def pending_entities(
        self, label: str | None = None, document_pk: int | None = None, min_score: float | None = None,
        text: str | None = None,
    ) -> list[int]:
        """Pks of pending machine entities, by machine label, document, minimum score or exact text."""
        return queries.pending_entities(label, document_pk, min_score, text)

    def find_text(self, needle: str, after_document_pk: int) -> int | None:
        """The pk of the first document after the given one whose text contains `needle` (ignoring case), or None."""
        return queries.find_text(needle, after_document_pk)

    def next_document_with_pending(self, after_document_pk: int) -> int | None:
        """The pk of the first document after the given one that still has a pending candidate, or None."""
        return queries.next_document_with_pending(after_document_pk)

    def next_document_with_work(self, after_document_pk: int) -> int | None:
        """The pk of the first document after the given one with a pending candidate or an unseen sentence, or None."""
        return sentences.next_document_with_work(after_document_pk)

    def sentence_progress(self) -> tuple[int, int]:
        """(seen, total) sentences: seen when none of its candidates is pending and it holds a live one or was confirmed."""
        return sentences.sentence_progress()

    def flagged_items(self) -> list[FlaggedItem]:
        """Every flagged or noted target of the store, in document order."""
        return describe.flagged_items()

    def decided_count(self) -> int:
        """How many machine candidates are decided (see `domain.is_decided`)."""
        return queries.decided_count()

    def candidate_count(self) -> int:
        """How many machine candidates the store holds."""
        return queries.candidate_count()

    def document_summaries(self) -> list[DocumentSummary]:
        """Every document with its number of machine candidates and how many are decided, in import order."""
        return queries.document_summaries()

    # ------------------------------------------------------------------ statistics

    def review_figures(self) -> dict[str, Any]:
        """Per label, type and role: decisions and acceptance rates; per attribute: final values; per reviewer: throughput."""
        return stats.review_figures(tuple(self.schema.attributes))

    def status_counts(self) -> dict[str, Any]:
        """Candidate counts per status: per document, label, event type and role, and in all; per attribute: final values."""
        return stats.status_counts(tuple(self.schema.attributes))
