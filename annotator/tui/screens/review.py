"""The review screen: the article on the left, the sentence's candidates on the right.

Every key runs one action on the `ReviewSession`, synchronously and in key order: a
decision takes the row under the cursor when its key is handled, by kind and key, and
commits before the next key is read. `show_session` then copies where the session
stands into three reactives, and their watchers redraw only what changed: a new
sentence or document relists the candidates, a decision redraws the lines in place,
a move only moves the highlight. Progress is counted in a worker after each write.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Footer, Static

from annotator.domain import TargetKind
from annotator.review.document import DocumentView
from annotator.review.editing import EditRequest, EditResult
from annotator.review.session import NOTHING_LEFT, Progress, ReviewSession, Row
from annotator.schema import Schema
from annotator.tui import questions
from annotator.tui.messages import DecisionRecorded, ProgressCounted
from annotator.tui.questions import Question
from annotator.tui.render import plain
from annotator.tui.screens.documents import DocumentsScreen
from annotator.tui.screens.edit import EditScreen
from annotator.tui.screens.text_prompt import TextPrompt
from annotator.tui.widgets.article_view import ArticleView
from annotator.tui.widgets.candidate_list import CandidateList
from annotator.tui.widgets.review_header import ReviewHeader


@dataclass(frozen=True)
class Place:
    """Where the reviewer reads: a document as last loaded, one of its sentences, and the rows the filter lists."""

    view: DocumentView | None
    document_index: int
    document_count: int
    sentence_index: int
    row_filter: str
    rows: tuple[Row, ...]

    @classmethod
    def of(cls, session: ReviewSession) -> Place:
        """Where a session stands now."""
        s = session
        return cls(s.view, s.document_index, s.document_count, s.sentence_index, s.row_filter, tuple(s.rows))

    @property
    def position(self) -> str:
        """Document and sentence as the header shows them, counting from one."""
        sentences = len(self.view.document.sentences) if self.view else 0
        return f"doc {self.document_index + 1}/{self.document_count} · sentence {self.sentence_index + 1}/{sentences}"


class ReviewScreen(Screen[None]):
    """Confirm, fix or reject each candidate of each sentence from the keyboard."""

    BINDINGS = [
        Binding("a", "accept", "Accept", id="accept"),
        Binding("x", "reject", "Reject", id="reject"),
        Binding("space", "skip", "Skip", id="skip"),
        Binding("e", "fix", "Fix", id="fix"),
        Binding("n", "add", "Add", id="add"),
        Binding("N", "add_event", "Add event", id="add_event", show=False),
        Binding("f", "flag", "Flag", id="flag", show=False),
        Binding("u", "undo", "Undo", id="undo"),
        Binding("U", "redo", "Redo", id="redo"),
        Binding("j,down", "move(1)", "Next candidate", id="next_candidate", show=False),
        Binding("k,up", "move(-1)", "Previous candidate", id="previous_candidate", show=False),
        Binding("right_square_bracket", "sentence(1)", "Next sentence", id="next_sentence", key_display="]"),
        Binding("left_square_bracket", "sentence(-1)", "Previous sentence", id="previous_sentence", key_display="[", show=False),
        Binding("g", "next_pending", "Next pending", id="next_pending"),
        Binding("A", "accept_rest", "Accept rest of sentence", id="accept_rest", show=False),
        Binding("L", "accept_label", "Accept all of this label", id="accept_label", show=False),
        Binding("I", "apply_identical", "Apply to identical mentions", id="apply_identical", show=False),
        Binding("slash", "find", "Find", id="find", key_display="/"),
        Binding("full_stop", "find_next(1)", "Next match", id="find_next", key_display=".", show=False),
        Binding("comma", "find_next(-1)", "Previous match", id="find_previous", key_display=",", show=False),
        Binding("m", "note", "Note", id="note", show=False),
        Binding("D", "documents", "Documents", id="documents", show=False),
        Binding("F", "filter", "Filter", id="filter", show=False),
        Binding("s", "stats", "Stats", id="stats"),
        Binding("question_mark", "help", "Help", id="help", key_display="?"),
        Binding("q", "app.quit", "Quit", id="quit"),
    ]

    place: var[Place | None] = var(None, init=False)
    """The document, sentence and filter on screen: a change redraws the article and the candidate lines."""
    target: var[Row | None] = var(None, init=False)
    """The candidate the next key acts on, by kind and key: a change moves the highlight, not the list."""
    progress: var[Progress | None] = var(None, init=False)
    """How far the review is, as last counted off the UI thread; None until the first count."""

    def __init__(self, session: ReviewSession, schema: Schema):
        super().__init__()
        self.session = session
        self.schema = schema
        self.search_text = ""
        """The last text searched for, which `.` and `,` look for again."""
        self._counting = False
        self._count_again = False

    def compose(self) -> ComposeResult:
        """Header, the article beside the candidate list, a message line and the footer."""
        yield ReviewHeader(id="review-header")
        with Horizontal(id="panes"):
            with VerticalScroll(id="article-pane"):
                yield ArticleView(id="article")
            yield CandidateList(self.schema, id="candidates")
        yield Static(id="message", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        """Show where the session stands and start counting the progress."""
        self.query_one("#article-pane").border_title = "Article"
        self.candidates.focus()
        self.show_session()
        self._recount_progress()

    @property
    def candidates(self) -> CandidateList:
        """The candidate list of this screen."""
        return self.query_one("#candidates", CandidateList)

    # ------------------------------------------------------------------ showing the session

    def show_session(self) -> None:
        """Copy where the session stands into the reactives, and show its message once."""
        self.place = Place.of(self.session)
        self.target = self.session.current_row
        self.query_one("#message", Static).update(plain(self.session.last_message))
        self.session.last_message = ""

    def watch_place(self, place: Place | None) -> None:
        """A new sentence, document, filter or decision: redraw the article, the candidate lines and the header."""
        if place is None or place.view is None:
            return
        current = self.session.current_row  # the target reactive receives it next
        self.query_one(ArticleView).show(place.view, place.sentence_index, current)
        self.query_one("#article-pane").border_subtitle = f"sentence {place.sentence_index + 1}"
        self.candidates.show_rows(place.view, place.rows, current, place.sentence_index, place.row_filter)
        self._show_header()

    def on_resize(self) -> None:
        """Candidate lines and the article's context depend on the terminal's size: redraw them for the new one."""
        self.watch_place(self.place)

    def watch_target(self, target: Row | None) -> None:
        """The cursor moved within the sentence: move the highlight and the mark in the article."""
        place = self.place
        if place is None:
            return
        self.candidates.highlight(target)
        self.query_one(ArticleView).show(place.view, place.sentence_index, target)

    def watch_progress(self) -> None:
        """A new count arrived: redraw the header."""
        self._show_header()

    def _show_header(self) -> None:
        place = self.place
        if place is None or place.view is None:
            return
        document = place.view.document
        self.query_one(ReviewHeader).show(document.title or document.id, place.position, self.session.reviewer, self.progress)

    # ------------------------------------------------------------------ progress

    @on(DecisionRecorded)
    def _recount_progress(self) -> None:
        """Count the progress again off the UI thread; a write during a count queues exactly one more."""
        if self._counting:
            self._count_again = True
            return
        self._counting = True
        self.count_progress()

    @work(thread=True, group="progress")
    def count_progress(self) -> None:
        """Count decided candidates and seen sentences: the counts read the whole store, so never on the UI thread."""
        self.post_message(ProgressCounted(self.session.progress()))

    @on(ProgressCounted)
    def _progress_counted(self, event: ProgressCounted) -> None:
        self.progress = event.progress
        self._counting = False
        if self._count_again:
            self._count_again = False
            self._recount_progress()

    @on(CandidateList.RowHighlighted)
    def _row_clicked(self, event: CandidateList.RowHighlighted) -> None:
        if event.row == self.candidates.highlighted_row and self.session.select(event.row.kind, event.row.pk):
            self.show_session()

    # ------------------------------------------------------------------ deciding

    def _decided(self, wrote: bool | int) -> None:
        """After an intent: announce a write to the store, then show where the session stands."""
        if wrote:
            self.post_message(DecisionRecorded())
        self.show_session()

    def action_accept(self) -> None:
        """Accept the candidate under the cursor; on an event, its pending arguments too."""
        self._decided(self.session.accept(self.session.current_row))

    def action_reject(self) -> None:
        """Reject the candidate under the cursor."""
        self._decided(self.session.reject(self.session.current_row))

    def action_flag(self) -> None:
        """Flag the candidate under the cursor for a second look, or clear its flag."""
        self._decided(self.session.toggle_flag(self.session.current_row))

    def action_undo(self) -> None:
        """Undo the reviewer's last decision."""
        self._decided(self.session.undo())

    def action_redo(self) -> None:
        """Redo the last undone decision."""
        self._decided(self.session.redo())

    def action_fix(self) -> None:
        """Open the fix modal for the candidate under the cursor; its answer fixes that candidate."""
        row = self.session.current_row
        request = self.session.fix_request(row, self.schema)
        if row is None or request is None:
            return

        def fixed(result: EditResult | None) -> None:
            self._decided(result is not None and self.session.apply_fix(row, result))

        self.app.push_screen(EditScreen(request), fixed)

    def action_add(self) -> None:
        """Add an entity in this sentence, or, on an event or argument, an argument to that event."""
        row = self.session.current_row
        if row is not None and row.kind is not TargetKind.ENTITY:
            self._add_argument(row)
            return
        self._add_span(self.session.add_entity_request(self.schema), self.session.add_entity)

    def action_add_event(self) -> None:
        """Add an event in this sentence: its trigger span, then its type."""
        self._add_span(self.session.add_event_request(self.schema), self.session.add_event)

    def _add_span(self, request: EditRequest | None, add: Callable[[int, int, str], int]) -> None:
        """Ask for a span and a value; a complete answer adds the candidate with `add(start, end, value)`."""
        if request is None:
            return

        def answered(result: EditResult | None) -> None:
            if result is None or result.value is None or result.start is None or result.end is None:
                self._decided(False)
                return
            add(result.start, result.end, result.value)
            self._decided(True)

        self.app.push_screen(EditScreen(request), answered)

    def _add_argument(self, row: Row) -> None:
        """Add an argument to a row's event: its extent and role, then, optionally, the entity it refers to."""
        found = self.session.add_argument_request(row)
        if found is None:
            self.show_session()
            return
        event_pk, extent_request = found

        def linked(role: str, start: int, end: int, result: EditResult | None) -> None:
            if result is not None:
                self.session.add_argument(event_pk, role, start, end, link=result.choice)
            self._decided(result is not None)

        def placed(result: EditResult | None) -> None:
            if result is None or result.value is None or result.start is None or result.end is None:
                return
            role, start, end = result.value, result.start, result.end
            link_request = self.session.link_request(event_pk, role)
            self.app.push_screen(EditScreen(link_request), lambda chosen: linked(role, start, end, chosen))

        self.app.push_screen(EditScreen(extent_request), placed)

    def _ask(self, question: Question | str) -> None:
        """Show a line, or ask a bulk question whose chosen letter decides (the row was read when the key was pressed)."""
        if isinstance(question, str):
            self.session.last_message = question
            self.show_session()
            return

        def answered(result: EditResult | None) -> None:
            self._decided(question.apply(result.choice) if result is not None and result.choice is not None else 0)

        self.app.push_screen(EditScreen(EditRequest(question.title, "", choices=question.answers)), answered)

    def action_accept_rest(self) -> None:
        """Accept every pending candidate of this sentence, after a preview (one undo step)."""
        self._ask(questions.rest_of_sentence(self.session))

    def action_accept_label(self) -> None:
        """Accept every pending entity of this entity's label, or scoring at least its score, here or everywhere."""
        self._ask(questions.label_or_score(self.session, self.session.current_row))

    def action_apply_identical(self) -> None:
        """Give the pending mentions identical to this decided entity its decision, after a preview."""
        self._ask(questions.identical_mentions(self.session, self.session.current_row))

    def action_note(self) -> None:
        """Attach a note to the candidate under the cursor."""
        row = self.session.current_row
        if row is None:
            return

        def noted(note: str | None) -> None:
            self._decided(note is not None and self.session.set_note(row, note))

        self.app.push_screen(TextPrompt("Note on this candidate (exported with it)"), noted)

    # ------------------------------------------------------------------ moving

    def action_move(self, step: int) -> None:
        """Move the cursor to the next (1) or previous (-1) candidate of the sentence."""
        self.session.move(step)
        self.show_session()

    def action_skip(self) -> None:
        """Leave the candidate undecided and go to the next one, across sentences."""
        if self.session.cursor + 1 < len(self.session.rows):
            self.session.move(1)
        else:
            self.session.next_sentence(1)
        self.show_session()

    def action_sentence(self, step: int) -> None:
        """Go to the next (1) or previous (-1) sentence, across documents."""
        self.session.next_sentence(step)
        self.show_session()

    def action_next_pending(self) -> None:
        """Go to the next pending candidate, anywhere in the store."""
        if not self.session.next_pending():
            self.session.last_message = NOTHING_LEFT
        self.show_session()

    def action_find(self) -> None:
        """Ask for a text and go to the next sentence containing it."""

        def searched(needle: str | None) -> None:
            if needle:
                self.search_text = needle
                if not self.session.find(needle):
                    self.session.last_message = f"No more matches for {needle!r}."
            self.show_session()

        self.app.push_screen(TextPrompt("Find text (then . next, , previous)", self.search_text), searched)

    def action_find_next(self, step: int) -> None:
        """Go to the next (1) or previous (-1) sentence containing the last text searched for."""
        needle = self.search_text
        if needle and not self.session.find(needle, forward=step > 0):
            self.session.last_message = f"No more matches for {needle!r}."
        self.show_session()

    def action_filter(self) -> None:
        """Choose which candidates the list shows."""
        session = self.session
        request = EditRequest(
            "Show only… (digit: choose · letters: filter the list)", "", session.filter_choices(), session.row_filter,
        )

        def chosen(result: EditResult | None) -> None:
            if result is not None and result.value is not None:
                session.set_filter(result.value)
            self.show_session()

        self.app.push_screen(EditScreen(request), chosen)

    def action_documents(self) -> None:
        """Open the documents list and jump to the chosen one."""

        def chosen(index: int | None) -> None:
            if index is not None:
                self.session.open_document(index)
            self.show_session()

        self.app.push_screen(DocumentsScreen(self.session.repository, self.session.document_index), chosen)

    def action_stats(self) -> None:
        """Open the statistics screen."""
        from annotator.tui.screens.stats import StatsScreen

        self.app.push_screen(StatsScreen(self.session.repository))

    def action_help(self) -> None:
        """Open the help screen, generated from the bindings."""
        from annotator.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self.active_bindings_for_help()))

    def active_bindings_for_help(self) -> list[Binding]:
        """Every binding of this screen and the app, for the help screen."""
        return [binding for binding in (*self.BINDINGS, *self.app.BINDINGS) if isinstance(binding, Binding)]
