"""Peewee models of the review store.

The database is bound at run time through `database` (a `DatabaseProxy`), so
the same models serve a SQLite file or, later, a server database chosen by URL.

Candidates (`EntityRow`, `EventRow`, `ArgumentRow`) hold the machine's values
and are never updated after import. The `DecisionRow` log is append-only; the
`ReviewStateRow` and `UndoneGroupRow` tables are derived from it and can be
rebuilt from it at any time.
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

database = DatabaseProxy()


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class MetaRow(BaseModel):
    """Key/value facts about the store itself, such as the schema version."""

    key = TextField(primary_key=True)
    value = TextField()

    class Meta:
        table_name = "store_meta"


class DocumentRow(BaseModel):
    """A document: its external id, text and metadata."""

    id = AutoField()
    key = TextField(unique=True)
    text = TextField()
    text_hash = TextField()
    title = TextField(null=True)
    meta = TextField(default="{}")
    imported_at = FloatField()

    class Meta:
        table_name = "document"


class SentenceRow(BaseModel):
    """A sentence's offsets and its tokens' offsets, packed as little-endian uint32 pairs."""

    id = AutoField()
    document = ForeignKeyField(DocumentRow, backref="sentences", on_delete="CASCADE")
    idx = IntegerField()
    start = IntegerField()
    end = IntegerField()
    tokens = BlobField()

    class Meta:
        table_name = "sentence"
        indexes = ((("document", "idx"), True),)


class EntityRow(BaseModel):
    """A candidate entity as the machine (or the importing file) gave it."""

    id = AutoField()
    document = ForeignKeyField(DocumentRow, backref="entities", on_delete="CASCADE")
    key = TextField()
    start = IntegerField()
    end = IntegerField()
    label = TextField()
    score = FloatField(null=True)
    source = TextField(null=True)
    sentence_idx = IntegerField()
    origin = TextField(default="machine")

    class Meta:
        table_name = "entity"
        indexes = ((("document", "key"), True), (("document", "sentence_idx", "start"), False))


class EventRow(BaseModel):
    """A candidate event: type and trigger span as the machine gave them."""

    id = AutoField()
    document = ForeignKeyField(DocumentRow, backref="events", on_delete="CASCADE")
    key = TextField()
    type = TextField()
    trigger_start = IntegerField()
    trigger_end = IntegerField()
    score = FloatField(null=True)
    source = TextField(null=True)
    attributes = TextField(default="{}")
    sentence_idx = IntegerField()
    origin = TextField(default="machine")

    class Meta:
        table_name = "event"
        indexes = ((("document", "key"), True), (("document", "sentence_idx", "trigger_start"), False))


class ArgumentRow(BaseModel):
    """One argument of an event: a role and an entity, or a bare span."""

    id = AutoField()
    event = ForeignKeyField(EventRow, backref="arguments", on_delete="CASCADE")
    position = IntegerField()
    role = TextField()
    entity = ForeignKeyField(EntityRow, null=True, backref="arguments", on_delete="RESTRICT")
    start = IntegerField(null=True)
    end = IntegerField(null=True)
    score = FloatField(null=True)
    origin = TextField(default="machine")

    class Meta:
        table_name = "argument"
        indexes = ((("event", "position"), True),)


class DecisionRow(BaseModel):
    """One entry of the append-only decision log.

    `before` and `after` hold only the review fields the decision changed, as JSON.
    An undo or redo entry has no target; `reverts_group` names the group it acts on.
    """

    id = AutoField()
    group = IntegerField(index=True, column_name="group_id")
    reviewer = TextField()
    at = FloatField()
    action = TextField()
    target_kind = TextField(null=True)
    target_id = IntegerField(null=True)
    document = IntegerField(null=True, column_name="document_id")
    before = TextField(default="{}")
    after = TextField(default="{}")
    reverts_group = IntegerField(null=True)

    class Meta:
        table_name = "decision"
        indexes = ((("target_kind", "target_id"), False), (("reviewer", "id"), False))


class ReviewStateRow(BaseModel):
    """The current review state of a target, folded from its effective decisions."""

    target_kind = TextField()
    target_id = IntegerField()
    document = IntegerField(column_name="document_id", index=True)
    status = TextField()
    fixed = TextField(default="{}")
    flagged = BooleanField(default=False)
    note = TextField(default="")
    reviewer = TextField(null=True)
    decided_at = FloatField(null=True)

    class Meta:
        table_name = "review_state"
        primary_key = CompositeKey("target_kind", "target_id")


class UndoneGroupRow(BaseModel):
    """A decision group currently undone (derived from the undo and redo entries)."""

    group = IntegerField(primary_key=True, column_name="group_id")

    class Meta:
        table_name = "undone_group"


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
)
