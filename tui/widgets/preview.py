"""The preview pane: the entry rendered, scrolled to and highlighting the match.

A line-API widget: the entry's text is wrapped to the pane lazily, one source
line at a time, only as far as the screen (or a scroll) needs, and each painted
row is cached. Showing another entry sets a new virtual size without a layout
pass, so it repaints the pane alone; a long entry costs no more than a short one.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Region, Size
from textual.selection import Selection
from textual.strip import Strip
from textual.widget import Widget

from tui.core.search.engine import SearchHit
from tui.core.search.spans import find_all
from tui.core.text.fold import fold
from tui.render import preview_text
from tui.text_wrap import wrap_text
from tui.theme_palette import palette_of
from tui.widgets.plain_lines import PlainScrollView, line_segments, use_plain_lines

CONTEXT_ROWS = 3  # rows shown above the match line
BODY_START = 2  # the title and location lines come first


@dataclass(frozen=True, slots=True)
class MatchJump:
    """Where `n`/`N` went: the display row, whether it wrapped around the entry, and
    which of the entry's match lines it is (`number` of `count`, from 1)."""

    row: int
    wrapped: bool
    number: int = 1
    count: int = 1


def _shown_key(hit: SearchHit | None, terms: list[str]) -> tuple[object, ...] | None:
    """What the preview shows: the entry as it is now, the highlighted terms, the match line."""
    if hit is None:
        return None
    entry = hit.entry
    return (entry.id, entry.title, entry.text, tuple(entry.tags), entry.path, entry.line,
            tuple(terms), hit.match_line)


class PreviewPane(PlainScrollView, can_focus=True):
    """Shows one hit; rows are wrapped and painted only when they come into view."""

    # The scrollbar is always there: one that comes and goes with the entry's length
    # is a layout pass of the whole screen on the keystroke that toggles it.
    DEFAULT_CSS = """
    PreviewPane { padding: 0 1; overflow-x: hidden; overflow-y: scroll; }
    """
    BINDINGS: list = []

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.match_style: str | None = None  # None: the theme's match colour
        self._shown: tuple[SearchHit | None, list[str]] = (None, [])
        self.shown_id: str | None = None
        self._shown_key: tuple[object, ...] | None = ()
        self._entry: tuple[str, str] | None = None  # (id, text) of the entry shown
        self.renders = 0  # how often the content was rebuilt (tests check it stays put)
        self._source: list[Text] = []  # one Text per source line of the preview
        self._rows: list[Text] = []  # wrapped display rows, as far as wrapped so far
        self._row_of_source: list[int] = []  # first display row of each wrapped source line
        self._strips: dict[int, Strip] = {}
        self._wrap_width = 0
        self._terms: list[str] = []
        self._style: Style | None = None
        self.current_match: int | None = None  # display row of the match `n`/`N` went to
        self._holding_size = False  # while rewrapping: the height is set once, at the end
        self._frame: tuple[int, int] | None = None  # (scroll y, width) while a frame renders
        use_plain_lines(self)

    # -- content -----------------------------------------------------------------

    def show(self, hit: SearchHit | None, terms: list[str], force: bool = False) -> bool:
        """Show `hit`; False (and nothing repainted) when it would look the same as now."""
        key = _shown_key(hit, terms)
        if key == self._shown_key and not force:
            return False
        self._shown_key = key
        self._shown = (hit, list(terms))
        self.renders += 1
        if hit is None:
            self.shown_id = self._entry = None
            self._set_source([])
            return True
        self._terms = list(terms)
        self.current_match = None
        text, match_offset = preview_text(
            hit.entry, terms, hit.match_line, self.match_style, palette=palette_of(self.app)
        )
        same = (hit.entry.id, hit.entry.text) == self._entry and self.text_selection is None
        old_strips, old_top = (self._strips, round(self.scroll_offset.y)) if same else (None, 0)
        self.shown_id = hit.entry.id
        self._entry = (hit.entry.id, hit.entry.text)
        match_source = text.plain.count("\n", 0, match_offset) if match_offset else 0
        # The height is set once, when the rows down to a screenful below the match are
        # wrapped: each change of it updates (and repaints) the scrollbar.
        self._holding_size = True
        try:
            self._set_source(text.split("\n", allow_blank=True), repaint=old_strips is None)
            row = self._display_row(match_source)
            if self._content_width() != self._wrap_width:
                # Wrapping down to the match showed the scrollbar, which narrows the rows:
                # wrap again at the width they are painted at, or the scroll misses the match.
                self._reset_rows()
                row = self._display_row(match_source)
            top = max(0, row - CONTEXT_ROWS)
            self._wrap_until(rows=top + max(1, self.size.height))
        finally:
            self._holding_size = False
        self._update_virtual_size()
        if old_strips is not None and top == old_top:
            self._repaint_changed(old_strips, top)
        else:
            if old_strips is not None:
                self.refresh()
            self.scroll_to(y=top, animate=False, immediate=True)
        return True

    def _repaint_changed(self, old: dict[int, Strip], top: int) -> None:
        """The same entry with other highlights, at the same place: repaint the rows that
        look different (a longer word typed changes the few lines holding it)."""
        width = self._content_width()
        changed = []
        for y in range(max(1, self.size.height)):
            row = top + y
            self._wrap_until(rows=row + 1)
            if row >= len(self._rows):
                if row in old:
                    changed.append(y)
                continue
            strip = self._row_strip(row, self._rows[row], width)
            before = old.get(row)
            if before is not None and before == strip:
                strip = before  # the same object: what Textual keeps of it stays valid
            else:
                changed.append(y)
            self._strips[row] = strip
        if changed:
            self.refresh(*(Region(0, y, width, 1) for y in changed))

    def jump_to_match(self, step: int) -> MatchJump | None:
        """Scroll to the next (`step` 1) or previous (-1) source line holding a match.

        The current match is the one at the context offset from the top; None when the
        entry has no highlighted match at all.
        """
        matches = self._match_lines()
        if not matches:
            return None
        rows = [self._display_row(i) for i in matches]
        top = self.current_match
        if top is None:
            top = round(self.scroll_offset.y) + CONTEXT_ROWS
        if step > 0:
            later = [r for r in rows if r > top]
            target, wrapped = (later[0], False) if later else (rows[0], True)
        else:
            earlier = [r for r in rows if r < top]
            target, wrapped = (earlier[-1], False) if earlier else (rows[-1], True)
        self._scroll_to_row(max(0, target - CONTEXT_ROWS))
        self.current_match = target
        return MatchJump(target, wrapped, rows.index(target) + 1, len(rows))

    def _scroll_to_row(self, top: int) -> None:
        """Put display row `top` at the top, wrapping a screenful below it first: the
        height counts unwrapped lines as one row, and a scroll past it is cut short
        (the match of a long note was shown ten rows too high)."""
        self._wrap_until(rows=top + max(1, self.size.height))
        self.scroll_to(y=top, animate=False, immediate=True)

    def _match_lines(self) -> list[int]:
        """Source lines (below the title and location lines) where a term is highlighted."""
        terms = [t for t in self._terms if t]
        if not terms:
            return []
        return [
            index
            for index, line in enumerate(self._source)
            if index >= BODY_START and any(find_all(fold(line.plain), t, 1) for t in terms)
        ]

    @property
    def plain_text(self) -> str:
        """Everything the preview holds, unwrapped (what a reader could scroll to)."""
        return "\n".join(line.plain for line in self._source)

    def _set_source(self, lines: list[Text], repaint: bool = True) -> None:
        self._source = lines
        self._reset_rows()
        if repaint:
            self.scroll_to(y=0, animate=False, immediate=True)
            self.refresh()

    def _reset_rows(self) -> None:
        self._rows = []
        self._row_of_source = []
        self._strips = {}
        # The new height may show or hide the scrollbar, and the width follows it:
        # wrap at the width the rows will be painted at.
        self._update_virtual_size()
        self._wrap_width = self._content_width()

    def _rewrap(self) -> int:
        """Wrap again at the current width; the row the source line at the top is at now.

        The height is set once, after a screenful is wrapped below that line: set
        from the rows wrapped so far, it could cut the scroll position short.
        """
        top = max(0, bisect.bisect_right(self._row_of_source, round(self.scroll_offset.y)) - 1)
        self._rows, self._row_of_source, self._strips = [], [], {}
        self._wrap_width = self._content_width()
        self._holding_size = True
        try:
            self._wrap_until(source=top)
            row = self._row_of_source[top] if top < len(self._row_of_source) else len(self._rows)
            self._wrap_until(rows=row + max(1, self.size.height))
        finally:
            self._holding_size = False
        self._update_virtual_size()
        return row

    def _show_from(self, row: int) -> None:
        self._scroll_to_row(row)
        self.refresh()

    def _content_width(self) -> int:
        if self._frame is not None:
            return self._frame[1]
        return max(1, self.scrollable_content_region.width)

    def _wrap_until(self, rows: int | None = None, source: int | None = None) -> None:
        """Wrap source lines until `rows` display rows or source line `source` exist."""
        width = self._wrap_width
        wrapped_any = False
        while len(self._row_of_source) < len(self._source):
            if rows is not None and len(self._rows) >= rows:
                break
            if source is not None and len(self._row_of_source) > source:
                break
            line = self._source[len(self._row_of_source)]
            self._row_of_source.append(len(self._rows))
            pieces = wrap_text(line, width) if line.plain else [line]
            self._rows.extend(pieces or [Text("")])
            wrapped_any = True
        if wrapped_any:
            self._update_virtual_size()

    def _display_row(self, source: int) -> int:
        self._wrap_until(source=source)
        if source < len(self._row_of_source):
            return self._row_of_source[source]
        return len(self._rows)

    def _update_virtual_size(self) -> None:
        """Rows wrapped so far plus one per source line not wrapped yet (a lower bound)."""
        if self._holding_size:
            return
        height = len(self._rows) + len(self._source) - len(self._row_of_source)
        size = Size(self._content_width(), height)
        if size != self.virtual_size:
            self.set_reactive(Widget.virtual_size, size)
            self._scroll_update(size)

    def _wrap_all(self) -> None:
        self._wrap_until()

    # -- painting ----------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        """A frame's lines: the scroll offset and width are read once, not once a line."""
        self._frame = (round(self.scroll_offset.y), max(1, self.scrollable_content_region.width))
        try:
            return super().render_lines(crop)
        finally:
            self._frame = None

    def render_line(self, y: int) -> Strip:
        scroll_y, width = self._frame or (round(self.scroll_offset.y), self._content_width())
        row = scroll_y + y
        if width != self._wrap_width:
            # The width changed under a frame (a resize, a scrollbar that came or went).
            # Scrolling now would leave the rows this frame already painted stale (and
            # Textual counts them clean once it ends): rewrap, and scroll and paint the
            # whole pane again next frame.
            self.call_later(self._show_from, self._rewrap())
        self._wrap_until(rows=row + 1)
        if row >= len(self._rows):
            return Strip.blank(width, self._base_style())
        selection = self.text_selection
        cached = self._strips.get(row)
        if cached is not None and selection is None:
            return cached
        text = self._rows[row]
        if selection is not None and (span := selection.get_span(row)) is not None:
            start, end = span
            text = text.copy()
            style = self.screen.get_component_rich_style("screen--selection")
            text.stylize(style, start, len(text) if end == -1 else end)
        strip = self._row_strip(row, text, width)
        if selection is None:
            self._strips[row] = strip
        return strip

    def _row_strip(self, row: int, text: Text, width: int) -> Strip:
        base = self._base_style()
        line = Segment.adjust_line_length(line_segments(text, self.app.console, base), width,
                                          base)
        return Strip(line, width).apply_offsets(0, row)

    def on_resize(self) -> None:
        if self._content_width() != self._wrap_width:
            self._scroll_to_row(self._rewrap())
            self.refresh()

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, _theme: object) -> None:
        """The preview carries the theme's colours, so a new theme redraws it."""
        top = round(self.scroll_offset.y)
        self._style = None
        self.show(*self._shown, force=True)
        self.scroll_to(y=top, animate=False, immediate=True)

    def _base_style(self) -> Style:
        """The widget's style, computed once per style change (it walks every ancestor)."""
        if self._style is None:
            self._style = self.rich_style
        return self._style

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._style = None
        self._strips = {}

    def on_focus(self) -> None:
        self.notify_style_update()

    def on_blur(self) -> None:
        self.notify_style_update()

    # -- selection (ys copies it) ----------------------------------------------------

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        self._wrap_all()
        return selection.extract("\n".join(row.plain for row in self._rows)), "\n"

    def selection_updated(self, selection: Selection | None) -> None:
        self._strips = {}
        self.refresh()

    # -- scrolling to the end needs every row wrapped ------------------------------

    def scroll_end(self, *args: object, **kwargs: object) -> None:  # type: ignore[override]
        self._wrap_all()
        super().scroll_end(*args, **kwargs)  # type: ignore[arg-type]

    def scroll_page_down(self, *args: object, **kwargs: object) -> None:  # type: ignore[override]
        self._wrap_until(rows=round(self.scroll_offset.y) + 3 * max(1, self.size.height))
        super().scroll_page_down(*args, **kwargs)  # type: ignore[arg-type]

    def scroll_relative(self, *args: object, **kwargs: object) -> None:  # type: ignore[override]
        self._wrap_until(rows=round(self.scroll_offset.y) + 2 * max(1, self.size.height) + 10)
        super().scroll_relative(*args, **kwargs)  # type: ignore[arg-type]
