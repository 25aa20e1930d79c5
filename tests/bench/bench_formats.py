"""Export and import throughput per format on the 10,000-document corpus, with the import's peak memory.

Run: python -m tests.bench.bench_formats [--documents 10000]

Imports the synthetic corpus (about 100 candidates per document) once, then
exports it in every format and prints candidates per second for each, native
JSONL being the reference in the same run. Then each export is imported into a
fresh store by `annotator import` in a child process, and its candidates per
second and peak resident memory are printed: the readers that stream (native,
Prodigy, doccano, CoNLL a line at a time, brat a file at a time) stay flat as
the corpus grows; a DocBin is read whole.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from annotator import store
from annotator.formats.native import read_native
from annotator.formats.registry import FOLDER_WRITERS, WRITERS
from annotator.store import Repository
from tests.bench.bench_store import annotator_import
from tests.synthetic import write_corpus

TOKENS_NEEDED = {"conll", "prodigy", "spacy"}
ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10_000)
    args = parser.parse_args(argv)
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        corpus = folder / "corpus.jsonl"
        candidates = write_corpus(corpus, args.documents)
        store.connect(folder / "store.db")
        repository = Repository()
        repository.import_documents([d.document for d in read_native([corpus])])
        print(f"corpus: {args.documents} documents, {candidates} candidates")
        for name in [*WRITERS, *FOLDER_WRITERS]:
            documents = repository.iter_documents(with_tokens=name in TOKENS_NEEDED)
            start = time.perf_counter()
            if name in FOLDER_WRITERS:
                target = folder / f"export-{name}"
                target.mkdir()
                summary = FOLDER_WRITERS[name](documents, target)
            else:
                with open(folder / f"export.{name}", "wb") as handle:
                    summary = WRITERS[name](documents, handle)
            seconds = time.perf_counter() - start
            figures[name] = candidates / seconds
            print(f"{name:8} {figures[name]:>10,.0f} candidates/s ({seconds:.2f} s; "
                  f"{summary.entities} entities, {summary.events} events written)")
        store.close()
        print("import back, each in a child process:")
        for name in [*WRITERS, *FOLDER_WRITERS]:
            exported = folder / (f"export-{name}" if name in FOLDER_WRITERS else f"export.{name}")
            seconds, imported, peak = annotator_import(exported, folder / f"back-{name}.db", ROOT, "--format", name)
            print(f"{name:8} {imported / seconds:>10,.0f} candidates/s ({seconds:.2f} s; {imported} candidates), "
                  f"peak RSS {peak:,.0f} MB")
    return figures


if __name__ == "__main__":
    main()
