"""An exported DocBin trains a blank English NER pipeline with `python -m spacy train`."""

from __future__ import annotations

import subprocess
import sys

import spacy

from annotator import store
from annotator.domain import Action, TargetKind
from annotator.formats.docbin import write_docbin
from annotator.formats.native import read_native
from annotator.store import Repository
from tests.conftest import FIXTURES


def test_spacy_train_runs_on_an_exported_docbin_and_the_model_loads(tmp_path):
    store.connect(tmp_path / "train.db")
    repository = Repository()
    repository.import_documents([d.document for d in read_native([FIXTURES / "demo.jsonl"])])
    document = next(repository.iter_documents())
    repository.accept_many("ana", [(TargetKind.ENTITY, e.pk) for e in document.entities], Action.BULK_ACCEPT)
    corpus = tmp_path / "train.spacy"
    with open(corpus, "wb") as handle:
        write_docbin(repository.iter_documents(), handle)
    store.close()

    config = tmp_path / "config.cfg"
    subprocess.run(
        [sys.executable, "-m", "spacy", "init", "config", str(config), "--lang", "en", "--pipeline", "ner", "--force"],
        check=True, capture_output=True, timeout=300,
    )
    output = tmp_path / "model"
    completed = subprocess.run(
        [sys.executable, "-m", "spacy", "train", str(config), "--output", str(output),
         "--paths.train", str(corpus), "--paths.dev", str(corpus),
         "--training.max_steps", "6", "--training.eval_frequency", "3", "--nlp.batch_size", "8"],
        capture_output=True, text=True, timeout=600,
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    nlp = spacy.load(output / "model-last")
    assert "ner" in nlp.pipe_names
    assert {"PERSON", "GPE", "ORG"} <= set(nlp.get_pipe("ner").labels)
    nlp("Kerry met Lavrov in New York on Wednesday.")
