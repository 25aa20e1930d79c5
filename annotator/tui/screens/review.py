"""The review screen: the article on the left, the sentence's candidates on the right."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from annotator.domain import Status, TargetKind
from annotator.schema import Schema
from annotator.tui.editing import EditRequest, EditResult
from annotator.tui.screens.edit import EditScreen
from annotator.tui.screens.prompt import DocumentsScreen, TextPrompt
from annotator.tui.session import ReviewSession, Row
from annotator.tui.widgets.render import (
    CURSOR_STYLE,
    TRIGGER_STYLE,
    label_colour,
    plain,
    review_style,
    symbol,
    visible,
)

CONTEXT_SENTENCES = 3


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

    def __init__(self, session: ReviewSession, schema: Schema):
        super().__init__()
        self.session = session
        self.schema = schema

    def compose(self) -> ComposeResult:
        with Horizontal(id="review-header"):
            yield Static(id="header-title")
            yield Static(id="header-status")
        with Horizontal(id="panes"):
            with VerticalScroll(id="article-pane"):
                yield Static(id="article")
            yield OptionList(id="candidates")
        yield Static(id="message")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#article-pane").border_title = "Article"
        self.query_one(OptionList).focus()
        self.refresh_view()

    # ------------------------------------------------------------------ actions

    def action_accept(self) -> None:
        self.session.accept()
        self.refresh_view()

    def action_reject(self) -> None:
        self.session.reject()
        self.refresh_view()

    def action_skip(self) -> None:
        if self.session.cursor + 1 < len(self.session.rows):
            self.session.move(1)
        else:
            self.session.next_sentence(1)
        self.refresh_view()

    def action_undo(self) -> None:
        self.session.undo()
        self.refresh_view()

    def action_redo(self) -> None:
        self.session.redo()
        self.refresh_view()

    def action_move(self, step: int) -> None:
        self.session.move(step)
        self.refresh_view()

    def action_sentence(self, step: int) -> None:
        self.session.next_sentence(step)
        self.refresh_view()

    def action_next_pending(self) -> None:
        if not self.session.next_pending():
            self.session.last_message = "Nothing left to review."
        self.refresh_view()

    def action_fix(self) -> None:
        request = self.session.fix_request(self.schema)
        if request is None:
            return
        row = self.session.current_row

        def fixed(result: EditResult | None) -> None:
            if result is not None:
                self.session.apply_fix(row, result)
            self.refresh_view()

        self.app.push_screen(EditScreen(request), fixed)

    def action_add(self) -> None:
        row = self.session.current_row
        if row is not None and row.kind is not TargetKind.ENTITY:
            self._add_argument(row.event_pk if row.kind is TargetKind.ARGUMENT else row.pk)
            return
        request = self.session.add_entity_request(self.schema)
        if request is None:
            return

        def added(result: EditResult | None) -> None:
            if result is not None and result.value is not None and result.start is not None:
                self.session.add_entity(result.start, result.end, result.value)
            self.refresh_view()

        self.app.push_screen(EditScreen(request), added)

    def _add_argument(self, event_pk: int) -> None:
        role_request, entity_request = self.session.add_argument_requests(event_pk, self.schema)

        def entity_chosen(role: str, result: EditResult | None) -> None:
            if result is not None and result.choice is not None:
                self.session.add_argument(event_pk, role, result.choice)
            self.refresh_view()

        def role_chosen(result: EditResult | None) -> None:
            if result is None or result.value is None:
                return
            self.app.push_screen(EditScreen(entity_request), lambda chosen: entity_chosen(result.value, chosen))

        self.app.push_screen(EditScreen(role_request), role_chosen)

    def action_add_event(self) -> None:
        request = self.session.add_event_request(self.schema)
        if request is None:
            return

        def added(result: EditResult | None) -> None:
            if result is not None and result.value is not None and result.start is not None:
                self.session.add_event(result.start, result.end, result.value)
            self.refresh_view()

        self.app.push_screen(EditScreen(request), added)

    def action_flag(self) -> None:
        self.session.toggle_flag()
        self.refresh_view()

    def _confirm(self, request_title: str, choices: list[tuple[str, str]], then) -> None:
        request = EditRequest(request_title, "", choices=choices)

        def chosen(result: EditResult | None) -> None:
            if result is not None and result.choice is not None:
                then(result.choice)
            self.refresh_view()

        self.app.push_screen(EditScreen(request), chosen)

    def action_accept_rest(self) -> None:
        rows = self.session.bulk_sentence_preview()
        if not rows:
            self.session.last_message = "Nothing pending in this sentence."
            self.refresh_view()
            return
        self._confirm(
            "Accept the rest of the sentence?", [("y", f"accept {len(rows)} pending candidates (one undo step)")],
            lambda _choice: self.session.accept_rows(rows, "bulk-accept-sentence"),
        )

    def action_accept_label(self) -> None:
        preview = self.session.bulk_label_preview()
        if preview is None:
            self.session.last_message = "Put the cursor on an entity to accept all of its label."
            self.refresh_view()
            return
        label, in_document, in_corpus = preview
        choices = [("d", f"every pending {label} in this document: {in_document}"),
                   ("c", f"every pending {label} in the whole corpus: {in_corpus}")]
        scored = self.session.bulk_score_preview()
        if scored is not None:
            score, scored_document, scored_corpus = scored
            choices += [("s", f"every pending entity scoring ≥ {score:.2f} in this document: {scored_document}"),
                        ("t", f"every pending entity scoring ≥ {score:.2f} in the whole corpus: {scored_corpus}")]

        def accept(choice: str) -> None:
            if choice in ("d", "c"):
                self.session.accept_label(label, whole_corpus=choice == "c")
            else:
                self.session.accept_above_score(scored[0], whole_corpus=choice == "t")

        self._confirm("Accept in bulk (one undo step)", choices, accept)

    def action_apply_identical(self) -> None:
        found = self.session.identical_mentions()
        if not found:
            self.session.last_message = "Decide an entity first, then apply its decision to the identical mentions."
            self.refresh_view()
            return
        words, pks = found
        if not pks:
            self.session.last_message = "No pending identical mention in this document."
            self.refresh_view()
            return
        self._confirm(
            f"Apply this decision to the other mentions of «{words}»?",
            [("y", f"{len(pks)} pending mentions with the same text and label (one undo step)")],
            lambda _choice: self.session.apply_to_identical(),
        )

    def action_find(self) -> None:
        def searched(needle: str | None) -> None:
            if needle:
                self.search_text = needle
                if not self.session.find(needle):
                    self.session.last_message = f"No more matches for {needle!r}."
            self.refresh_view()

        self.app.push_screen(TextPrompt("Find text (then . next, , previous)", getattr(self, "search_text", "")), searched)

    def action_find_next(self, step: int) -> None:
        needle = getattr(self, "search_text", "")
        if needle and not self.session.find(needle, forward=step > 0):
            self.session.last_message = f"No more matches for {needle!r}."
        self.refresh_view()

    def action_note(self) -> None:
        if self.session.current_row is None:
            return

        def noted(note: str | None) -> None:
            if note is not None:
                self.session.set_note(note)
            self.refresh_view()

        self.app.push_screen(TextPrompt("Note on this candidate (exported with it)"), noted)

    def action_filter(self) -> None:
        session = self.session
        request = EditRequest(
            "Show only… (digit: choose · letters: filter the list)", "", session.filter_choices(), session.row_filter,
        )

        def chosen(result: EditResult | None) -> None:
            if result is not None and result.value is not None:
                session.set_filter(result.value)
            self.refresh_view()

        self.app.push_screen(EditScreen(request), chosen)

    def action_documents(self) -> None:
        def chosen(index: int | None) -> None:
            if index is not None:
                self.session.open_document(index)
            self.refresh_view()

        self.app.push_screen(DocumentsScreen(self.session.repository, self.session.document_index), chosen)

    def action_stats(self) -> None:
        from annotator.tui.screens.stats import StatsScreen

        self.app.push_screen(StatsScreen(self.session.repository))

    def action_help(self) -> None:
        from annotator.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self.active_bindings_for_help()))

    def active_bindings_for_help(self) -> list[Binding]:
        """Every binding of this screen and the app, for the help screen."""
        return [*self.BINDINGS, *self.app.BINDINGS]

    @on(OptionList.OptionHighlighted, "#candidates")
    def _cursor_moved_by_list(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_index != self.session.cursor:
            self.session.cursor = event.option_index
            self._render_article()

    # ------------------------------------------------------------------ rendering

    def refresh_view(self) -> None:
        """Redraw header, article and candidate list from the session."""
        self._render_header()
        self._render_article()
        self._render_candidates()
        message = self.session.last_message
        self.query_one("#message", Static).update(plain(message))
        self.session.last_message = ""

    def _render_header(self) -> None:
        session = self.session
        document = session.document
        decided, total = session.progress()
        share = decided / total if total else 0.0
        filled = round(share * 10)
        bar = "█" * filled + "░" * (10 - filled)
        total_text = str(total)
        title = document.title or document.id if document else ""
        sentences = len(document.sentences) if document else 0
        self.query_one("#header-title", Static).update(Content.assemble(("annotator", "bold"), " · ", plain(title, "bold")))
        self.query_one("#header-status", Static).update(
            Content.assemble(
                f"doc {session.document_index + 1}/{session.document_count}"
                f" · sentence {session.sentence_index + 1}/{sentences} · ",
                plain(session.reviewer), f" · {decided}/{total_text} ▕{bar}▏ {share:.0%}",
            )
        )

    def _render_article(self) -> None:
        session = self.session
        document = session.document
        if document is None:
            return
        current = session.current_row
        parts: list[Content | str | tuple[str, str]] = []
        before = CONTEXT_SENTENCES if self.app.size.height >= 30 else 1
        first = max(0, session.sentence_index - before)
        if first > 0 and document.sentences:
            # The headline always stays in sight: the title, or the document's first sentence.
            headline = document.sentences[0]
            parts += [plain(document.title or document.text[headline.start : headline.end], "bold"), "\n  …\n\n"]
        last = min(len(document.sentences), session.sentence_index + CONTEXT_SENTENCES + 1)
        for sentence in document.sentences[first:last]:
            is_current = sentence.index == session.sentence_index
            content = plain(document.text[sentence.start : sentence.end], "" if is_current else "dim")
            for entity in session.entities_in.get(sentence.index, ()):
                start, end = entity.final_span
                if entity.review.status is Status.WITHDRAWN:
                    continue
                style = f"{label_colour(entity.final('label'))} {review_style(entity.review)}"
                if current is not None and current.kind is TargetKind.ENTITY and current.pk == entity.pk:
                    style += f" {CURSOR_STYLE}"
                content = content.stylize(style, start - sentence.start, min(end, sentence.end) - sentence.start)
            for event in session.events_in.get(sentence.index, ()):
                start, end = event.final("trigger_start"), event.final("trigger_end")
                if event.review.status is Status.WITHDRAWN:
                    continue
                style = TRIGGER_STYLE if event.review.status is not Status.REJECTED else "strike dim"
                content = content.stylize(style, start - sentence.start, min(end, sentence.end) - sentence.start)
            parts += [("▶ " if is_current else "  ", "bold" if is_current else ""), content, "\n\n"]
        self.query_one("#article", Static).update(Content.assemble(*parts))
        self.query_one("#article-pane").border_subtitle = f"sentence {session.sentence_index + 1}"

    def _render_candidates(self) -> None:
        session = self.session
        option_list = self.query_one("#candidates", OptionList)
        option_list.clear_options()
        option_list.add_options([Option(self._row_prompt(row), id=f"{row.kind.value}-{row.pk}") for row in session.rows])
        pending = sum(row.is_pending for row in session.rows)
        shown = "" if session.row_filter == "all" else f" · only {session.row_filter}"
        option_list.border_title = (
            f"Sentence {session.sentence_index + 1} · {len(session.rows)} candidates · {pending} pending{shown}"
        )
        if session.rows:
            option_list.highlighted = session.cursor

    def _row_prompt(self, row: Row) -> Content:
        prompt = self._row_text(row)
        review = self._review_of(row)
        marks = ("  ⚑" if review.flagged else "") + ("  ✉ " + review.note if review.note else "")
        return Content.assemble(prompt, (visible(marks), "bold #ffaf00")) if marks else prompt

    def _review_of(self, row: Row):
        session = self.session
        if row.kind is TargetKind.ENTITY:
            return session.entity(row.pk).review
        if row.kind is TargetKind.EVENT:
            return session.event(row.pk).review
        return session.argument(row.event_pk, row.pk).review

    def _row_text(self, row: Row) -> Content:
        session = self.session
        document = session.document
        assert document is not None
        text = document.text
        if row.kind is TargetKind.ENTITY:
            entity = session.entity(row.pk)
            start, end = entity.final_span
            label = entity.final("label")
            score = f"{entity.score:.2f}" if entity.score is not None else "  — "
            width = self._words_width()
            words = visible(text[start:end])
            words = words if len(words) <= width else words[: width - 1] + "…"
            hint = self._other_label_hint(text[start:end], label)
            return Content.assemble(
                f"{symbol(entity.review)} ", (f"{words:<{width}}", review_style(entity.review)), " ",
                (f"{label:<9}", label_colour(label)), f"{score}", (hint, "bold #ffaf00") if hint else "",
            )
        if row.kind is TargetKind.EVENT:
            event = session.event(row.pk)
            trigger = visible(text[event.final("trigger_start") : event.final("trigger_end")])
            score = f"{event.score:.2f}" if event.score is not None else "  — "
            marks = []
            if event.attributes.get("polarity") == "negative":
                marks.append("negated")
            if event.attributes.get("modality") == "other":
                marks.append("hypothetical")
            warnings = [message for index, message in self.schema.event_warnings(event, document.entities) if index is None]
            return Content.assemble(
                f"{symbol(event.review)} ", (f"{event.final('type')}", f"bold {review_style(event.review)}"),
                f"  «{trigger}»  {score}", (f"  [{', '.join(marks)}]" if marks else "", "#ffaf00"),
                (f"  ⚠ {'; '.join(warnings)}" if warnings else "", "bold #ffaf00"),
            )
        event = session.event(row.event_pk)
        argument = session.argument(row.event_pk, row.pk)
        index = event.arguments.index(argument)
        entity_id = argument.final("entity_id")
        if entity_id is not None:
            entity = session.entity_by_id(entity_id)
            words = visible(text[entity.final("start") : entity.final("end")]) if entity else f"(missing {entity_id})"
        else:
            words = "“" + visible(text[argument.final("start") : argument.final("end")]) + "”"
        width = self._words_width() + 2
        words = words if len(words) <= width else words[: width - 1] + "…"
        warnings = [message for i, message in self.schema.event_warnings(event, document.entities) if i == index]
        return Content.assemble(
            f"    {symbol(argument.review)} ", (f"{argument.final('role'):<11}", review_style(argument.review)),
            f"→ {words}", (f"  ⚠ {'; '.join(warnings)}" if warnings else "", "bold #ffaf00"),
        )

    def _words_width(self) -> int:
        """Room for a candidate's words: the list is half the screen, less symbol, label and score."""
        return max(8, min(28, self.app.size.width // 2 - 22))

    def _other_label_hint(self, words: str, label: str) -> str:
        others = self.session.labels_of_words.get(words, set()) - {label}
        return f"  ⚠ {'/'.join(sorted(others))} elsewhere" if others else ""
