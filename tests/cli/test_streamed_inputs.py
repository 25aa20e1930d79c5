"""Imports from what is not a regular file, with real processes: standard input, a FIFO, devices, a socket.

What must hold: `-` and a FIFO are read once as they come, their format told from
their first line; a device, a socket or a terminal is refused before anything is
read; endless input without line breaks (/dev/zero) is refused at its first line
within a bounded amount of memory; every refusal exits non-zero, names the input,
prints no traceback and leaves the store as it was.
"""

from __future__ import annotations

import os
import pty
import resource
import socket
import stat
import subprocess
import threading
from pathlib import Path

import orjson
import pytest

from tests.cli.hostile import ANNOTATOR, ROOT, Ran, annotator, assert_refused, build_store, dump

DEMO = ROOT / "fixtures" / "demo.jsonl"
PRODIGY = ROOT / "fixtures" / "prodigy"


def piped(db: Path, *args: str, stdin, timeout: float = 120, preexec_fn=None) -> Ran:
    """Run `annotator --db DB import ARGS` with the given standard input."""
    completed = subprocess.run([str(ANNOTATOR), "--db", str(db), "import", *args], stdin=stdin, capture_output=True,
                               text=True, timeout=timeout, preexec_fn=preexec_fn)
    return Ran(completed.returncode, completed.stdout, completed.stderr)


@pytest.fixture
def demo_store(tmp_path) -> Path:
    db = tmp_path / "store.db"
    build_store(db)
    return db


def test_standard_input_is_read_with_its_format_told_from_its_first_line(tmp_path):
    db = tmp_path / "store.db"
    with open(DEMO, "rb") as handle:
        ran = piped(db, "-", stdin=handle)
    assert ran.returncode == 0, ran.output
    assert ran.stdout.startswith("imported 1 document(s) with 321 candidates"), ran.output
    conll = b"-DOCSTART- -X- O O\n\nRebels B-ORG\nattacked O\nHoms B-GPE\n"
    ran = subprocess.run([str(ANNOTATOR), "--db", str(db), "import", "-"], input=conll, capture_output=True, timeout=60)
    assert ran.returncode == 0 and b"imported 1 document(s) with 2 candidates" in ran.stdout, ran.stderr


def test_a_bad_line_on_standard_input_is_named_and_nothing_is_imported(demo_store):
    before = dump(demo_store)
    good = DEMO.read_bytes().strip()
    second = orjson.loads(good)
    second["id"] = "second"
    second["entities"][3]["label"] = ""
    lines = good + b"\n" + orjson.dumps(second) + b"\n"
    ran = subprocess.run([str(ANNOTATOR), "--db", str(demo_store), "import", "--format", "native", "-"], input=lines,
                         capture_output=True, timeout=120)
    output = (ran.stdout + ran.stderr).decode()
    assert_refused(Ran(ran.returncode, output, ""), "<stdin>:2: entities[3].label: ")
    assert dump(demo_store) == before


def test_a_fifo_is_read_once_as_it_comes(tmp_path):
    db = tmp_path / "store.db"
    fifo = tmp_path / "tasks.fifo"
    os.mkfifo(fifo)
    writer = threading.Thread(target=fifo.write_bytes, args=(DEMO.read_bytes(),))
    writer.start()
    ran = annotator("--db", str(db), "import", str(fifo), timeout=120)
    writer.join(timeout=10)
    assert ran.returncode == 0, ran.output
    assert ran.stdout.startswith("imported 1 document(s) with 321 candidates"), ran.output


def test_prodigy_from_a_fifo_needs_a_documents_tasks_together_and_says_so(tmp_path):
    db = tmp_path / "store.db"
    task = {"text": "Rebels attacked.", "spans": [{"start": 0, "end": 6, "label": "ORG"}]}
    lines = [dict(task, meta={"document": name}) for name in ("a", "b", "a")]
    data = b"".join(orjson.dumps(line) + b"\n" for line in lines)
    fifo = tmp_path / "tasks.fifo"
    os.mkfifo(fifo)
    writer = threading.Thread(target=fifo.write_bytes, args=(data,))
    writer.start()
    ran = annotator("--db", str(db), "import", "--format", "prodigy", str(fifo), timeout=120)
    writer.join(timeout=10)
    assert_refused(ran, f"{fifo}:3: meta.document: ", "come together")
    as_file = tmp_path / "tasks.jsonl"
    as_file.write_bytes(data)
    ran = annotator("--db", str(db), "import", str(as_file), timeout=120)
    assert ran.returncode == 0 and ran.stdout.startswith("imported 2 document(s)"), ran.output


def test_endless_standard_input_without_line_breaks_is_refused_in_bounded_memory(demo_store):
    before = dump(demo_store)

    def two_gigabytes_at_most() -> None:
        limit = 2 * 1024**3
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    for args in (["-"], ["--format", "conll", "-"], ["--format", "prodigy", "-"]):
        with open("/dev/zero", "rb") as zeros:
            ran = piped(demo_store, *args, stdin=zeros, timeout=120, preexec_fn=two_gigabytes_at_most)
        assert_refused(ran, "<stdin>:1: a line longer than 128 MB")
    assert dump(demo_store) == before


def test_devices_sockets_and_a_terminal_are_refused_before_anything_is_read(demo_store, tmp_path):
    before = dump(demo_store)
    assert_refused(annotator("--db", str(demo_store), "import", "/dev/zero", timeout=30), "/dev/zero: is a character device")
    assert_refused(annotator("--db", str(demo_store), "import", "/dev/null", timeout=30), "/dev/null: is a character device")
    blocks = [path for path in Path("/dev").iterdir() if _is_block_device(path)]
    if blocks:
        assert_refused(annotator("--db", str(demo_store), "import", str(blocks[0]), timeout=30), "is a block device")
    listening = socket.socket(socket.AF_UNIX)
    try:
        listening.bind(str(tmp_path / "s.sock"))
        assert_refused(annotator("--db", str(demo_store), "import", str(tmp_path / "s.sock"), timeout=30), "is a socket")
    finally:
        listening.close()
    controller, terminal = pty.openpty()
    try:
        ran = piped(demo_store, "-", stdin=terminal, timeout=30)
    finally:
        os.close(controller)
        os.close(terminal)
    assert_refused(ran, "standard input is a terminal")
    with open(os.devnull, "rb") as nothing:
        assert_refused(piped(demo_store, "-", stdin=nothing, timeout=30), "<stdin>: is empty")
    with open(DEMO, "rb") as handle:
        assert_refused(piped(demo_store, "--format", "spacy", "-", stdin=handle, timeout=30),
                       "spacy cannot be read from standard input")
    assert dump(demo_store) == before


def _is_block_device(path: Path) -> bool:
    try:
        return stat.S_ISBLK(path.stat().st_mode)
    except OSError:
        return False


def test_a_brat_file_linked_to_a_device_is_refused_by_name(demo_store, tmp_path):
    before = dump(demo_store)
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "d1.ann").write_text("T1\tORG 0 6\tRebels\n", encoding="utf-8")
    (folder / "d1.txt").symlink_to("/dev/zero")
    ran = annotator("--db", str(demo_store), "import", "--format", "brat", str(folder), timeout=60)
    assert_refused(ran, "d1.ann:0: d1.txt is not a regular file")
    assert dump(demo_store) == before


def test_input_bad_from_its_first_batch_creates_no_store(tmp_path):
    db = tmp_path / "new.db"
    ran = annotator("--db", str(db), "import", str(ROOT / "fixtures" / "bad" / "native_empty_label.jsonl"), timeout=60)
    assert_refused(ran, "native_empty_label.jsonl:2: entities[3].label: ")
    assert list(tmp_path.iterdir()) == []
