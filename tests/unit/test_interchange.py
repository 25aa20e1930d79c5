"""Round trips through the interchange formats: import, review decisions, export, import again."""

from __future__ import annotations

import copy
import io
from pathlib import Path

import orjson
import pytest

from annotator import store
from annotator.domain import Status, TargetKind
from annotator.evaluate import items
from annotator.formats.conll import write_conll
from annotator.formats.doccano import write_doccano
from annotator.formats.exporting import ExportFilter, ExportSummary, final_view
from annotator.formats.native import read_native, write_native
from annotator.formats.reading import InvalidInput, read_documents
from annotator.formats.registry import READERS, detect_format
from annotator.store import Repository
from tests.conftest import FIXTURES, write_jsonl

FIXTURE_FILES = [FIXTURES / "demo.jsonl", FIXTURES / "hard_characters.jsonl"]


def reviewed_store(path, fixture):
    """A store holding the fixture, with a reject, a label fix, a role fix and an added entity."""
    store.connect(path)
    repository = Repository()
    repository.import_documents([d.document for d in read_native([fixture])])
    document = next(repository.iter_documents())
    with_arguments = next(e for e in document.events if any(a.entity_id for a in e.arguments))
    linked = next(a for a in with_arguments.arguments if a.entity_id)
    rejected = next(e for e in document.entities if e.id == linked.entity_id)
    repository.reject("ana", TargetKind.ENTITY, rejected.pk)
    relabelled = next(e for e in document.entities if e.pk != rejected.pk)
    repository.fix("ana", TargetKind.ENTITY, relabelled.pk, label="LOC" if relabelled.label != "LOC" else "GPE")
    other_argument = next((a for e in document.events for a in e.arguments if a.pk != linked.pk), None)
    if other_argument is not None:
        repository.fix("ana", TargetKind.ARGUMENT, other_argument.pk, role="Place")
    sentence = document.sentences[-1]
    repository.add_entity("ana", document.pk, sentence.tokens[0][0], sentence.tokens[0][1], "NORP")
    return repository


def final_items(documents):
    found = {"entities": set(), "triggers": set(), "arguments": set(), "attributes": set()}
    for document in documents:
        for kind, values in items(document).items():
            found[kind] |= {value[1:] for value in values}
    return found


def reimport(tmp_path, exported: bytes, format_name: str, suffix: str):
    path = tmp_path / f"exported{suffix}"
    path.write_bytes(exported)
    assert detect_format(path) == format_name
    documents = read_documents([path], READERS[format_name])
    store.close()
    store.connect(tmp_path / "second.db")
    repository = Repository()
    repository.import_documents([d.document for d in documents])
    return list(repository.iter_documents())


@pytest.mark.parametrize("fixture", FIXTURE_FILES, ids=lambda p: p.stem)
def test_doccano_round_trip_keeps_the_final_annotations(tmp_path, fixture):
    repository = reviewed_store(tmp_path / "first.db", fixture)
    expected = final_items(repository.iter_documents())
    buffer = io.BytesIO()
    summary = write_doccano(repository.iter_documents(), buffer)
    assert any("rejected entities left out" in line for line in summary.lines())
    assert any("arguments dropped" in line for line in summary.lines())
    documents = reimport(tmp_path, buffer.getvalue(), "doccano", ".jsonl")
    assert final_items(documents) == expected
    assert documents[0].id == fixture_id(fixture)
    store.close()


@pytest.mark.parametrize("fixture", FIXTURE_FILES, ids=lambda p: p.stem)
def test_conll_round_trip_keeps_entity_tokens_and_labels(tmp_path, fixture):
    repository = reviewed_store(tmp_path / "first.db", fixture)
    [before] = list(repository.iter_documents())
    tokens = [token for sentence in before.sentences for token in sentence.tokens]
    expected = [
        (" ".join("".join(before.text[s:t].split()) for s, t in tokens if e.final("start") <= s and t <= e.final("end")),
         e.final("label"))
        for e in before.entities if e.review.status not in (Status.REJECTED, Status.WITHDRAWN)
    ]
    buffer = io.BytesIO()
    summary = write_conll(repository.iter_documents(), buffer)
    assert any("events left out" in line for line in summary.lines())
    [after] = reimport(tmp_path, buffer.getvalue(), "conll", ".conll")
    found = [(after.text[e.start : e.end], e.label) for e in after.entities]
    left_out = sum(n for what, n in summary.left_out.items() if what.startswith(("entities left out", "overlapping")))
    assert len(found) == len(expected) - left_out
    assert set(found) <= set(expected)
    store.close()


def fixture_id(path):
    return next(iter(read_native([path]))).document.id


def test_both_docstart_forms_and_iob1_are_read(tmp_path):
    path = tmp_path / "mixed.conll"
    path.write_text(
        "-DOCSTART- -X- -X- O\n\nEU NNP B-NP I-ORG\nrejects VBZ B-VP O\nGerman JJ B-NP I-MISC\n\n"
        "-DOCSTART- -X- O O\n\nPeter B-PER\nBlackburn I-PER\n\n", encoding="utf-8",
    )
    documents = [d.document for d in read_documents([path], READERS["conll"])]
    assert [d.id for d in documents] == ["mixed-1", "mixed-2"]
    assert [(documents[0].text[e.start : e.end], e.label) for e in documents[0].entities] == [("EU", "ORG"), ("German", "MISC")]
    assert [(documents[1].text[e.start : e.end], e.label) for e in documents[1].entities] == [("Peter Blackburn", "PER")]


def test_a_bad_record_in_any_format_is_named_by_file_and_line(tmp_path):
    conll = tmp_path / "bad.conll"
    conll.write_text("-DOCSTART- -X- O O\n\nPeter X-PER\n", encoding="utf-8")
    doccano = tmp_path / "bad.jsonl"
    doccano.write_text('{"text": "ab", "entities": [{"id": 1, "start_offset": 0, "end_offset": 1, "label": "X"}], '
                       '"relations": [{"id": 1, "from_id": 1, "to_id": 7, "type": "R"}]}\n', encoding="utf-8")
    with pytest.raises(InvalidInput) as raised:
        read_documents([conll], READERS["conll"])
    assert str(raised.value.errors[0]).startswith(f"{conll}:3: tag: 'X-PER' is not an IOB tag")
    with pytest.raises(InvalidInput) as raised:
        read_documents([doccano], READERS["doccano"])
    assert str(raised.value.errors[0]).startswith(f"{doccano}:1: relations[0].to_id: 7 is not the id")


def test_doccano_sequence_labelling_shape_is_read(tmp_path):
    path = tmp_path / "seq.jsonl"
    path.write_text('{"text": "Kerry met Lavrov.", "label": [[0, 5, "PERSON"], [10, 16, "PERSON"]]}\n', encoding="utf-8")
    assert detect_format(path) == "doccano"
    [document] = [d.document for d in read_documents([path], READERS["doccano"])]
    assert [(e.start, e.end, e.label) for e in document.entities] == [(0, 5, "PERSON"), (10, 16, "PERSON")]


@pytest.mark.parametrize("fixture", FIXTURE_FILES, ids=lambda p: p.stem)
def test_prodigy_round_trip_keeps_the_final_annotations_and_the_text(tmp_path, fixture):
    from annotator.formats.prodigy import write_prodigy

    repository = reviewed_store(tmp_path / "first.db", fixture)
    [before] = list(repository.iter_documents())
    expected = final_items([before])
    buffer = io.BytesIO()
    summary = write_prodigy(repository.iter_documents(), buffer)
    tasks = [orjson.loads(line) for line in buffer.getvalue().splitlines()]
    assert len(tasks) == len(before.sentences)
    for task in tasks:
        for span in task["spans"]:
            assert task["text"][span["start"] : span["end"]] == span["text"]
            assert task["tokens"][span["token_end"]]["end"] == span["end"]
        for relation in task["relations"]:
            assert relation["head"] == relation["head_span"]["token_end"]
    assert {t["answer"] for t in tasks} <= {"accept", "ignore"}
    assert all(isinstance(t["_input_hash"], int) and -2**31 <= t["_task_hash"] < 2**31 for t in tasks)
    [after] = reimport(tmp_path, buffer.getvalue(), "prodigy", ".jsonl")
    assert after.text == before.text and after.id == before.id and after.title == before.title
    assert final_items([after]) == expected
    assert summary.left_out.get("rejected entities left out") == 1
    store.close()


def test_real_world_prodigy_variants_are_read(tmp_path):
    path = tmp_path / "ner.jsonl"
    lines = [
        {"text": "Apple opened in Paris.", "spans": [{"start": 0, "end": 5, "label": "ORG"},
                                                   {"start": 16, "end": 21, "label": "GPE"}],
         "_input_hash": 1, "_task_hash": 2, "answer": "accept", "extra": {"x": 1}},
        {"text": "No spans here.", "_input_hash": 3, "_task_hash": 4, "answer": "reject"},
        {"text": "Tokens without ws.", "tokens": [{"text": "Tokens", "start": 0, "end": 6, "id": 0}],
         "spans": [{"start": 0, "end": 6, "token_start": 0, "token_end": 0, "label": "X"}], "_input_hash": 5},
    ]
    path.write_bytes(b"".join(orjson.dumps(line) + b"\n" for line in lines))
    assert detect_format(path) == "prodigy"
    documents = [d.document for d in read_documents([path], READERS["prodigy"])]
    assert [d.id for d in documents] == ["1", "3", "5"]
    assert [(e.start, e.end, e.label) for e in documents[0].entities] == [(0, 5, "ORG"), (16, 21, "GPE")]
    assert documents[1].entities == ()


def test_a_prodigy_span_that_disagrees_with_its_tokens_is_refused(tmp_path):
    path = tmp_path / "bad.jsonl"
    task = {"text": "Kerry met Lavrov.", "tokens": [{"text": "Kerry", "start": 0, "end": 5, "id": 0},
                                                   {"text": "met", "start": 6, "end": 9, "id": 1}],
            "spans": [{"start": 0, "end": 5, "token_start": 0, "token_end": 1, "label": "PERSON"}], "_input_hash": 9}
    path.write_bytes(b"\n" + orjson.dumps(task) + b"\n")
    with pytest.raises(InvalidInput) as raised:
        read_documents([path], READERS["prodigy"])
    assert str(raised.value.errors[0]).startswith(f"{path}:2: spans[0]: token_start/token_end")


@pytest.mark.parametrize("fixture", FIXTURE_FILES, ids=lambda p: p.stem)
def test_brat_round_trip_keeps_the_final_annotations_and_the_text(tmp_path, fixture):
    from annotator.formats.brat import write_brat

    repository = reviewed_store(tmp_path / "first.db", fixture)
    [before] = list(repository.iter_documents())
    expected = final_items([before])
    folder = tmp_path / "brat"
    folder.mkdir()
    summary = write_brat(repository.iter_documents(), folder)
    assert (folder / "annotation.conf").read_text().startswith("[entities]")
    ann = next(folder.glob("*.ann")).read_text()
    assert "\tStatus T" in ann and "fixed" in ann
    assert summary.left_out.get("rejected entities left out") == 1
    assert detect_format(folder) == "brat"
    documents = read_documents([folder], READERS["brat"])
    store.close()
    store.connect(tmp_path / "second.db")
    second = Repository()
    second.import_documents([d.document for d in documents])
    [after] = list(second.iter_documents())
    assert after.text == before.text
    assert final_items([after]) == expected
    negated = [e for e in before.events if e.attributes.get("polarity") == "negative" and e.review.status is not Status.REJECTED]
    assert len([e for e in after.events if e.attributes.get("polarity") == "negative"]) == len(negated)
    statuses = sorted(e.review.status.value for e in after.entities if e.review.status is not Status.PENDING)
    assert statuses == ["added", "fixed"]
    store.close()


def test_brat_discontinuous_spans_and_nested_events_are_refused_with_file_and_line(tmp_path):
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "a.txt").write_text("Rebels attacked Homs.", encoding="utf-8")
    (folder / "a.ann").write_text("T1\tORG 0 6\tRebels\nT2\tGPE 0 3;16 20\tReb Homs\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as raised:
        read_documents([folder], READERS["brat"])
    assert str(raised.value.errors[0]).startswith(f"{folder / 'a.ann'}:2: T2: discontinuous spans are not supported")
    (folder / "a.ann").write_text("T1\tAttack 7 15\tattacked\nE1\tAttack:T1\nT2\tDie 0 6\tRebels\nE2\tDie:T2 Cause:E1\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as raised:
        read_documents([folder], READERS["brat"])
    assert str(raised.value.errors[0]).startswith(f"{folder / 'a.ann'}:4: E2: argument Cause:E1 is another event")


@pytest.mark.parametrize("fixture", FIXTURE_FILES, ids=lambda p: p.stem)
def test_docbin_round_trip_and_training_view(tmp_path, fixture):
    import spacy
    from spacy.tokens import DocBin

    from annotator.formats.docbin import write_docbin

    repository = reviewed_store(tmp_path / "first.db", fixture)
    [before] = list(repository.iter_documents())
    expected = final_items([before])
    path = tmp_path / "train.spacy"
    with open(path, "wb") as handle:
        write_docbin(repository.iter_documents(), handle)
    [doc] = list(DocBin().from_disk(path).get_docs(spacy.blank("en").vocab))
    assert doc.text == before.text
    reviewed = {(e.final("start"), e.final("end"), e.final("label")) for e in before.entities
                if e.review.status in (Status.ACCEPTED, Status.FIXED, Status.ADDED)}
    assert {(e.start_char, e.end_char, e.label_) for e in doc.ents} == reviewed
    pending = next(e for e in before.entities if e.review.status is Status.PENDING)
    assert doc.char_span(pending.start, pending.end)[0].ent_iob_ == ""  # missing, not "O"
    assert {span.label_ for span in doc.spans["sc"]} <= {e.final("type") for e in before.events}
    assert detect_format(path) == "spacy"
    documents = read_documents([path], READERS["spacy"])
    store.close()
    store.connect(tmp_path / "second.db")
    second = Repository()
    second.import_documents([d.document for d in documents])
    [after] = list(second.iter_documents())
    assert after.text == before.text and after.id == before.id
    assert final_items([after]) == expected
    store.close()


@pytest.mark.parametrize("format_name", ["prodigy", "doccano", "conll", "spacy"])
def test_status_and_reviewer_filters_apply_to_every_format(tmp_path, format_name):
    from annotator.formats.registry import WRITERS

    repository = reviewed_store(tmp_path / "first.db", FIXTURES / "demo.jsonl")
    document = next(repository.iter_documents())
    accepted = [e for e in document.entities if e.review.status is Status.PENDING][:3]
    for entity in accepted:
        repository.accept("bo", TargetKind.ENTITY, entity.pk)
    buffer = io.BytesIO()
    summary = WRITERS[format_name](repository.iter_documents(), buffer, ExportFilter(statuses={Status.ACCEPTED}, reviewer="bo"))
    assert (summary.documents, summary.entities, summary.events) == (1, 3, 0)


def test_bioes_tags_are_read(tmp_path):
    path = tmp_path / "bioes.conll"
    path.write_text("New B-GPE\nYork E-GPE\nand O\nParis S-GPE\nParis S-GPE\n\n", encoding="utf-8")
    [document] = [d.document for d in read_documents([path], READERS["conll"])]
    assert [document.text[e.start : e.end] for e in document.entities] == ["New York", "Paris", "Paris"]


EXTENT_TEXT = "Russian jets bombed Hama, and its rebels did not kill two soldiers."


def at(phrase: str) -> dict:
    start = EXTENT_TEXT.index(phrase)
    return {"start": start, "end": start + len(phrase)}


REVIEWED = {"reviewer": "ana", "decided_at": "2024-05-01T10:00:00.000Z"}
EXTENTS_RECORD = {
    "id": "extents", "text": EXTENT_TEXT,
    "entities": [{"id": "T1", **at("Russian"), "label": "NORP", "status": "accepted", **REVIEWED},
                 {"id": "T2", **at("Hama"), "label": "GPE"}],
    "events": [
        {"id": "E1", "type": "Conflict.Attack", "trigger": at("bombed"), "attributes": {"polarity": "positive"},
         "status": "accepted", "dismissed": ["required role Target is missing"], **REVIEWED,
         "arguments": [{"role": "Attacker", "entity": "T1", **at("Russian jets"), "status": "fixed",
                        "original": {"start": at("Russian")["start"], "end": at("Russian")["end"]}, **REVIEWED},
                       {"role": "Place", "entity": "T2"}]},
        {"id": "E2", "type": "Life.Die", "trigger": at("kill"), "attributes": {"polarity": "negative"},
         "status": "fixed", "original": {"attributes": {"polarity": "positive"}}, **REVIEWED,
         "arguments": [{"role": "Victim", **at("two soldiers"), "status": "added", **REVIEWED}]},
    ],
}


def extents_document(tmp_path):
    """A reviewed document with a bare-extent argument, a linked argument wider than its entity, a negated event."""
    return read_native([write_jsonl(tmp_path / "extents.jsonl", EXTENTS_RECORD)])[0].document


def arguments_of(document):
    """(trigger, role, extent, linked entity's text or None) of every live argument, by text: ids differ per format."""
    view = final_view(document, ExportFilter(), ExportSummary())
    text = document.text
    return {
        (text[e.start : e.end], a.role, text[a.start : a.end], text[a.entity.start : a.entity.end] if a.entity else None)
        for e in view.events for a in e.arguments
    }


def attributes_of(document):
    view = final_view(document, ExportFilter(), ExportSummary())
    return {(document.text[e.start : e.end], name, value) for e in view.events for name, value in e.attributes.items()}


EXPECTED_ARGUMENTS = {
    ("bombed", "Attacker", "Russian jets", "Russian"),
    ("bombed", "Place", "Hama", "Hama"),
    ("kill", "Victim", "two soldiers", None),
}
EXPECTED_ATTRIBUTES = {("bombed", "polarity", "positive"), ("kill", "polarity", "negative")}


def test_brat_writes_argument_extents_links_and_attributes_and_reads_them_back(tmp_path):
    from annotator.formats.brat import write_brat

    document = extents_document(tmp_path)
    folder = tmp_path / "brat"
    folder.mkdir()
    write_brat([document], folder)
    ann = (folder / "extents.ann").read_text(encoding="utf-8").splitlines()
    conf = (folder / "annotation.conf").read_text(encoding="utf-8")
    t_lines = {line.split("\t")[2]: line.split("\t")[0] for line in ann if line.startswith("T")}
    assert f"Attacker:{t_lines['Russian jets']}" in next(line for line in ann if line.startswith("E1"))
    assert f"Place:{t_lines['Hama']}" in next(line for line in ann if line.startswith("E1"))
    assert any(line.endswith(f"Refers Arg1:{t_lines['Russian jets']} Arg2:{t_lines['Russian']}") for line in ann)
    soldiers = at("two soldiers")
    assert any(line.endswith(f"\tARGUMENT {soldiers['start']} {soldiers['end']}\ttwo soldiers") for line in ann)
    assert any(line.endswith("\tpolarity E2 negative") for line in ann)
    assert any(line.endswith("\tAnnotatorNotes E1\tdismissed warnings: required role Target is missing") for line in ann)
    assert "Refers\tArg1:<ENTITY>, Arg2:<ENTITY>" in conf
    assert "polarity\tArg:<EVENT>, Value:positive|negative" in conf
    [after] = [d.document for d in read_documents([folder], READERS["brat"])]
    assert arguments_of(after) == EXPECTED_ARGUMENTS
    assert attributes_of(after) == EXPECTED_ATTRIBUTES
    assert [e.label for e in after.entities] == ["NORP", "GPE"]


def test_prodigy_writes_argument_extents_links_and_attributes_and_reads_them_back(tmp_path):
    from annotator.formats.prodigy import write_prodigy

    buffer = io.BytesIO()
    write_prodigy([extents_document(tmp_path)], buffer)
    [task] = [orjson.loads(line) for line in buffer.getvalue().splitlines()]
    by_text = {(s["text"], s["label"]): s for s in task["spans"]}
    assert by_text[("bombed", "Conflict.Attack")]["meta"] == {
        "attributes": {"polarity": "positive"}, "dismissed": ["required role Target is missing"],
    }
    assert ("Russian jets", "ARGUMENT") in by_text and ("two soldiers", "ARGUMENT") in by_text
    attacker = next(r for r in task["relations"] if r["label"] == "Attacker")
    assert attacker["meta"]["entity"] == {"label": "NORP", "document_start": 0, "document_end": 7, "text": "Russian"}
    [after] = reimport(tmp_path, buffer.getvalue(), "prodigy", ".jsonl")
    assert arguments_of(after) == EXPECTED_ARGUMENTS
    assert attributes_of(after) == EXPECTED_ATTRIBUTES
    assert next(e for e in after.events if e.type == "Conflict.Attack").review.dismissed == ("required role Target is missing",)
    store.close()


def test_doccano_writes_argument_extents_links_and_attributes_and_reads_them_back(tmp_path):
    buffer = io.BytesIO()
    write_doccano([extents_document(tmp_path)], buffer)
    record = orjson.loads(buffer.getvalue())
    label_of = {e["id"]: (EXTENT_TEXT[e["start_offset"] : e["end_offset"]], e["label"]) for e in record["entities"]}
    links = {(label_of[r["from_id"]], r["type"], label_of[r["to_id"]]) for r in record["relations"]}
    assert (("Russian jets", "ARGUMENT"), "Refers", ("Russian", "NORP")) in links
    assert (("bombed", "Conflict.Attack"), "Attacker", ("Russian jets", "ARGUMENT")) in links
    assert {**at("kill"), "type": "Life.Die", "attributes": {"polarity": "negative"}} in record["annotator_attributes"]
    assert record["annotator_dismissed"] == [
        {"kind": "event", **at("bombed"), "label": "Conflict.Attack", "dismissed": ["required role Target is missing"]},
    ]
    [after] = reimport(tmp_path, buffer.getvalue(), "doccano", ".jsonl")
    assert arguments_of(after) == EXPECTED_ARGUMENTS
    assert attributes_of(after) == EXPECTED_ATTRIBUTES
    store.close()


def test_docbin_carries_argument_extents_links_and_attributes_in_user_data(tmp_path):
    import spacy
    from spacy.tokens import DocBin

    from annotator.formats.docbin import write_docbin

    before = extents_document(tmp_path)
    path = tmp_path / "extents.spacy"
    with open(path, "wb") as handle:
        write_docbin([before], handle)
    [doc] = list(DocBin().from_disk(path).get_docs(spacy.blank("en").vocab))
    assert {(s.text, s.label_) for s in doc.spans["annotator_arguments"]} == {
        ("Russian jets", "Attacker"), ("Hama", "Place"), ("two soldiers", "Victim"),
    }
    [after] = [d.document for d in read_documents([path], READERS["spacy"])]
    assert arguments_of(after) == EXPECTED_ARGUMENTS
    assert attributes_of(after) == EXPECTED_ATTRIBUTES
    assert after.events == before.events


def test_conll_says_it_leaves_events_with_their_arguments_and_attributes_out(tmp_path):
    buffer = io.BytesIO()
    summary = write_conll([extents_document(tmp_path)], buffer)
    assert summary.left_out == {"events left out, with their arguments and attributes (CoNLL carries entities only)": 2}
    path = tmp_path / "extents.conll"
    path.write_bytes(buffer.getvalue())
    [after] = [d.document for d in read_documents([path], READERS["conll"])]
    assert [(after.text[e.start : e.end], e.label) for e in after.entities] == [("Russian", "NORP"), ("Hama", "GPE")]
    assert after.events == ()


def native_through_the_store(tmp_path, record):
    """The native export of a record read from a file, and of the same record after a trip through the store."""
    document = read_native([write_jsonl(tmp_path / "reviewed.jsonl", record)])[0].document
    first = io.BytesIO()
    write_native([document], first)
    store.connect(tmp_path / "store.db")
    repository = Repository()
    repository.import_documents([document])
    second = io.BytesIO()
    write_native(repository.iter_documents(), second)
    store.close()
    return orjson.loads(first.getvalue()), orjson.loads(second.getvalue())


def test_a_reviewed_native_export_survives_the_store(tmp_path):
    """Extents, links, original attributes, dismissed warnings and a confirmed sentence: the store gives them back."""
    record = copy.deepcopy(EXTENTS_RECORD)
    record["sentences"] = [{"start": 0, "end": len(EXTENT_TEXT), "status": "accepted", **REVIEWED}]
    written, stored = native_through_the_store(tmp_path, record)
    assert stored == written
    assert written["events"][1]["original"] == {"attributes": {"polarity": "positive"}}
    assert written["events"][0]["dismissed"] == ["required role Target is missing"]


def test_a_moved_argument_keeps_its_original_event_through_the_store(tmp_path):
    record = copy.deepcopy(EXTENTS_RECORD)
    record["events"][0]["arguments"][1].update(status="fixed", original={"event_id": "E2"}, **REVIEWED)
    written, stored = native_through_the_store(tmp_path, record)
    assert written["events"][0]["arguments"][1]["original"] == {"event_id": "E2"}
    assert stored == written


LINE_BREAKS = "\u2028\x85\x0c\x1c\x1d\x1e\u2029\x0b"


def hostile_document(tmp_path):
    """A document with a 300-character id, spans across every splitlines separator and a label with a space."""
    text = "".join(f"Alpha{sep}Beta went home. " for sep in LINE_BREAKS).strip()
    entities = []
    position = 0
    for index, _sep in enumerate(LINE_BREAKS):
        start = text.index("Alpha", position)
        entities.append({"id": f"T{index + 1}", "start": start, "end": start + 10, "label": "NAMED PERSON"})
        position = start + 10
    record = {"id": "x" * 150 + "/" + "y" * 149, "text": text, "sentences": [[0, len(text)]], "entities": entities}
    return read_native([write_jsonl(tmp_path / "hostile.jsonl", record)])[0].document


def test_brat_reads_back_spans_across_every_line_separator_and_a_300_character_id(tmp_path):
    from annotator.formats.brat import write_brat

    document = hostile_document(tmp_path)
    folder = tmp_path / "brat"
    folder.mkdir()
    summary = write_brat([document], folder)
    assert f"{len(LINE_BREAKS)} entity labels written with _ for characters a brat type cannot hold" in summary.lines()
    assert all(len(path.name) <= 120 for path in folder.iterdir())
    [back] = read_documents([folder], READERS["brat"])
    assert back.document.id == document.id
    assert back.document.text == document.text
    assert [(e.start, e.end, e.label) for e in back.document.entities] == [
        (e.start, e.end, "NAMED_PERSON") for e in document.entities
    ]


def test_conll_writes_a_label_with_a_space_so_that_it_reads_back_and_says_so(tmp_path):
    document = hostile_document(tmp_path)
    out = io.BytesIO()
    summary = write_conll([document], out)
    assert any("_ in its place" in line for line in summary.lines())
    [back] = reimport(tmp_path, out.getvalue(), "conll", ".conll")
    assert {e.label for e in back.entities} == {"NAMED_PERSON"}
    assert len(back.entities) == len(LINE_BREAKS)


def test_an_export_made_by_tempfile_gets_the_mode_of_the_user_umask(tmp_path):
    import os
    import tempfile

    from annotator.formats.exporting import current_umask, give_user_mode

    umask = os.umask(0o027)
    try:
        assert current_umask() == 0o027
        with tempfile.NamedTemporaryFile(dir=tmp_path, delete=False) as handle:
            made = Path(handle.name)
        folder = Path(tempfile.mkdtemp(dir=tmp_path))
        (folder / "d1.ann").write_text("")
        (folder / "d1.ann").chmod(0o600)
        give_user_mode(made)
        give_user_mode(folder)
    finally:
        os.umask(umask)
    assert made.stat().st_mode & 0o777 == 0o640
    assert folder.stat().st_mode & 0o777 == 0o750
    assert (folder / "d1.ann").stat().st_mode & 0o777 == 0o640
