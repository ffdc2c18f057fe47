"""The results list: a line-API widget that paints only the rows on screen.

Each hit is two screen lines. `render_line` builds a row's `Strip`s on demand and
keeps them in a small cache keyed by everything the row shows (entry, spans,
snippet, mark, cursor, width), so a new keystroke repaints only the rows that
look different (none when the answer looks the same), and a cursor move two
rows. New results never trigger a layout pass: the virtual size is set without
one (the scrollbar is always shown, so the content width never changes).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.events import Click
from textual.geometry import Region, Size
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from tui.core.ingest.entry import Entry
from tui.core.search.engine import SearchHit
from tui.core.text.sanitize import printable
from tui.render import result_row_lines
from tui.theme_palette import palette_of
from tui.widgets.plain_lines import PlainScrollView, line_segments, use_plain_lines

# Asked of the engine per keystroke (more when the cursor nears the end): as many as
# it fine-ranks (FINE_RANK_COUNT); each row past those is presented at extra cost
# for a keystroke that shows the first twenty (10k bench: search p50 22 -> 16 ms).
RESULT_ROWS = 80
ROW_LINES = 2
CACHE_ROWS = 600  # rendered rows kept (two strips each)


def row_key(hit: SearchHit, marked: bool, cursor: bool, width: int) -> Hashable:
    """Everything a painted row depends on: equal keys paint identical rows."""
    entry = hit.entry
    return (
        entry.id, entry.title, tuple(entry.tags), entry.path, entry.breadcrumb, entry.kind,
        repr(sorted(entry.meta.items())) if entry.kind == "tweet" else "",
        tuple(hit.title_spans), hit.snippet, tuple(hit.snippet_spans), hit.match_line,
        hit.partial, marked, cursor, width,
    )


def _strip(text: Text, console: Console, base: Style, width: int) -> Strip:
    """One screen line: `text` over `base`, cut or padded to `width` (a single Strip)."""
    return Strip(Segment.adjust_line_length(line_segments(text, console, base), width, base),
                 width)


class ResultsList(PlainScrollView, can_focus=True):
    """Shows hits; keeps the highlighted entry (by id) across updates."""

    COMPONENT_CLASSES = {"results--cursor", "results--cursor-blurred"}
    DEFAULT_CSS = """
    ResultsList {
        height: 1fr; border: none; padding: 0; overflow-x: hidden; overflow-y: scroll;
        background: $surface; color: $foreground;
    }
    ResultsList > .results--cursor-blurred {
        color: $foreground; background: $block-cursor-blurred-background;
    }
    ResultsList > .results--cursor {
        color: $block-cursor-foreground; background: $block-cursor-background;
        text-style: $block-cursor-text-style;
    }
    """
    BINDINGS: list = []  # every key goes through notesift's keymap

    class NeedMore(Message):
        """The cursor is near the last hit and the search found more."""

    class MarksChanged(Message):
        """An entry was marked or unmarked (Tab); `count` are marked now."""

        def __init__(self, count: int) -> None:
            super().__init__()
            self.count = count

    class Highlighted(Message):
        """The highlighted row changed (moved, or new results)."""

        def __init__(self, results: ResultsList) -> None:
            super().__init__()
            self.results = results

        @property
        def control(self) -> Widget:
            return self.results

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.hits: list[SearchHit] = []
        # Kept across queries, as fzf keeps selections; a mark keeps the hit as it was
        # shown (its match line), which the entry alone does not know.
        self._marked: dict[str, SearchHit] = {}
        self._select_next: str | None = None  # highlight this entry in the next hits
        # Whether the user put the cursor where it is: until then it stays on the first
        # row while hits arrive (a build streaming in, a refresh), as fzf's does.
        self.cursor_placed = False
        self.more_available = False
        self.match_style: str | None = None  # None: the theme's match colour
        self.highlighted: int | None = None
        self._strips: OrderedDict[Hashable, tuple[Strip, Strip]] = OrderedDict()
        self.rows_rendered = 0  # rows built (cache misses): what a repaint really cost
        self.empty_lines: list[str] = []  # shown when there are no hits (the app's help)
        self._style: Style | None = None
        self._frame: tuple[int, int] | None = None  # (scroll y, width) while a frame renders
        use_plain_lines(self)

    # -- content -----------------------------------------------------------------

    def show_hits(self, hits: list[SearchHit], keep_id: str | None = None) -> None:
        """Replace the rows; highlight `keep_id` if it is still there, else the first.

        `keep_id` counts only when the user put the cursor on it; an entry asked for
        with `select_next` wins over it, once.
        """
        placed = self._select_next is not None or (keep_id is not None and self.cursor_placed)
        keep_id = self._select_next or (keep_id if placed else None)
        self._select_next = None
        self.cursor_placed = placed
        before = self._shown_rows()
        self.hits = hits
        target = 0
        if keep_id is not None:
            for i, hit in enumerate(hits):
                if hit.entry.id == keep_id:
                    target = i
                    break
        self._set_virtual_height(len(hits) * ROW_LINES)
        self.highlighted = target if hits else None
        self._scroll_to_cursor(top=keep_id is None)
        self._refresh_changed(before, self._shown_rows())
        self.post_message(self.Highlighted(self))

    def _shown_rows(self) -> tuple[int, list[Hashable]] | None:
        """The scroll offset and the key of each row on screen (None: not rows, or near the end).

        Near the end a repaint may ask for more hits, so those lists are repainted whole.
        """
        region = self.scrollable_content_region
        if not self.hits or region.height <= 0:
            return None
        top = round(self.scroll_offset.y)
        first = top // ROW_LINES
        last = min(len(self.hits), (top + region.height) // ROW_LINES + 1)
        if last >= len(self.hits) - 5:
            return None
        return top, [row_key(self.hits[i], self.hits[i].entry.id in self._marked,
                             i == self.highlighted, region.width) for i in range(first, last)]

    def _refresh_changed(self, before: tuple[int, list[Hashable]] | None,
                         after: tuple[int, list[Hashable]] | None) -> None:
        """Repaint only the rows that look different (typing on often keeps most of them)."""
        if before is None or after is None or before[0] != after[0]:
            self.refresh()
            return
        changed = [i for i, (old, new) in enumerate(zip(before[1], after[1], strict=False))
                   if old != new]
        if len(before[1]) != len(after[1]) or len(changed) == len(after[1]):
            self.refresh()  # one region, not one per row (each refresh has its own cost)
            return
        if not changed:
            return
        top, first = after[0], after[0] // ROW_LINES
        width = max(self.virtual_size.width, self.size.width)
        self.refresh(*(Region(0, (first + i) * ROW_LINES - top, width, ROW_LINES)
                       for i in changed))

    def _set_virtual_height(self, height: int) -> None:
        """A new virtual size without a layout pass (the content width cannot change)."""
        size = Size(self.scrollable_content_region.width, height)
        if size != self.virtual_size:
            self.set_reactive(Widget.virtual_size, size)
            self._scroll_update(size)

    def select_next(self, entry_id: str) -> None:
        """Highlight this entry when the next hits arrive (a jump from a side panel)."""
        self._select_next = entry_id

    # -- marks (Tab) ---------------------------------------------------------------

    def toggle_mark(self) -> None:
        """Mark or unmark the highlighted entry, then move down (as fzf's Tab)."""
        current = self.current
        if current is None:
            return
        entry = current.entry
        if entry.id in self._marked:
            del self._marked[entry.id]
        else:
            self._marked[entry.id] = current
        self.refresh_row(self.highlighted or 0)
        self.move(1)
        self.post_message(self.MarksChanged(len(self._marked)))

    def clear_marks(self) -> None:
        """Unmark everything (the marked entries were opened: the next open starts anew)."""
        if self._marked:
            self._marked.clear()
            self.refresh()
            self.post_message(self.MarksChanged(0))

    def marked_entries(self) -> list[Entry]:
        """The marked entries in the order they were marked."""
        return [hit.entry for hit in self._marked.values()]

    def marked_hits(self) -> list[SearchHit]:
        """The marked entries as their rows showed them when marked (match line included)."""
        return list(self._marked.values())

    @property
    def current(self) -> SearchHit | None:
        index = self.highlighted
        if index is None or not 0 <= index < len(self.hits):
            return None
        return self.hits[index]

    @property
    def option_count(self) -> int:
        return len(self.hits)

    def refresh_row(self, index: int) -> None:
        """Repaint one row (after marking it)."""
        if 0 <= index < len(self.hits):
            self.refresh_lines(index * ROW_LINES, ROW_LINES)

    @property
    def row_width(self) -> int:
        """Cells available to a row: the content width minus one cell of right padding."""
        return max(0, self.scrollable_content_region.width - 1)

    # -- painting ----------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        """A frame's lines: the scroll offset and width are read once, not once a line."""
        self._frame = (round(self.scroll_offset.y), self.scrollable_content_region.width)
        try:
            return super().render_lines(crop)
        finally:
            self._frame = None

    def render_line(self, y: int) -> Strip:
        scroll_y, width = self._frame or (
            round(self.scroll_offset.y), self.scrollable_content_region.width)
        line = scroll_y + y
        index, part = divmod(line, ROW_LINES)
        if not self.hits and self.empty_lines and width > 0:
            return self._help_strip(line, width)
        if not 0 <= index < len(self.hits) or width <= 0:
            return Strip.blank(width, self._base_style())
        if index >= len(self.hits) - 5:
            self._need_more()
        return self._row_strips(index, width)[part]

    def _help_rows(self, width: int) -> list[Text]:
        """The empty list's lines (what was searched, the filters, one hint), wrapped."""
        rows: list[Text] = []
        for i, line in enumerate(self.empty_lines):
            text = Text(printable(line), style="bold" if i == 0 else "dim")
            rows.extend(text.wrap(self.app.console, max(1, width - 3)))
        for row in rows:
            row.pad_left(2)
        return rows

    def _help_strip(self, line: int, width: int) -> Strip:
        rows = self._help_rows(width)
        if line >= len(rows):
            return Strip.blank(width, self._base_style())
        return _strip(rows[line], self.app.console, self._base_style(), width)

    def _row_strips(self, index: int, width: int) -> tuple[Strip, Strip]:
        hit = self.hits[index]
        marked = hit.entry.id in self._marked
        cursor = index == self.highlighted
        key = row_key(hit, marked, cursor, width)
        cached = self._strips.get(key)
        if cached is not None:
            self._strips.move_to_end(key)
            return cached
        self.rows_rendered += 1
        lines = result_row_lines(hit, marked, self.match_style, max(0, width - 1),
                                 palette=palette_of(self.app))
        base = self._cursor_style() if cursor else self._base_style()
        console = self.app.console
        built = (_strip(lines[0], console, base, width), _strip(lines[1], console, base, width))
        self._strips[key] = built
        if len(self._strips) > CACHE_ROWS:
            self._strips.popitem(last=False)
        return built

    def _base_style(self) -> Style:
        """The widget's style, computed once per style change (it walks every ancestor)."""
        if self._style is None:
            self._style = self.rich_style
        return self._style

    def _cursor_style(self) -> Style:
        component = "results--cursor" if self.has_focus else "results--cursor-blurred"
        return self._base_style() + self.get_component_rich_style(component, partial=True)

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, _theme: object) -> None:
        """Rows carry the theme's colours, so a new theme rebuilds them."""
        self._style = None
        self._strips.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        """A theme or focus change restyles every row."""
        super().notify_style_update()
        self._style = None
        self._strips.clear()

    def on_focus(self) -> None:
        self._style = None
        self._repaint_cursor()

    def on_blur(self) -> None:
        self._style = None
        self._repaint_cursor()

    def _repaint_cursor(self) -> None:
        if self.highlighted is not None:
            self.refresh_row(self.highlighted)

    def on_resize(self) -> None:
        self._set_virtual_height(len(self.hits) * ROW_LINES)
        self._scroll_to_cursor()

    # -- moving ------------------------------------------------------------------

    def _need_more(self) -> None:
        if self.more_available:
            self.more_available = False
            self.post_message(self.NeedMore())

    def _scroll_to_cursor(self, top: bool = False) -> None:
        if self.highlighted is None or top:
            self.scroll_to(y=0, animate=False, immediate=True)
            return
        first = self.highlighted * ROW_LINES
        height = self.scrollable_content_region.height
        scroll_y = round(self.scroll_offset.y)
        if first < scroll_y:
            self.scroll_to(y=first, animate=False, immediate=True)
        elif first + ROW_LINES > scroll_y + height:
            self.scroll_to(y=first + ROW_LINES - height, animate=False, immediate=True)

    def _move_cursor(self, target: int) -> None:
        self.cursor_placed = True
        previous = self.highlighted
        if previous == target:
            return
        self.highlighted = target
        if previous is not None:
            self.refresh_row(previous)
        self.refresh_row(target)
        self._scroll_to_cursor()
        if target >= len(self.hits) - 5:
            self._need_more()
        self.post_message(self.Highlighted(self))

    def move(self, delta: int) -> None:
        if not self.hits:
            return
        index = 0 if self.highlighted is None else self.highlighted
        self.jump(index + delta)

    def jump(self, index: int) -> None:
        if self.hits:
            self._move_cursor(max(0, min(len(self.hits) - 1, index)))

    @property
    def half_page(self) -> int:
        return max(1, self.scrollable_content_region.height // 4)

    def on_click(self, event: Click) -> None:
        """A click highlights the row under the pointer."""
        line = round(self.scroll_offset.y) + event.y
        index = line // ROW_LINES
        if 0 <= index < len(self.hits):
            self.jump(index)

    def region_of_row(self, index: int) -> Region:
        """Where row `index` is painted, relative to the widget (for tests and tools)."""
        return Region(0, index * ROW_LINES - round(self.scroll_offset.y), self.size.width,
                      ROW_LINES)
