"""Peewee models of the review store.

The database is bound at run time through `database` (a `DatabaseProxy`), so
the same models serve a SQLite file or a PostgreSQL database chosen by URL.

Field names follow the domain: `pk` is a row's primary key, `external_id` the id
a document or candidate has in the files it came from. The columns keep their
original names (`id`, `key`, `target_id`), so stores written before still open.

Candidates (`EntityRow`, `EventRow`, `ArgumentRow`) hold the machine's values
and are never updated after import. The `DecisionRow` log is append-only; the
`ReviewStateRow` and `UndoneGroupRow` tables are derived from it and can be
rebuilt from it at any time, and `DocumentWorkRow` is a cache of each document's
sentence progress, dropped whenever a decision touches the document.

Decisions, review states and progress each belong to a lane (see `lanes`): whose
review they are. Lane '' is the shared, final one; a store without team work has
nothing else.
"""

from __future__ import annotations

from peewee import (
    AutoField,
    BlobField,
    BooleanField,
    CompositeKey,
    DatabaseProxy,
    FloatField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from annotator.domain import Origin

database = DatabaseProxy()


class BaseModel(Model):
    """Binds every model to the run-time database and names tables after their models."""

    class Meta:
        """Bound to the proxy, so the database is chosen at run time."""

        database = database
        legacy_table_names = False


class MetaRow(BaseModel):
    """Key/value facts about the store itself, such as its version."""

    key = TextField(primary_key=True)
    value = TextField()

    class Meta:
        """Named apart from the document `meta` column."""

        table_name = "store_meta"


class DocumentRow(BaseModel):
    """A document: its external id, text and metadata."""

    pk = AutoField(column_name="id")
    external_id = TextField(unique=True, column_name="key")
    text = TextField()
    text_hash = TextField()
    title = TextField(null=True)
    meta = TextField(default="{}")
    imported_at = FloatField()

    class Meta:
        """The document table."""

        table_name = "document"


class SentenceRow(BaseModel):
    """A sentence's offsets and its tokens' offsets, packed as little-endian uint32 pairs."""

    pk = AutoField(column_name="id")
    document = ForeignKeyField(DocumentRow, backref="sentences", on_delete="CASCADE")
    idx = IntegerField()
    start = IntegerField()
    end = IntegerField()
    tokens = BlobField()

    class Meta:
        """One row per position of a sentence in its document."""

        table_name = "sentence"
        indexes = ((("document", "idx"), True),)


class EntityRow(BaseModel):
    """A candidate entity as the machine (or the importing file) gave it."""

    pk = AutoField(column_name="id")
    document = ForeignKeyField(DocumentRow, backref="entities", on_delete="CASCADE")
    external_id = TextField(column_name="key")
    start = IntegerField()
    end = IntegerField()
    label = TextField()
    score = FloatField(null=True)
    source = TextField(null=True)
    sentence_idx = IntegerField()
    origin = TextField(default=Origin.MACHINE.value)

    class Meta:
        """Ids unique within a document; candidates found by sentence, in reading order."""

        table_name = "entity"
        indexes = ((("document", "external_id"), True), (("document", "sentence_idx", "start"), False))


class EventRow(BaseModel):
    """A candidate event: type and trigger span as the machine gave them."""

    pk = AutoField(column_name="id")
    document = ForeignKeyField(DocumentRow, backref="events", on_delete="CASCADE")
    external_id = TextField(column_name="key")
    type = TextField()
    trigger_start = IntegerField()
    trigger_end = IntegerField()
    score = FloatField(null=True)
    source = TextField(null=True)
    attributes = TextField(default="{}")
    sentence_idx = IntegerField()
    origin = TextField(default=Origin.MACHINE.value)

    class Meta:
        """Ids unique within a document; events found by sentence, in reading order."""

        table_name = "event"
        indexes = ((("document", "external_id"), True), (("document", "sentence_idx", "trigger_start"), False))


class ArgumentRow(BaseModel):
    """One argument of an event: a role, an extent, and optionally the entity it refers to.

    `start` and `end` are always set (store version 2 on); the columns stay nullable
    because SQLite cannot tighten a column without copying the table.
    """

    pk = AutoField(column_name="id")
    event = ForeignKeyField(EventRow, backref="arguments", on_delete="CASCADE")
    position = IntegerField()
    role = TextField()
    entity = ForeignKeyField(EntityRow, null=True, backref="arguments", on_delete="RESTRICT")
    start = IntegerField(null=True)
    end = IntegerField(null=True)
    score = FloatField(null=True)
    origin = TextField(default=Origin.MACHINE.value)

    class Meta:
        """Arguments kept in the order the event lists them."""

        table_name = "argument"
        indexes = ((("event", "position"), True),)


class DecisionRow(BaseModel):
    """One entry of the append-only decision log.

    `before` and `after` hold only the review fields the decision changed, as JSON.
    An undo or redo entry has no target; `reverts_group` names the group it acts on.
    """

    pk = AutoField(column_name="id")
    group = IntegerField(index=True, column_name="group_id")
    reviewer = TextField()
    at = FloatField()
    action = TextField()
    target_kind = TextField(null=True)
    target_pk = IntegerField(null=True, column_name="target_id")
    document_pk = IntegerField(null=True, column_name="document_id")
    before = TextField(default="{}")
    after = TextField(default="{}")
    reverts_group = IntegerField(null=True)
    lane = TextField(default="")

    class Meta:
        """Indexed for refolding one target and for one reviewer's undo stack."""

        table_name = "decision"
        indexes = ((("target_kind", "target_pk"), False), (("reviewer", "pk"), False))


class ReviewStateRow(BaseModel):
    """The current review state of a target in a lane, folded from the lane's effective decisions on it."""

    target_kind = TextField()
    target_pk = IntegerField(column_name="target_id")
    document_pk = IntegerField(column_name="document_id", index=True)
    status = TextField()
    fixed = TextField(default="{}")
    flagged = BooleanField(default=False)
    note = TextField(default="")
    reviewer = TextField(null=True)
    decided_at = FloatField(null=True)
    # The texts of the warnings the reviewer dismissed on this target, a JSON list.
    dismissed = TextField(default="[]")
    lane = TextField(default="")

    class Meta:
        """At most one state per target in each lane."""

        table_name = "review_state"
        primary_key = CompositeKey("lane", "target_kind", "target_pk")


class UndoneGroupRow(BaseModel):
    """A decision group currently undone (derived from the undo and redo entries)."""

    group = IntegerField(primary_key=True, column_name="group_id")

    class Meta:
        """The undone-group table."""

        table_name = "undone_group"


class DocumentWorkRow(BaseModel):
    """A document's sentence progress in a lane: its sentences, how many are seen, and whether work is left.

    A cache: a row is dropped whenever a decision of its lane touches its document and
    counted again when asked for, so reading progress never scans a whole corpus twice.
    """

    document_pk = IntegerField(column_name="document_id")
    sentences = IntegerField()
    seen = IntegerField()
    has_work = BooleanField()
    lane = TextField(default="")

    class Meta:
        """The document-work cache table: one row per document and lane."""

        table_name = "document_work"
        primary_key = CompositeKey("lane", "document_pk")


ALL_MODELS = (
    MetaRow,
    DocumentRow,
    SentenceRow,
    EntityRow,
    EventRow,
    ArgumentRow,
    DecisionRow,
    ReviewStateRow,
    UndoneGroupRow,
    DocumentWorkRow,
)
