"""`annotator report` on the demo after a scripted review, opened in a real headless Chromium.

Chromium comes from the distribution's packages (`.ci/run` installs it). The tests read
the DOM Chromium rendered (`--dump-dom`) and take a screenshot of the article page.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import struct
import subprocess
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator import store
from annotator.cli import main
from annotator.demo import demo_path
from annotator.domain import TargetKind
from annotator.formats.native import read_native
from annotator.store import Repository

HOSTILE_LABEL = "<script>alert(1)</script>"
HOSTILE_NOTE = "photo credit, not the story: <b>drop</b> & move on"
CHROMIUM_TIMEOUT = 90


def chromium() -> str:
    """The Chromium binary; missing, the test fails on CI (which must install it) and is skipped elsewhere."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    message = "chromium is not installed: `apt-get install chromium` (Debian's package; .ci/run installs it)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def run_chromium(page: Path, profile: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """Open a local page in headless Chromium with a fresh profile and nothing that talks to the network."""
    command = [
        chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
        *extra, page.resolve().as_uri(),
    ]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=CHROMIUM_TIMEOUT)
    assert completed.returncode == 0, completed.stderr[-2000:]
    return completed


@dataclass
class Element:
    """An element of the rendered DOM: tag, attributes, children and the text inside it."""

    tag: str
    attributes: dict[str, str]
    children: list[Element] = field(default_factory=list)
    parts: list[str | Element] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(p if isinstance(p, str) else p.text for p in self.parts)

    @property
    def classes(self) -> set[str]:
        return set(self.attributes.get("class", "").split())

    def iter(self):
        yield self
        for child in self.children:
            yield from child.iter()

    def find_all(self, tag: str, css_class: str | None = None) -> list[Element]:
        return [e for e in self.iter() if e.tag == tag and (css_class is None or css_class in e.classes)]


VOID = {"meta", "link", "br", "img", "input", "hr", "rect", "line", "circle", "path", "wbr"}


class TreeBuilder(HTMLParser):
    """Builds `Element`s from the DOM Chromium dumped (it is well formed: Chromium serialised it)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(element)
        self.stack[-1].parts.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(element)
        self.stack[-1].parts.append(element)

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                break

    def handle_data(self, data):
        self.stack[-1].parts.append(data)


def rendered(page: Path, profile: Path) -> Element:
    """The DOM of a page as Chromium rendered it."""
    builder = TreeBuilder()
    builder.feed(run_chromium(page, profile, "--dump-dom").stdout)
    return builder.root


def scripted_review(db: Path) -> None:
    """Decide part of the demo as two reviewers would, with every kind of decision the report draws."""
    store.connect(db)
    try:
        repository = Repository()
        repository.import_documents([d.document for d in read_native([demo_path()])], reviewer="import")
        document = next(repository.iter_documents(with_tokens=False))
        text = document.text
        entities = {e.id: e for e in document.entities}
        events = {e.id: e for e in document.events}
        for entity in document.entities[:40]:
            words = text[entity.start : entity.end]
            reviewer = "ana" if entity.start % 2 else "ben"
            if words == "Reuters":
                repository.reject(reviewer, TargetKind.ENTITY, entity.pk)
            elif words == "Hass":
                repository.fix(reviewer, TargetKind.ENTITY, entity.pk, label="LOC")
            elif words == "the Ahrar al Sham Movement":
                repository.fix(reviewer, TargetKind.ENTITY, entity.pk, start=entity.start + len("the "))
            else:
                repository.accept(reviewer, TargetKind.ENTITY, entity.pk)
        reuters = next(e for e in document.entities if text[e.start : e.end] == "Reuters")
        repository.set_note("ana", TargetKind.ENTITY, reuters.pk, HOSTILE_NOTE)
        hass = next(e for e in document.entities if text[e.start : e.end] == "Hass")
        repository.set_flag("ben", TargetKind.ENTITY, hass.pk, True)
        western = text.index("Western-backed")
        repository.add_entity("ana", document.pk, western, western + len("Western"), "NORP")
        assad = text.index("Bashar al Assad")
        repository.add_entity("ana", document.pk, assad, assad + len("Bashar al Assad"), HOSTILE_LABEL)
        for event in document.events[:8]:
            if text[event.trigger_start : event.trigger_end] == "targeting":
                repository.reject_event("ben", event.pk)
            else:
                repository.accept_event("ana", event.pk)
        first = events["E1"]
        target = next(a for a in first.arguments if a.role == "Target")
        repository.fix("ben", TargetKind.ARGUMENT, target.pk, role="Victim")
        repository.set_note("ben", TargetKind.EVENT, first.pk, "Russia admits it; the targets were not ISIS")
        repository.set_flag("ben", TargetKind.EVENT, first.pk, True)
        repository.add_argument("ana", events["E2"].pk, "Attacker", entity_pk=entities["T1"].pk)
    finally:
        store.close()


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> tuple[Path, str]:
    """The report of the demo after the scripted review, and what the command printed."""
    folder = tmp_path_factory.mktemp("report")
    db = folder / "store.db"
    scripted_review(db)
    result = CliRunner().invoke(main, ["--db", str(db), "report", "-o", str(folder / "out")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return folder / "out", result.output


def article_page(out: Path) -> Path:
    [page] = sorted((out / "articles").glob("*.html"))
    return page


def test_the_command_writes_a_self_contained_report_and_stays_quiet_when_piped(report):
    out, output = report
    # Piped, no progress bar: only the summary line, whose size is what the folder holds.
    summary = re.fullmatch(r"1 article page\(s\) of 1 document\(s\), (\d+) KiB -> (.*)\n", output)
    assert summary is not None, output
    assert summary[2] == str(out / "index.html")
    on_disk = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    assert abs(int(summary[1]) - on_disk / 1024) <= 1
    assert sorted(p.name for p in out.iterdir()) == ["articles", "index.html", "report.css"]
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".out.")], "the temporary folder was left behind"
    for page in [out / "index.html", article_page(out)]:
        html = page.read_text(encoding="utf-8")
        assert "https://" not in html and "//cdn" not in html and " src=" not in html
        assert html.count("http://") == html.count('xmlns="http://www.w3.org/2000/svg"')
        assert HOSTILE_LABEL not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_report_folder_can_be_shared_and_the_report_needs_neither_textual_nor_spacy(report):
    out, _ = report
    assert stat.S_IMODE(out.stat().st_mode) & 0o055 == 0o055 & ~current_umask()
    code = (
        "import sys\n"
        "import annotator.report, annotator.cli.report\n"
        "assert 'textual' not in sys.modules and 'spacy' not in sys.modules, sorted(sys.modules)\n"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr


def current_umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def test_the_command_refuses_a_folder_that_is_not_empty(report):
    out, _ = report
    result = CliRunner().invoke(main, ["--db", str(out.parent / "store.db"), "report", "-o", str(out)])
    assert result.exit_code != 0
    assert "exists and is not an empty folder" in result.output


def test_the_article_page_in_chromium_shows_marks_states_and_event_cards(report, tmp_path):
    out, _ = report
    page = article_page(out)
    dom = rendered(page, tmp_path / "profile")
    assert not dom.find_all("script"), "a label or note became markup"
    [article] = dom.find_all("div", "article")
    marks = article.find_all("mark", "ent")
    by_words = {}
    for mark in marks:
        words = "".join(p if isinstance(p, str) else p.text for p in mark.parts if not (isinstance(p, Element) and "tag" in p.classes))
        by_words.setdefault(words.strip(), []).append(mark)
    russia = by_words["Russia"][0]
    assert (russia.attributes["data-label"], russia.attributes["data-status"]) == ("GPE", "accepted")
    assert russia.find_all("span", "tag")[0].text == "✓GPE"
    reuters = by_words["Reuters"]
    assert [m.attributes["data-status"] for m in reuters] == ["rejected", "rejected", "pending"]
    assert "st-rejected" in reuters[0].classes and reuters[0].find_all("s"), "a rejected mark is struck through"
    assert reuters[0].find_all("span", "tag")[0].text.startswith("✗ORG")
    [hass] = by_words["Hass"]
    assert (hass.attributes["data-label"], hass.attributes["data-status"]) == ("LOC", "fixed")
    assert "was ORG" in hass.text and "⚑" in hass.text
    [moved] = [m for m in marks if m.attributes["data-status"] == "fixed" and "Movement" in m.text]
    assert "was «the Ahrar al Sham Movement»" in moved.text
    [western] = by_words["Western"]
    assert (western.attributes["data-label"], western.attributes["data-status"]) == ("NORP", "added")
    assert "+NORP" in western.text
    [assad] = [m for m in by_words["Bashar al Assad"] if m.attributes["data-status"] == "added"]
    assert assad.attributes["data-label"] == HOSTILE_LABEL and HOSTILE_LABEL in assad.text
    assert {m.attributes["data-status"] for m in marks} == {"accepted", "rejected", "fixed", "added", "pending"}
    assert "✉" in reuters[0].text and HOSTILE_NOTE in reuters[0].attributes["title"]

    cards = dom.find_all("article", "card")
    assert len(cards) == 54
    first = cards[0]
    assert first.attributes["id"] == "ev-1" and "Conflict.Attack" in first.text and "«hitting»" in first.text
    assert "✓accepted" in first.text and "polarity: positive" in first.text
    arguments = first.find_all("li")
    assert [(li.attributes["data-status"], li.find_all("span", "role")[0].text) for li in arguments] == [
        ("fixed", "Victim"), ("accepted", "Attacker"),
    ]
    assert "was Target" in arguments[0].text and "«non-ISIS targets»" in arguments[0].text
    assert "→ «Russia»GPE" in arguments[1].text, "an argument shows the entity it links to"
    assert "⚑ flagged" in first.text and "Russia admits it; the targets were not ISIS" in first.text
    rejected = [c for c in cards if c.attributes["data-status"] == "rejected"]
    assert rejected and all(li.attributes["data-status"] == "rejected" for c in rejected for li in c.find_all("li"))
    triggers = dom.find_all("span", "trig")
    assert triggers[0].text == "hitting1" and triggers[0].find_all("a")[0].attributes["href"] == "#ev-1"


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", header[16:24])


def test_a_screenshot_of_the_article_page(report, tmp_path):
    out, _ = report
    shot = tmp_path / "article.png"
    run_chromium(article_page(out), tmp_path / "profile", f"--screenshot={shot}", "--window-size=1200,900")
    assert png_size(shot) == (1200, 900)
    # A blank or unstyled page compresses to a few kilobytes; the coloured article does not.
    assert shot.stat().st_size > 40_000


def test_the_summary_page_in_chromium_shows_progress_reviewers_and_charts(report, tmp_path):
    out, _ = report
    dom = rendered(out / "index.html", tmp_path / "profile")
    assert not dom.find_all("script")
    tiles = {t.children[0].text: t.children[1].text for t in dom.find_all("div", "tile")}
    # The script decided 40 entities and 8 events, whose 11 arguments went with them; the demo holds 321 candidates.
    assert tiles["Candidates decided"] == "59" and tiles["Documents reviewed"] == "1"
    assert "of 321 machine candidates" in dom.text
    [table] = [t for t in dom.find_all("table") if t.attributes.get("id") == "reviewers-table"]
    reviewers = {row.children[0].text: [int(td.text) for td in row.children[1:9]] for row in table.find_all("tr")[1:]}
    assert set(reviewers) == {"ana", "ben"}
    # 40 entity decisions, a note and a flag, 2 entities added, 8 events, then a fix, a note, a flag
    # and an argument added on the first events: 56 key presses, each in one column.
    assert sum(counts[0] for counts in reviewers.values()) == 56
    assert all(counts[0] == sum(counts[1:7]) for counts in reviewers.values())
    assert sum(counts[4] for counts in reviewers.values()) == 3, "two entities and one argument added"
    svgs = {svg.attributes.get("id") for svg in dom.find_all("svg")}
    assert {"chart-states", "chart-per-hour", "chart-rates-labels", "chart-rates-types", "chart-rates-roles"} <= svgs
    [labels] = [svg for svg in dom.find_all("svg") if svg.attributes.get("id") == "chart-rates-labels"]
    rows = {g.attributes["data-name"]: g for g in labels.find_all("g", "row")}
    assert {"GPE", "ORG", "PERSON", "NORP"} <= set(rows)
    # ORG among the first 40 entities: 11 decided; the 2 Reuters rejected, Hass relabelled and the
    # Ahrar al Sham span moved (fixed), the other 7 accepted.
    assert "82% accepted · 18% fixed" in rows["ORG"].text
    assert "11 decided, 32 pending, 9% boundary fixes" in rows["ORG"].text
    assert {s.attributes["data-state"] for s in rows["ORG"].find_all("g", "segment")} == {"accepted", "fixed", "rejected"}
    assert "no decisions yet" in rows[HOSTILE_LABEL].text and "1 added" in rows[HOSTILE_LABEL].text
    [types] = [svg for svg in dom.find_all("svg") if svg.attributes.get("id") == "chart-rates-types"]
    assert "Conflict.Attack" in types.text and "no decisions yet" in types.text
    flags = [t for t in dom.find_all("table") if t.attributes.get("id") == "flags-table"][0]
    assert HOSTILE_NOTE in flags.text
    [link] = [a for a in dom.find_all("a") if a.attributes.get("href", "").startswith("articles/")][:1]
    assert (out / link.attributes["href"]).is_file()
