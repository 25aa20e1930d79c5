"""Extraction speed: `annotator extract` beside bare `nlp.pipe` of the same model, in the same run.

Run: python -m tests.bench.bench_extract [--documents 300] [--model NAME]

The corpus is the seed article's paragraphs, repeated as distinct documents.
Printed: words per second of bare nlp.pipe over the same lines, of annotator's
extraction (line segmentation, sentence rule, event rules, document assembly and
native JSONL output) with --jobs 1, and with --jobs 2.
Targets: extract >= 0.85 of bare; --jobs 2 >= 1.6 x --jobs 1 on a 2-core machine.
"""

from __future__ import annotations

import argparse
import io
import time
from pathlib import Path

from annotator.domain import Document
from annotator.formats.native import write_native
from annotator.nlp.extract import Extractor, lines_of, load_pipeline

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_64f573a14888b357.txt"


def corpus(documents: int) -> list[Document]:
    text = SEED.read_text(encoding="utf-8")
    return [Document(f"seed-copy-{i:05d}", text) for i in range(documents)]


def words_in(documents: list[Document]) -> int:
    return sum(len(line.split()) for d in documents for _offset, line in lines_of(d.text))


def bare(documents: list[Document], batch_size: int, model: str | None = None) -> float:
    nlp = load_pipeline(model)
    lines = [line for d in documents for _offset, line in lines_of(d.text)]
    start = time.perf_counter()
    for _doc in nlp.pipe(lines, batch_size=batch_size):
        pass
    return time.perf_counter() - start


def annotator_extract(documents: list[Document], batch_size: int, jobs: int, model: str | None = None) -> float:
    extractor = Extractor(load_pipeline(model), model_name=model)
    start = time.perf_counter()
    write_native(extractor.extract(documents, batch_size=batch_size, jobs=jobs), io.BytesIO(), with_tokens=True)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=300)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--no-jobs", action="store_true", help="skip the --jobs 2 measurement")
    parser.add_argument("--model", default=None, help="installed spaCy pipeline or its folder (default: annotator's)")
    args = parser.parse_args(argv)
    documents = corpus(args.documents)
    words = words_in(documents)
    print(f"corpus: {len(documents)} documents, {words} words")
    # Warm-up: load the model once so disk caches do not favour whichever runs second.
    bare(documents[:2], args.batch_size, args.model)
    bare_s = one_s = two_s = float("inf")
    for _ in range(args.repeats):
        bare_s = min(bare_s, bare(documents, args.batch_size, args.model))
        one_s = min(one_s, annotator_extract(documents, args.batch_size, jobs=1, model=args.model))
        if not args.no_jobs:
            two_s = min(two_s, annotator_extract(documents, args.batch_size, jobs=2, model=args.model))
    figures = {"bare_words_per_s": words / bare_s, "extract_words_per_s": words / one_s}
    figures["extract_ratio"] = figures["extract_words_per_s"] / figures["bare_words_per_s"]
    print(f"bare nlp.pipe          {figures['bare_words_per_s']:>9,.0f} words/s")
    print(f"annotator extract -j1  {figures['extract_words_per_s']:>9,.0f} words/s  ratio {figures['extract_ratio']:.2f} (target >= 0.85)")
    if not args.no_jobs:
        figures["extract_2_jobs_words_per_s"] = words / two_s
        figures["jobs_speedup"] = one_s / two_s
        print(f"annotator extract -j2  {figures['extract_2_jobs_words_per_s']:>9,.0f} words/s  speed-up {figures['jobs_speedup']:.2f}x (target >= 1.6)")
    return figures


if __name__ == "__main__":
    main()
