"""Plain domain objects: documents, sentences, candidates and their review state.

Nothing here knows about the database, spaCy or Textual. A candidate keeps the
machine's original values; a reviewer's correction lives beside them in its
`Review`, so the original can never be overwritten.
"""

from __future__ import annotations

import re
import struct
import sys
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from itertools import chain
from operator import attrgetter, eq
from typing import Any, overload


class Status(str, Enum):
    """Review state of one entity, event or argument."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    FIXED = "fixed"
    ADDED = "added"
    # An item the reviewer added and then took back (by undo); it is not exported.
    WITHDRAWN = "withdrawn"

    def __str__(self) -> str:
        return self.value


# What a reviewer can decide about a machine candidate. An added item is the reviewer's
# own, not a candidate, so it never counts towards the progress of a review.
# Characters a name from a file or a command line (label, type, role, id, reviewer) may not hold: the C0
# and C1 controls (ESC, BEL and the rest reach a terminal as commands), line and paragraph separators,
# and the bidirectional marks, embeddings, overrides and isolates (they make a name read reversed).
NAME_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# Free text (a note, a title, an attribute value) may hold tabs and line breaks, and bidirectional marks,
# which right-to-left writing needs; it may not hold the other controls, or embeddings, overrides and isolates.
TEXT_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

DECIDED_STATUSES = (Status.ACCEPTED, Status.REJECTED, Status.FIXED)
# Statuses the final view (exports, evaluation) leaves out.
GONE_STATUSES = (Status.REJECTED, Status.WITHDRAWN)
# Statuses a reviewer vouched for: kept as they are, or as corrected.
CONFIRMED_STATUSES = (Status.ACCEPTED, Status.FIXED, Status.ADDED)


def is_decided(status: Status) -> bool:
    """True once a reviewer accepted, rejected or fixed the candidate: the one meaning of "decided"."""
    return status in DECIDED_STATUSES


def is_live(status: Status) -> bool:
    """True while a target counts in the final view: neither rejected nor withdrawn."""
    return status not in GONE_STATUSES


class Origin(str, Enum):
    """Who put an entity, event or argument in the store: the machine's file or a reviewer."""

    MACHINE = "machine"
    REVIEWER = "reviewer"

    def __str__(self) -> str:
        return self.value


class Action(str, Enum):
    """What a decision-log entry records; the values are the strings stored in the log."""

    IMPORT = "import"
    UNDO = "undo"
    REDO = "redo"
    ACCEPT = "accept"
    REJECT = "reject"
    FIX = "fix"
    FLAG = "flag"
    NOTE = "note"
    ADD = "add"
    BULK_ACCEPT = "bulk-accept"
    BULK_ACCEPT_SENTENCE = "bulk-accept-sentence"
    BULK_ACCEPT_LABEL = "bulk-accept-label"
    BULK_ACCEPT_SCORE = "bulk-accept-score"
    APPLY_TO_IDENTICAL = "apply-to-identical"
    MOVE = "move"
    MERGE = "merge"
    DISMISS = "dismiss"
    CONFIRM = "confirm"

    def __str__(self) -> str:
        return self.value


# Ways to accept many candidates as one undo step.
BULK_ACCEPT_ACTIONS = frozenset(
    {Action.BULK_ACCEPT, Action.BULK_ACCEPT_SENTENCE, Action.BULK_ACCEPT_LABEL, Action.BULK_ACCEPT_SCORE}
)
# Log entries that are not a reviewer's decision, so undo never takes them back.
NOT_UNDOABLE_ACTIONS = frozenset({Action.IMPORT, Action.UNDO, Action.REDO})


class TargetKind(str, Enum):
    """What a decision is about: a candidate, or a sentence the reviewer confirmed holds nothing more."""

    ENTITY = "entity"
    EVENT = "event"
    ARGUMENT = "argument"
    SENTENCE = "sentence"

    def __str__(self) -> str:
        return self.value


# The kinds of target that are candidates: what progress counts and exports carry.
CANDIDATE_KINDS = (TargetKind.ENTITY, TargetKind.EVENT, TargetKind.ARGUMENT)

# The values a reviewer may correct, per kind of target. An event's `attributes` is
# its whole final mapping; an argument's `entity_id` (None unlinks) and `event_id`
# (a move to another event of the document) are external ids.
FIXABLE_FIELDS: Mapping[TargetKind, tuple[str, ...]] = {
    TargetKind.ENTITY: ("start", "end", "label"),
    TargetKind.EVENT: ("type", "trigger_start", "trigger_end", "attributes"),
    TargetKind.ARGUMENT: ("role", "entity_id", "start", "end", "event_id"),
    TargetKind.SENTENCE: (),
}

# The warning shown on each of two live events with the same final trigger span.
SHARED_TRIGGER_WARNING = "shares its trigger with another event"


@dataclass(frozen=True)
class Review:
    """The derived review state of one target: status, corrections, flag, note and dismissed warnings.

    `dismissed` holds the texts of the schema warnings the reviewer overrode on this target.
    """

    status: Status = Status.PENDING
    fixed: Mapping[str, Any] = field(default_factory=dict)
    flagged: bool = False
    note: str = ""
    reviewer: str | None = None
    decided_at: float | None = None
    dismissed: tuple[str, ...] = ()

    @property
    def is_decided(self) -> bool:
        """True once a reviewer accepted, rejected or fixed the target (see `is_decided`)."""
        return is_decided(self.status)


PENDING = Review()


# A token's (start, end) character offsets in the document, end-exclusive.
Token = tuple[int, int]

_PAIR = struct.Struct("<II")


class Tokens(Sequence[Token]):
    """A sentence's tokens: reads as a tuple of (start, end) tuples, held as the store packs them (8 bytes a token).

    A book-sized text has millions of tokens; as Python tuples each costs about 120 bytes,
    here 8. Length, indexing, slicing, iteration, `+`, equality with the tuple form and its
    hash behave as that tuple's, so readers need not know. `packed` is the store's form:
    little-endian uint32 pairs, so offsets must lie below 2**32.
    """

    __slots__ = ("_packed",)
    _packed: bytes

    def __init__(self, pairs: Iterable[Token] = ()):
        flat = array("I", chain.from_iterable(pairs))
        if len(flat) % 2:
            raise ValueError("tokens are (start, end) pairs")
        if sys.byteorder == "big":  # pragma: no cover
            flat.byteswap()
        self._packed = flat.tobytes()

    @classmethod
    def from_packed(cls, packed: bytes | bytearray | memoryview) -> Tokens:
        """The tokens of their packed form (little-endian uint32 pairs), as the store keeps them."""
        data = bytes(packed)
        if len(data) % _PAIR.size:
            raise ValueError(f"packed tokens take {_PAIR.size} bytes each, got {len(data)} bytes")
        tokens = cls.__new__(cls)
        tokens._packed = data
        return tokens

    @property
    def packed(self) -> bytes:
        """The offsets as little-endian uint32 pairs, the form the store keeps."""
        return self._packed

    def __len__(self) -> int:
        return len(self._packed) // _PAIR.size

    @overload
    def __getitem__(self, index: int) -> Token: ...

    @overload
    def __getitem__(self, index: slice) -> Tokens: ...

    def __getitem__(self, index: int | slice) -> Token | Tokens:
        if isinstance(index, slice):
            chosen = range(len(self))[index]
            if chosen.step == 1:
                return Tokens.from_packed(self._packed[chosen.start * _PAIR.size : chosen.stop * _PAIR.size])
            return Tokens(self[i] for i in chosen)
        position = index + len(self) if index < 0 else index
        if not 0 <= position < len(self):
            raise IndexError("token index out of range")
        start, end = _PAIR.unpack_from(self._packed, position * _PAIR.size)
        return start, end

    def __iter__(self) -> Iterator[Token]:
        return _PAIR.iter_unpack(self._packed)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Tokens):
            return self._packed == other._packed
        if isinstance(other, tuple):
            return len(other) == len(self) and tuple(self) == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __add__(self, other: Sequence[Token]) -> Tokens:
        if isinstance(other, Tokens):
            return Tokens.from_packed(self._packed + other._packed)
        if isinstance(other, tuple):
            return Tokens(chain(self, other))
        return NotImplemented

    def __radd__(self, other: Sequence[Token]) -> Tokens:
        if isinstance(other, tuple):
            return Tokens(chain(other, self))
        return NotImplemented

    def __repr__(self) -> str:
        return f"Tokens({tuple(self)!r})"

    def __reduce__(self) -> tuple[Any, tuple[bytes]]:
        return Tokens.from_packed, (self._packed,)


NO_TOKENS = Tokens()


@dataclass(frozen=True)
class Sentence:
    """A sentence: character offsets into its document, the offsets of its tokens, and its review.

    A sentence's review is ACCEPTED once a reviewer confirmed it holds nothing more to annotate.
    """

    index: int
    start: int
    end: int
    tokens: Tokens = NO_TOKENS
    pk: int | None = None
    review: Review = PENDING

    def __post_init__(self) -> None:
        # Tokens given in their tuple form are packed, so a sentence holds its tokens at 8 bytes each.
        if not isinstance(self.tokens, Tokens):
            object.__setattr__(self, "tokens", Tokens(self.tokens))

    @property
    def confirmed(self) -> bool:
        """True once a reviewer confirmed the sentence ("nothing here")."""
        return self.review.status is Status.ACCEPTED


class SentenceColumns(Sequence[Sentence]):
    """A document's sentences as segmentation finds them, held as columns: 24 bytes a sentence beside its tokens.

    A 50 MB text has hundreds of thousands of sentences, which as `Sentence` objects would
    cost about 300 bytes each beyond their tokens. Offsets live in arrays and every token in
    one packed buffer; reading a position builds its `Sentence` (pending, not yet stored).
    It equals a list or tuple of the same sentences.
    """

    __slots__ = ("starts", "ends", "_token_ends", "_tokens")
    __hash__ = None  # type: ignore[assignment]  # it grows while segmentation fills it, as a list does

    def __init__(self) -> None:
        self.starts = array("q")
        self.ends = array("q")
        self._token_ends = array("q")  # the tokens of sentence i end where those of i + 1 start
        self._tokens = bytearray()

    def extend(self, starts: Iterable[int], ends: Iterable[int], token_ends: Iterable[int], packed: bytes) -> None:
        """Add sentences: their offsets, where each one's tokens end in `packed`, and those tokens (`Tokens.packed`)."""
        base = len(self._tokens) // _PAIR.size
        self.starts.extend(starts)
        self.ends.extend(ends)
        self._token_ends.extend(base + end for end in token_ends)
        self._tokens += packed

    def __len__(self) -> int:
        return len(self.starts)

    def _sentence(self, position: int) -> Sentence:
        first = self._token_ends[position - 1] if position else 0
        tokens = Tokens.from_packed(self._tokens[first * _PAIR.size : self._token_ends[position] * _PAIR.size])
        return Sentence(position, self.starts[position], self.ends[position], tokens)

    @overload
    def __getitem__(self, index: int) -> Sentence: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Sentence, ...]: ...

    def __getitem__(self, index: int | slice) -> Sentence | tuple[Sentence, ...]:
        if isinstance(index, slice):
            return tuple(map(self._sentence, range(len(self))[index]))
        position = index + len(self) if index < 0 else index
        if not 0 <= position < len(self):
            raise IndexError("sentence index out of range")
        return self._sentence(position)

    def __iter__(self) -> Iterator[Sentence]:
        return map(self._sentence, range(len(self)))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SentenceColumns):
            return (self.starts, self.ends, self._token_ends, self._tokens) == (
                other.starts, other.ends, other._token_ends, other._tokens
            )
        if isinstance(other, (list, tuple)):
            return len(other) == len(self) and all(map(eq, self, other))
        return NotImplemented

    def __repr__(self) -> str:
        return f"SentenceColumns(<{len(self)} sentences>)"


_sentence_start = attrgetter("start")


def sentence_of(sentences: Sequence[Sentence], offset: int) -> int:
    """Position of the sentence holding `offset`: the last one starting at or before it, else the first."""
    # Sentences come sorted by start; an offset before the first one (leading
    # whitespace) belongs to the first sentence rather than to none.
    if isinstance(sentences, SentenceColumns):
        after = bisect_right(sentences.starts, offset)
    else:
        after = bisect_right(sentences, offset, key=_sentence_start)
    return after - 1 if after else 0


@dataclass(frozen=True)
class Entity:
    """A candidate entity mention: the machine's values plus the review state."""

    id: str
    start: int
    end: int
    label: str
    score: float | None = None
    source: str | None = None
    review: Review = PENDING
    pk: int | None = None

    def final(self, name: str) -> Any:
        """The value of a field after the reviewer's correction, if any."""
        return self.review.fixed.get(name, getattr(self, name))

    @property
    def final_span(self) -> tuple[int, int]:
        """Start and end after correction."""
        return self.final("start"), self.final("end")


@dataclass(frozen=True)
class Argument:
    """An event argument: a role, an extent in the text, and optionally the entity it refers to.

    Every stored argument has an extent (`start`, `end`); `entity_id`, when present,
    names the entity of the document the extent refers to ("its" → Russia), whose
    own span may differ from the extent.
    """

    role: str
    entity_id: str | None = None
    start: int | None = None
    end: int | None = None
    score: float | None = None
    review: Review = PENDING
    pk: int | None = None
    # The external id of the event the argument was imported or added under; a move is a fix of it.
    event_id: str | None = None

    def final(self, name: str) -> Any:
        """The value of a field after the reviewer's correction, if any."""
        return self.review.fixed.get(name, getattr(self, name))

    @property
    def final_span(self) -> tuple[int, int]:
        """The extent's start and end after correction."""
        return self.final("start"), self.final("end")


@dataclass(frozen=True)
class Event:
    """A candidate event: type, trigger span, attributes and arguments, plus the review state.

    `arguments` are the arguments whose final event this is (a moved argument sits
    under the event it was moved to); `final("attributes")` is the corrected mapping.
    """

    id: str
    type: str
    trigger_start: int
    trigger_end: int
    score: float | None = None
    source: str | None = None
    arguments: tuple[Argument, ...] = ()
    attributes: Mapping[str, Any] = field(default_factory=dict)
    review: Review = PENDING
    pk: int | None = None

    def final(self, name: str) -> Any:
        """The value of a field after the reviewer's correction, if any."""
        return self.review.fixed.get(name, getattr(self, name))


@dataclass(frozen=True)
class Document:
    """A news document with its sentences and candidate annotations."""

    id: str
    text: str
    title: str | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)
    sentences: Sequence[Sentence] = ()
    entities: tuple[Entity, ...] = ()
    events: tuple[Event, ...] = ()
    pk: int | None = None


@dataclass(frozen=True)
class Decision:
    """One entry of the append-only decision log."""

    id: int
    group: int
    reviewer: str
    at: float
    action: Action
    target_kind: TargetKind | None
    target_pk: int | None
    before: Mapping[str, Any]
    after: Mapping[str, Any]
    reverts_group: int | None = None
