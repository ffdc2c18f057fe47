"""The results list: a capped window of two-line rows, never thousands of widgets."""

from __future__ import annotations

from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.core.entry import Entry
from tui.core.search import SearchHit
from tui.render import result_row
from tui.theme_palette import palette_of

RESULT_ROWS = 100  # asked of the engine per keystroke; more when the cursor nears the end
PAGE_ROWS = 40  # rows built per step: building all 200 on every keystroke costs ~60 ms


class ResultsList(OptionList):
    """Shows hits; keeps the highlighted entry (by id) across updates."""

    DEFAULT_CSS = """
    ResultsList, ResultsList:focus { height: 1fr; border: none; padding: 0; }
    ResultsList > .option-list--option { padding: 0 1 0 0; }
    """
    BINDINGS: list = []  # every key goes through notesift's keymap

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.hits: list[SearchHit] = []
        self.marked: dict[str, Entry] = {}  # kept across queries, as fzf keeps selections
        self.pending_select: str | None = None
        self.more_available = False
        self.match_style: str | None = None  # None: the theme's match colour

    def show_hits(self, hits: list[SearchHit], keep_id: str | None = None) -> None:
        """Replace the rows; highlight `keep_id` if it is still there, else the first.

        Only a page of rows is built; more are added as the cursor nears the end.
        """
        self.hits = hits
        target = 0
        if keep_id is not None:
            for i, hit in enumerate(self.hits):
                if hit.entry.id == keep_id:
                    target = i
                    break
        self.set_options(self._rows(0, max(PAGE_ROWS, target + PAGE_ROWS // 2)))
        self.highlighted = target if self.hits else None

    def _rows(self, start: int, stop: int) -> list[Option]:
        width = self.row_width
        palette = palette_of(self.app)
        return [
            Option(
                result_row(h, h.entry.id in self.marked, self.match_style, width, palette=palette),
                id=str(i),
            )
            for i, h in enumerate(self.hits[start:stop], start)
        ]

    class NeedMore(Message):
        """The cursor is near the last hit and the search found more."""

    def _ensure_rows(self, index: int) -> None:
        """Build rows up to `index` plus some look-ahead; ask for more hits near the end."""
        built = self.option_count
        if index >= built - 5 and built < len(self.hits):
            self.add_options(self._rows(built, max(index + 1, built) + PAGE_ROWS))
        if index >= len(self.hits) - 5 and self.more_available:
            self.more_available = False
            self.post_message(self.NeedMore())

    @property
    def current(self) -> SearchHit | None:
        index = self.highlighted
        if index is None or not 0 <= index < len(self.hits):
            return None
        return self.hits[index]

    def refresh_row(self, index: int) -> None:
        """Redraw one row (after marking it)."""
        hit = self.hits[index]
        row = result_row(
            hit,
            hit.entry.id in self.marked,
            self.match_style,
            self.row_width,
            palette=palette_of(self.app),
        )
        self.replace_option_prompt_at_index(index, row)

    @property
    def row_width(self) -> int:
        """Cells available to a row (0 before the first layout: no cutting)."""
        # Leave room for the vertical scrollbar (always reserved) and the row padding.
        return max(0, self.size.width - max(2, self.scrollbar_size_vertical) - 2)

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, _theme: object) -> None:
        """Rows carry the theme's colours, so a new theme rebuilds them."""
        if self.hits:
            self.show_hits(self.hits, self.current.entry.id if self.current else None)

    def on_resize(self) -> None:
        if self.hits:
            self.show_hits(self.hits, self.current.entry.id if self.current else None)

    def watch_highlighted(self, highlighted: int | None) -> None:
        """Mouse wheel and scrollbar moves also reach the end of the built rows."""
        super().watch_highlighted(highlighted)
        if highlighted is not None:
            self._ensure_rows(highlighted)

    def move(self, delta: int) -> None:
        if not self.hits:
            return
        index = 0 if self.highlighted is None else self.highlighted
        self.jump(index + delta)

    def jump(self, index: int) -> None:
        if self.hits:
            target = max(0, min(len(self.hits) - 1, index))
            self._ensure_rows(target)
            self.highlighted = target

    @property
    def half_page(self) -> int:
        return max(1, self.scrollable_content_region.height // 4)
