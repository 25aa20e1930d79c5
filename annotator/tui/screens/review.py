"""The review screen: the article on the left, the sentence's candidates on the right.

Every key runs one action on the `ReviewSession`, in key order: a decision takes the
row under the cursor when its key is handled, by kind and key, and commits (on the
writer thread of `StoreWrites`, the screen still drawn) before the next key is read. `show_session` then copies where the session
stands into three reactives, and their watchers redraw only what changed: a new
sentence or document relists the candidates, a decision redraws the lines in place,
a move only moves the highlight. Progress is counted in a worker after each write.
The keys that open a dialog (fix, add, move, attributes, warnings, bulk) live in
`CorrectionKeys`.
"""

from __future__ import annotations

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.reactive import var
from textual.widgets import Static

from annotator.review.document import ALL
from annotator.review.editing import EditRequest, EditResult
from annotator.review.session import Progress, ReviewSession, Row
from annotator.schema import Schema
from annotator.store import FlaggedItem
from annotator.tui.messages import DecisionRecorded, ProgressCounted
from annotator.tui.place import Place
from annotator.tui.render import plain
from annotator.tui.screens.corrections import CorrectionKeys
from annotator.tui.screens.documents import DocumentsScreen
from annotator.tui.screens.edit import EditScreen
from annotator.tui.screens.flags import FlagsScreen
from annotator.tui.screens.text_prompt import TextPrompt
from annotator.tui.widgets.article_view import ArticleView
from annotator.tui.widgets.bindings_footer import BindingsFooter
from annotator.tui.widgets.candidate_list import CandidateList
from annotator.tui.widgets.review_header import WIDE_SCREEN, ReviewHeader
from annotator.tui.widgets.rows import NEEDS_CONFIRMATION, row_detail, verdicts_line

JUMPING = "Jump: type the letters beside the row (esc cancels)."


class ReviewScreen(CorrectionKeys):
    """Confirm, fix or reject each candidate of each sentence from the keyboard."""

    BINDINGS = [
        Binding("a", "accept", "Accept", id="accept"),
        Binding("x", "reject", "Reject", id="reject"),
        Binding("space", "skip", "Skip", id="skip", show=False),
        Binding("e", "fix", "Fix", id="fix"),
        Binding("n", "add_entity", "Add entity", id="add_entity"),
        Binding("N", "add_event", "Add event", id="add_event", show=False),
        Binding("r", "add_argument", "Add argument", id="add_argument", show=False),
        Binding("M", "move_argument", "Move or copy argument", id="move_argument", show=False),
        Binding("t", "edit_attributes", "Event attributes", id="edit_attributes", show=False),
        Binding("w", "dismiss_warning", "Dismiss warning or merge", id="dismiss_warning", show=False),
        Binding("f", "flag", "Flag", id="flag", show=False),
        Binding("exclamation_mark", "flags", "Flags and notes", id="flags", key_display="!", show=False),
        Binding("u", "undo", "Undo", id="undo"),
        Binding("U", "redo", "Redo", id="redo", show=False),
        Binding("j,down", "move(1)", "Next candidate", id="next_candidate", show=False),
        Binding("k,up", "move(-1)", "Previous candidate", id="previous_candidate", show=False),
        Binding("home", "move_to(0)", "First candidate", id="first_candidate", show=False),
        Binding("end", "move_to(-1)", "Last candidate", id="last_candidate", show=False),
        Binding("pageup", "page(-1)", "A page of candidates up", id="page_up", show=False),
        Binding("pagedown", "page(1)", "A page of candidates down", id="page_down", show=False),
        Binding("apostrophe", "jump", "Jump to a row by its letters", id="jump", key_display="'", show=False),
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
        self._jump_typed: str | None = None
        """The letters typed so far after `jump`; None when no jump waits."""
        self._counting = False
        self._count_again = False

    def compose(self) -> ComposeResult:
        """Header, the article beside the candidate list, a message line and the footer."""
        yield ReviewHeader(id="review-header")
        with Horizontal(id="panes"):
            with VerticalScroll(id="article-pane"):
                yield ArticleView(id="article")
            with Vertical(id="candidate-pane"):
                yield CandidateList(self.schema, id="candidates")
                yield Static(id="detail", markup=False)
        yield Static(id="message", markup=False)
        yield BindingsFooter()

    def on_mount(self) -> None:
        """Show where the session stands and start counting the progress."""
        self.query_one("#article-pane").border_title = "Article"
        self.candidates.focus()
        self.show_session()
        self._recount_progress()
        self.start_watching()

    @property
    def candidates(self) -> CandidateList:
        """The candidate list of this screen."""
        return self.query_one("#candidates", CandidateList)

    # ------------------------------------------------------------------ showing the session

    def show_session(self) -> None:
        """Copy where the session stands into the reactives, and show its message once."""
        self.place = Place.of(self.session)
        self.target = self.session.current_row
        message = self.query_one("#message", Static)
        line = plain(self.session.last_message)
        if not (isinstance(message.content, Content) and message.content.is_same(line)):
            message.update(line, layout=False)  # one line high whatever it says: no layout to redo
        self.session.last_message = ""

    def watch_place(self, place: Place | None) -> None:
        """A new sentence, document, filter or decision: redraw the article, the candidate lines and the header."""
        if place is None or place.view is None:
            return
        current = self.session.current_row  # the target reactive receives it next
        self.query_one(ArticleView).show(place, current)
        self.query_one("#article-pane").border_subtitle = f"sentence {place.sentence_index + 1}"
        self.candidates.show_rows(place, current)
        self._show_detail(place, current)
        self._show_header()

    def on_resize(self) -> None:
        """Candidate lines and the article's context depend on the terminal's size: redraw them for the new one."""
        self.watch_place(self.place)

    def watch_target(self, target: Row | None) -> None:
        """The cursor moved within the sentence: move the highlight, the marks in the article and the detail line."""
        self.note_shown(target)
        place = self.place
        if place is None:
            return
        self.candidates.highlight(target)
        self.query_one(ArticleView).show(place, target)
        self._show_detail(place, target)

    def _show_detail(self, place: Place, target: Row | None) -> None:
        """The current row in full under the list, never cut; or what an empty sentence asks."""
        if place.view is None:
            return
        if target is None or not place.lists(target):
            content = plain(NEEDS_CONFIRMATION if place.needs_confirmation else "")
        else:
            content = row_detail(place.view, target, self.schema, place.warnings_of(target))
            adjudication = self.session.adjudication
            if adjudication is not None and adjudication.dispute_of(target) is not None:
                content = Content.assemble(content, "\n", verdicts_line(adjudication.verdicts(place.view, target)))
        detail = self.query_one("#detail", Static)
        if not (isinstance(detail.content, Content) and detail.content.is_same(content)):
            detail.update(content)

    def watch_progress(self) -> None:
        """A new count arrived: redraw the header."""
        self._show_header()

    def _show_header(self) -> None:
        place = self.place
        if place is None or place.view is None:
            return
        document = place.view.document
        self.query_one(ReviewHeader).show(
            document.title or document.id, place.position if self.app.size.width >= WIDE_SCREEN else place.short_position,
            self.session.reviewer, self.progress,
            self.session.repository.read_only,
        )

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
        if self.writing:
            return  # the writer thread owns the session; the screen redraws the cursor when it is done
        if event.row == self.candidates.highlighted_row and self.session.select(event.row.kind, event.row.pk):
            self.show_session()

    # ------------------------------------------------------------------ deciding

    async def action_accept(self) -> None:
        """Accept the candidate under the cursor (on an event, its pending arguments too).

        On a sentence that keeps no candidate, confirm instead that nothing is missing there.
        """
        session = self.session
        row = session.current_row
        if session.needs_confirmation and (row is None or session.row_filter == ALL):
            await self.commit(session.confirm_sentence)
        else:
            await self.commit(lambda: session.accept(row), row)

    async def action_reject(self) -> None:
        """Reject the candidate under the cursor; on an event, its pending arguments too (one undo step)."""
        row = self.session.current_row
        await self.commit(lambda: self.session.reject(row), row)

    async def action_flag(self) -> None:
        """Flag the candidate under the cursor for a second look, or clear its flag."""
        row = self.session.current_row
        await self.commit(lambda: self.session.toggle_flag(row))

    async def action_undo(self) -> None:
        """Undo the reviewer's last decision."""
        await self.commit(self.session.undo)

    async def action_redo(self) -> None:
        """Redo the last undone decision."""
        await self.commit(self.session.redo)

    def action_note(self) -> None:
        """Attach a note to the candidate under the cursor."""
        row = self.session.current_row
        if row is None or not self.writable():
            return

        async def noted(note: str | None) -> None:
            if note is None:
                self.show_session()
            else:
                await self.commit(lambda: self.session.set_note(row, note))

        self.ask(TextPrompt("Note on this candidate (exported with it)"), noted)

    # ------------------------------------------------------------------ moving

    def action_move(self, step: int) -> None:
        """Move the cursor to the next (1) or previous (-1) candidate of the sentence."""
        self.session.move(step)
        self.show_session()

    def action_move_to(self, index: int) -> None:
        """Put the cursor on the first (0) or last (-1) candidate of the sentence."""
        self.session.move_to(index)
        self.show_session()

    def action_page(self, step: int) -> None:
        """Move the cursor a screenful of candidates down (1) or up (-1)."""
        lines = self.query_one(CandidateList).scrollable_content_region.height
        self.session.move(step * max(1, lines - 1))
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
            self.session.last_message = self.session.nothing_left
        self.show_session()

    def action_find(self) -> None:
        """Ask for a text (the last one offered, selected, so typing replaces it) and go to its next occurrence."""

        def searched(needle: str | None) -> None:
            if needle and not self.session.find(needle):
                self.session.last_message = f"No match for {needle!r} anywhere."
            self.show_session()

        prompt = "Find text, wrapping round the corpus (then . next, , previous)"
        self.ask(TextPrompt(prompt, self.session.last_query), searched)

    def action_find_next(self, step: int) -> None:
        """Go to the next (1) or previous (-1) occurrence of the last text searched for."""
        needle = self.session.last_query
        if not needle:
            self.session.last_message = "Nothing searched for yet: / finds."
        elif not self.session.find(needle, forward=step > 0):
            self.session.last_message = f"No match for {needle!r} anywhere."
        self.show_session()

    # ------------------------------------------------------------------ jumping

    def action_jump(self) -> None:
        """Wait for the letters shown beside a row, then put the cursor on that row."""
        if not self.session.rows:
            return
        self._jump_typed = ""
        self.candidates.show_hints(True)
        self.query_one("#message", Static).update(plain(JUMPING))

    def on_key(self, event: events.Key) -> None:
        """While a jump waits, letters pick a row by its hint; any other key cancels the jump (and does nothing else)."""
        if self._jump_typed is None:
            return
        event.stop()
        event.prevent_default()
        typed = self._jump_typed + (event.character or "")
        hints = [hint for hint, _row in self.session.row_hints()]
        if event.character and event.character.isalpha() and typed not in hints and any(h.startswith(typed) for h in hints):
            self._jump_typed = typed
            return
        self._jump_typed = None
        self.candidates.show_hints(False)
        if typed in hints and event.character and event.character.isalpha():
            self.session.jump(typed)
        self.show_session()

    def action_flags(self) -> None:
        """List every flagged or noted candidate of the store; enter jumps to one."""

        def chosen(item: FlaggedItem | None) -> None:
            if item is not None and not self.session.jump_to_item(item):
                self.session.last_message = "That candidate is no longer in the store."
            self.show_session()

        self.ask(FlagsScreen(self.session), chosen)

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

        self.ask(EditScreen(request), chosen)

    def action_documents(self) -> None:
        """Open the documents list and jump to the chosen one (not in adjudication, which lists only the disputes' documents)."""
        if self.session.adjudication is not None:
            self.session.last_message = "Adjudication goes through the disputes' documents only: ] and [ move between them."
            self.show_session()
            return

        def chosen(index: int | None) -> None:
            if index is not None:
                self.session.open_document(index)
            self.show_session()

        self.ask(DocumentsScreen(self.session.repository, self.session.document_index), chosen)

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
