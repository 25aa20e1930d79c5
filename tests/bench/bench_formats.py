"""Export throughput per format on the 10,000-document corpus.

Run: python -m tests.bench.bench_formats [--documents 10000]

Imports the synthetic corpus (about 100 candidates per document) once, then
exports it in every format and prints candidates per second for each, native
JSONL being the reference in the same run.
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
from tests.synthetic import write_corpus

TOKENS_NEEDED = {"conll", "prodigy", "spacy"}


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
    return figures


if __name__ == "__main__":
    main()
