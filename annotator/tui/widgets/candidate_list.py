"""The candidate list: one line per candidate of the current sentence, the highlight on the one a key decides.

The screen owns the cursor: it moves the highlight with `show_rows` and `highlight`,
which never report a highlight, so a redraw cannot send a stale position back. The
list has no keys of its own (the screen's bindings move the cursor, in key order);
only a click moves the highlight here, and the list reports it as
`CandidateList.RowHighlighted`, naming the candidate by kind and key.
"""

from __future__ import annotations

from textual import on
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from annotator.domain import Status
from annotator.review.document import ALL, Row
from annotator.schema import Schema
from annotator.tui.place import Place
from annotator.tui.widgets.rows import (
    CONFIRMED_EMPTY,
    NEEDS_CONFIRMATION,
    candidate_line,
    drawn_from,
    entity_words_width,
    words_width,
)

JUMP_HINT_STYLE = "bold reverse #ffaf00"
"""Row hints while a jump waits for its letters."""


class CandidateList(OptionList, inherit_bindings=False):
    """The current sentence's candidates, a page at a time; the highlighted line is the one the next key decides."""

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
        """Where the attributes of events are read from."""
        self._rows: list[Row] = []
        self._place: Place | None = None
        self._shown_notice: str | None = None
        self._jumping = False
        self._drawn: dict[Row, tuple[tuple[object, ...], tuple[object, ...], Content]] = {}
        """Each listed row's line with what it was drawn from, so a decision draws again only the lines it changed."""

    @property
    def rows(self) -> list[Row]:
        """The candidates listed, in order."""
        return list(self._rows)

    @property
    def highlighted_row(self) -> Row | None:
        """The highlighted candidate, or None when the list is empty."""
        index = self.highlighted
        return self._rows[index] if index is not None and index < len(self._rows) else None

    def show_rows(self, place: Place, current: Row | None) -> None:
        """List a place's rows and highlight `current`; lines of candidates already listed are redrawn in place.

        A sentence left with nothing to review says so on a line of its own: what the
        machine found nothing in is where a missed entity hides.
        """
        assert place.view is not None
        pending = [row.status for row in place.rows].count(Status.PENDING)
        only = "" if place.row_filter == ALL else f" · only {place.row_filter}"
        rows = place.page
        paged = ""
        if len(rows) < len(place.rows):
            paged = f" · rows {place.page_start + 1}–{place.page_start + len(rows)}"
        self.border_title = (
            f"Sentence {place.sentence_index + 1} · {len(place.rows)} candidates · {pending} pending{only}{paged}"
        )
        self._place = place
        prompts = self._prompts(place)
        notice = self._notice(place)
        with self.prevent(OptionList.OptionHighlighted):
            if list(rows) == self._rows and notice == self._shown_notice:
                self._replace_prompts({
                    index: prompt for index, prompt in enumerate(prompts)
                    if (shown := self.options[index].prompt) is not prompt
                    and not (isinstance(shown, Content) and shown.is_same(prompt))
                })
            else:
                self._drawn = {row: self._drawn[row] for row in rows if row in self._drawn}
                self._rows = list(rows)
                self._shown_notice = notice
                options = [Option(prompt, id=f"{row.kind.value}-{row.pk}") for row, prompt in zip(rows, prompts)]
                if notice is not None:
                    options.append(Option(Content.styled(notice, "bold italic"), disabled=True))
                self.set_options(options)
            self._highlight(current)

    def _replace_prompts(self, prompts: dict[int, Content]) -> None:
        """Give some lines new prompts, drawing again only those.

        `OptionList.replace_option_prompt_at_index` drops the drawing of every line, and
        drawing a screenful again cost more than the rest of a decision's key in a sentence
        of thousands of candidates; so the changed lines' drawings alone are dropped here.
        This reaches into `OptionList`'s caches, which is why pyproject.toml pins textual.
        """
        if not prompts:
            return
        changed = set()
        for index, prompt in prompts.items():
            option = self.options[index]
            option._set_prompt(prompt)
            changed.add(option)
        drawn = self._option_render_cache
        for key in [key for key in drawn.keys() if key[0] in changed]:
            drawn.discard(key)
        self.refresh()  # every line stays one line high (app.tcss: text-wrap: nowrap), so the heights stand

    def show_hints(self, jumping: bool) -> None:
        """Stand the rows' letter hints out while a jump waits for them, or dim them again."""
        if jumping == self._jumping:
            return
        self._jumping = jumping
        if self._place is not None:
            with self.prevent(OptionList.OptionHighlighted):
                for index, prompt in enumerate(self._prompts(self._place)):
                    self.replace_option_prompt_at_index(index, prompt)

    def _prompts(self, place: Place) -> list[Content]:
        assert place.view is not None
        page = place.page
        hints = place.hints if len(place.hints) == len(page) else ("",) * len(page)
        hint_width = max((len(hint) for hint in hints), default=0)
        # The pane is half the screen, less its border and the scrollbar.
        width = words_width(self.app.size.width // 2 - 4, hint_width)
        column = entity_words_width(place.view, page, width)
        hint_style = JUMP_HINT_STYLE if self._jumping else "dim"
        prompts = []
        for row, hint in zip(page, hints):
            warnings = place.warnings_of(row)
            sources, inputs = drawn_from(place.view, row), (warnings, hint, hint_style, width, column)
            drawn = self._drawn.get(row)
            if drawn is None or drawn[1] != inputs or any(a is not b for a, b in zip(drawn[0], sources, strict=True)):
                line = candidate_line(place.view, row, self.schema, width, warnings, f"{hint:<{hint_width}}", hint_style, column)
                drawn = self._drawn[row] = (sources, inputs, line)
            prompts.append(drawn[2])
        return prompts

    @staticmethod
    def _notice(place: Place) -> str | None:
        assert place.view is not None
        if place.needs_confirmation:
            return NEEDS_CONFIRMATION
        if not place.rows and place.row_filter == ALL and place.view.document.sentences:
            return CONFIRMED_EMPTY
        return None

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

