"""The candidate list: one line per candidate of the current sentence, the highlight on the one a key decides.

The screen owns the cursor: it moves the highlight with `show_rows` and `highlight`,
which never report a highlight, so a redraw cannot send a stale position back. The
list has no keys of its own (the screen's bindings move the cursor, in key order);
only a click moves the highlight here, and the list reports it as
`CandidateList.RowHighlighted`, naming the candidate by kind and key.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from annotator.domain import TargetKind
from annotator.review.checks import row_warnings
from annotator.review.document import ALL, DocumentView, Row
from annotator.schema import Schema
from annotator.tui.render import label_colour, review_style, symbol, visible

WARNING_STYLE = "bold #ffaf00"


class CandidateList(OptionList, inherit_bindings=False):
    """The current sentence's candidates; the highlighted line is the one the next key decides."""

    class RowHighlighted(Message):
        """The reviewer clicked a candidate: the row it shows, by kind and key."""

        def __init__(self, candidate_list: CandidateList, row: Row) -> None:
            super().__init__()
            self.candidate_list = candidate_list
            """The list that was clicked."""
            self.row = row
            """The candidate now highlighted."""

        @property
        def control(self) -> CandidateList:
            """The list that was clicked (for `@on` selectors)."""
            return self.candidate_list

    def __init__(self, schema: Schema, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.schema = schema
        """Where event warnings come from."""
        self._rows: list[Row] = []

    @property
    def rows(self) -> list[Row]:
        """The candidates listed, in order."""
        return list(self._rows)

    @property
    def highlighted_row(self) -> Row | None:
        """The highlighted candidate, or None when the list is empty."""
        index = self.highlighted
        return self._rows[index] if index is not None and index < len(self._rows) else None

    def show_rows(
        self, view: DocumentView, rows: Sequence[Row], current: Row | None, sentence_index: int, row_filter: str = ALL,
    ) -> None:
        """List a sentence's rows and highlight `current`; lines of candidates already listed are redrawn in place."""
        pending = sum(row.is_pending for row in rows)
        only = "" if row_filter == ALL else f" · only {row_filter}"
        self.border_title = f"Sentence {sentence_index + 1} · {len(rows)} candidates · {pending} pending{only}"
        width = words_width(self.app.size.width)
        prompts = [candidate_prompt(view, row, self.schema, width) for row in rows]
        with self.prevent(OptionList.OptionHighlighted):
            if list(rows) == self._rows:
                for index, prompt in enumerate(prompts):
                    shown = self.options[index].prompt
                    if not (isinstance(shown, Content) and shown.is_same(prompt)):
                        self.replace_option_prompt_at_index(index, prompt)
            else:
                self._rows = list(rows)
                self.set_options(Option(prompt, id=f"{row.kind.value}-{row.pk}") for row, prompt in zip(rows, prompts))
            self._highlight(current)

    def highlight(self, row: Row | None) -> None:
        """Move the highlight to a listed row (or clear it) without reporting a highlight."""
        with self.prevent(OptionList.OptionHighlighted):
            self._highlight(row)

    def _highlight(self, row: Row | None) -> None:
        self.highlighted = self._rows.index(row) if row is not None and row in self._rows else None

    @on(OptionList.OptionHighlighted)
    def _clicked(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        index = event.option_index
        if index != self.highlighted or index >= len(self._rows) or event.option is not self.options[index]:
            return  # the list has changed since: this highlight no longer means what it names
        self.post_message(self.RowHighlighted(self, self._rows[index]))


def words_width(screen_width: int) -> int:
    """Room for a candidate's words: the list is half the screen, less symbol, label and score."""
    return max(8, min(28, screen_width // 2 - 22))


def candidate_prompt(view: DocumentView, row: Row, schema: Schema, width: int) -> Content:
    """One line of the list: status symbol, words, label or type, score, warnings not dismissed, then flag and note."""
    if row.kind is TargetKind.ENTITY:
        prompt = _entity_line(view, row, width)
    elif row.kind is TargetKind.EVENT:
        prompt = _event_line(view, row)
    else:
        prompt = _argument_line(view, row, width)
    review = view.review_of(row)
    warnings = [text for text in row_warnings(view, row, schema) if text not in review.dismissed]
    if warnings:
        prompt = Content.assemble(prompt, (f"  ⚠ {'; '.join(warnings)}", WARNING_STYLE))
    marks = ("  ⚑" if review.flagged else "") + ("  ✉ " + review.note if review.note else "")
    return Content.assemble(prompt, (visible(marks), WARNING_STYLE)) if marks else prompt


def _clip(words: str, width: int) -> str:
    return words if len(words) <= width else words[: width - 1] + "…"


def _entity_line(view: DocumentView, row: Row, width: int) -> Content:
    text = view.document.text
    entity = view.entity(row.pk)
    start, end = entity.final_span
    label = entity.final("label")
    score = f"{entity.score:.2f}" if entity.score is not None else "  — "
    words = _clip(visible(text[start:end]), width)
    return Content.assemble(
        f"{symbol(entity.review)} ", (f"{words:<{width}}", review_style(entity.review)), " ",
        (f"{label:<9}", label_colour(label)), f"{score}",
    )


def _event_line(view: DocumentView, row: Row) -> Content:
    document = view.document
    event = view.event(row.pk)
    trigger = visible(document.text[event.final("trigger_start") : event.final("trigger_end")])
    score = f"{event.score:.2f}" if event.score is not None else "  — "
    marks = []
    if event.attributes.get("polarity") == "negative":
        marks.append("negated")
    if event.attributes.get("modality") == "other":
        marks.append("hypothetical")
    return Content.assemble(
        f"{symbol(event.review)} ", (f"{event.final('type')}", f"bold {review_style(event.review)}"),
        f"  «{trigger}»  {score}", (f"  [{', '.join(marks)}]" if marks else "", "#ffaf00"),
    )


def _argument_line(view: DocumentView, row: Row, width: int) -> Content:
    document = view.document
    text = document.text
    assert row.event_pk is not None
    argument = view.argument(row.event_pk, row.pk)
    entity_id = argument.final("entity_id")
    if entity_id is not None:
        entity = view.entity_by_id(entity_id)
        words = visible(text[entity.final("start") : entity.final("end")]) if entity else f"(missing {entity_id})"
    else:
        words = "“" + visible(text[argument.final("start") : argument.final("end")]) + "”"
    words = _clip(words, width + 2)
    return Content.assemble(
        f"    {symbol(argument.review)} ", (f"{argument.final('role'):<11}", review_style(argument.review)), f"→ {words}",
    )
