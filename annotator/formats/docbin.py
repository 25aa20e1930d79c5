"""spaCy DocBin (`.spacy`), for training.

Written: one `Doc` per document, built from the stored tokens (whitespace between
them kept as spaCy whitespace tokens), so `doc.text` is the document's text and
no offset drifts. `doc.ents` holds the entities a reviewer accepted, fixed or
added; in a sentence whose every candidate has been decided, the other tokens are
outside any entity ("O"); everywhere else they are left missing, so training does
not learn "not an entity" from tokens nobody checked. Entities that overlap one
already in `doc.ents` go only to the span group `annotator_entities`, which holds
every written entity with its label. Event triggers are in the span group `sc`
(spancat's default) labelled with the event type, and argument extents in the
span group `annotator_arguments` labelled with the role. The full structure
(ids, statuses, original values, events with their attributes and arguments
with their extents and entity links, notes, dismissed warnings, confirmed
sentences) is in `doc.user_data["annotator"]` (native JSON, as a string).
Sentence starts are set from the stored sentences.

Read: DocBins written by annotator (from `user_data`), or any DocBin: entities
from `doc.ents` (and `annotator_entities`), triggers from `sc` spans whose label
is an event type of the schema, sentences from the Doc's sentence starts. The
record number in an error is the Doc's position in the file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import orjson

from annotator.domain import CONFIRMED_STATUSES, Document, Status, sentence_of
from annotator.formats.exporting import ExportFilter, ExportSummary, FinalDocument, final_views
from annotator.formats.fields import BadRecord
from annotator.formats.inputs import Source, is_regular_file
from annotator.formats.native import document_to_dict
from annotator.formats.reading import InputError, Record
from annotator.schema import load_schema

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Span
    from spacy.vocab import Vocab

USER_DATA_KEY = "annotator"
ENTITY_GROUP = "annotator_entities"
TRIGGER_GROUP = "sc"
ARGUMENT_GROUP = "annotator_arguments"


def _words(text: str, tokens: list[tuple[int, int]]) -> tuple[list[str], list[bool], dict[int, int], dict[int, int]]:
    """spaCy words and spaces that rebuild `text` exactly, and each token's index by start and by end offset."""
    words: list[str] = []
    spaces: list[bool] = []
    by_start: dict[int, int] = {}
    by_end: dict[int, int] = {}
    position = 0
    for start, end in tokens:
        gap = text[position:start]
        if gap:
            if gap == " " and words and not spaces[-1]:
                spaces[-1] = True
            else:
                if words and not spaces[-1] and gap.endswith(" ") and len(gap) > 1:
                    words.append(gap[:-1])
                    spaces.append(True)
                else:
                    words.append(gap)
                    spaces.append(False)
        by_start[start] = len(words)
        by_end[end] = len(words)
        words.append(text[start:end])
        spaces.append(False)
        position = end
    if position < len(text):
        tail = text[position:]
        if tail == " " and words:
            spaces[-1] = True
        else:
            words.append(tail)
            spaces.append(False)
    return words, spaces, by_start, by_end


def write_docbin(documents: Iterable[Document], out: IO[bytes], keep: ExportFilter | None = None) -> ExportSummary:
    """Write documents as a spaCy DocBin; return what was written and left out."""
    import spacy
    from spacy.tokens import DocBin

    keep = keep or ExportFilter()
    summary = ExportSummary()
    vocab = spacy.blank("en").vocab
    docbin = DocBin(store_user_data=True)
    for view in final_views(documents, keep, summary):
        docbin.add(_doc(view, vocab, keep, summary))
    out.write(docbin.to_bytes())
    return summary


def _doc(view: FinalDocument, vocab: Vocab, keep: ExportFilter, summary: ExportSummary) -> Doc:
    """The spaCy Doc of one document's final view: entities, triggers, sentence starts and the full structure."""
    from spacy.tokens import Doc, Span

    document = view.document
    text = document.text
    tokens = [token for sentence in document.sentences for token in sentence.tokens]
    words, spaces, by_start, by_end = _words(text, tokens)
    doc = Doc(vocab, words=words, spaces=spaces)
    if doc.text != text:  # pragma: no cover - _words rebuilds the text by construction
        raise AssertionError(f"{document.id}: the Doc's text differs from the document's")
    for sentence in document.sentences:
        if sentence.tokens:
            doc[by_start[sentence.tokens[0][0]]].is_sent_start = True

    def span_of(start: int, end: int, label: str) -> Span | None:
        first, last = by_start.get(start), by_end.get(end)
        if first is None or last is None:
            return None
        span = Span(doc, first, last + 1, label=label)
        if span.start_char != start or span.end_char != end:  # pragma: no cover - guarded by the maps
            raise AssertionError("span offsets drifted")
        return span

    all_entities, ents, outside = [], [], []
    taken: set[int] = set()
    for entity in view.entities:
        span = span_of(entity.start, entity.end, entity.label)
        if span is None:
            summary.count("entities left out because a boundary falls inside a token")
            continue
        all_entities.append(span)
        if entity.review.status in CONFIRMED_STATUSES:
            if taken.intersection(range(span.start, span.end)):
                summary.count("overlapping entities kept only in the annotator_entities span group")
                continue
            taken.update(range(span.start, span.end))
            ents.append(span)
    reviewed_sentences = _fully_reviewed_sentences(document)
    for sentence in document.sentences:
        if sentence.index not in reviewed_sentences or not sentence.tokens:
            continue
        for start, _end in sentence.tokens:
            index = by_start[start]
            if index not in taken:
                outside.append(doc[index : index + 1])
    doc.set_ents(ents, outside=outside, default="missing")
    doc.spans[ENTITY_GROUP] = all_entities
    triggers = []
    for event in view.events:
        span = span_of(event.start, event.end, event.type)
        if span is None:
            summary.count("event triggers left out of the sc span group (boundary inside a token)")
            continue
        triggers.append(span)
    doc.spans[TRIGGER_GROUP] = triggers
    extents = []
    for event in view.events:
        for argument in event.arguments:
            span = span_of(argument.start, argument.end, argument.role)
            if span is None:
                summary.count("argument extents left out of the annotator_arguments span group (boundary inside a token)")
                continue
            extents.append(span)
    doc.spans[ARGUMENT_GROUP] = extents
    structure = document_to_dict(document, keep, ExportSummary())
    if structure is not None:
        structure.pop("text", None)
        # As JSON text: msgpack would turn the lists into tuples on the way back.
        doc.user_data[USER_DATA_KEY] = orjson.dumps(structure).decode()
    return doc


def _fully_reviewed_sentences(document: Document) -> set[int]:
    """Sentences with at least one candidate, every one of them decided by a reviewer."""
    sentences = document.sentences
    candidates: dict[int, list[Status]] = {}
    for entity in document.entities:
        if entity.review.status is not Status.WITHDRAWN:
            candidates.setdefault(sentence_of(sentences, entity.final("start")), []).append(entity.review.status)
    for event in document.events:
        if event.review.status is not Status.WITHDRAWN:
            candidates.setdefault(sentence_of(sentences, event.final("trigger_start")), []).append(event.review.status)
    return {index for index, statuses in candidates.items() if Status.PENDING not in statuses}


# ---------------------------------------------------------------------------- reading


def docbin_records(path: Source, progress: Callable[[int], None] | None = None) -> Iterator[Record]:
    """The Docs of a DocBin as native records (record number = the Doc's position, from 1).

    A DocBin is one compressed whole, so it is read whole, from a regular file only.
    """
    if not isinstance(path, Path) or (path.exists() and not is_regular_file(path)):
        yield 0, InputError(str(path), 0, "", "a DocBin is read whole from a regular file; give its path")
        return
    import spacy
    from spacy.tokens import DocBin

    name = str(path)
    try:
        data = path.read_bytes()
        if progress is not None:
            progress(len(data))
        docs = list(DocBin(store_user_data=True).from_bytes(data).get_docs(spacy.blank("en").vocab))
    except Exception as error:  # noqa: BLE001 - DocBin raises many kinds on a bad file
        yield 0, InputError(name, 0, "", f"not a spaCy DocBin: {error}")
        return
    event_types = set(load_schema().events)
    for number, doc in enumerate(docs, start=1):
        try:
            yield number, _native_from_doc(doc, f"{path.stem}-{number}", event_types)
        except BadRecord as bad:
            yield number, InputError(name, number, bad.field, bad.reason)


def _native_from_doc(doc: Doc, fallback_id: str, event_types: set[str]) -> dict[str, Any]:
    """The native record of a Doc: its annotator structure when it has one, else its entities and triggers."""
    sentences = []
    has_starts = doc.has_annotation("SENT_START")
    if has_starts:
        for sent in doc.sents:
            tokens = [[t.idx, t.idx + len(t.text)] for t in sent if not t.is_space]
            if tokens:
                sentences.append({"start": tokens[0][0], "end": tokens[-1][1], "tokens": tokens})
    stored = doc.user_data.get(USER_DATA_KEY)
    structure = _stored_structure(stored)
    if structure is not None:
        restored = dict(structure)
        restored["text"] = doc.text
        if sentences:
            restored["sentences"] = sentences  # the same offsets, with the tokens the Doc was built from
        return restored
    entities: dict[tuple[int, int, str], None] = {}
    for span in [*doc.ents, *doc.spans.get(ENTITY_GROUP, [])]:
        entities.setdefault((span.start_char, span.end_char, span.label_), None)
    native_entities = [{"id": f"T{i + 1}", "start": s, "end": e, "label": label} for i, (s, e, label) in enumerate(entities)]
    native_events = [
        {"id": f"E{i + 1}", "type": span.label_, "trigger": {"start": span.start_char, "end": span.end_char}}
        for i, span in enumerate(span for span in doc.spans.get(TRIGGER_GROUP, []) if span.label_ in event_types)
    ]
    native: dict[str, Any] = {"id": fallback_id, "text": doc.text, "entities": native_entities, "events": native_events}
    if sentences:
        native["sentences"] = sentences
    return native


def _stored_structure(stored: Any) -> dict[str, Any] | None:
    """The native record annotator kept in a Doc's user_data, None when it kept none; `BadRecord` when it is not one."""
    if stored is None:
        return None
    where = f"user_data[{USER_DATA_KEY!r}]"
    if not isinstance(stored, str):
        raise BadRecord(where, f"must be native JSON as a string, got {type(stored).__name__}")
    try:
        structure = orjson.loads(stored)
    except orjson.JSONDecodeError as error:
        raise BadRecord(where, f"is not valid JSON: {error}") from None
    if not isinstance(structure, dict):
        raise BadRecord(where, f"must be a JSON object (a native record), got {type(structure).__name__}")
    return structure
