"""The results list and the preview skip Textual's per-line styling, and look the same.

`PlainStylesCache` hands a widget's own strips to the screen; these tests compare
what it paints with what Textual's general `StylesCache` paints for the same
widget, cursor row, highlights, preview border and padding included.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile_text import write_hostile_notes
from rich.segment import Segment
from textual._styles_cache import StylesCache
from textual.geometry import Region
from textual.scrollbar import ScrollBar
from textual.strip import Strip
from tui_helpers import app_settings as _settings
from tui_helpers import ready as _ready
from tui_helpers import settle as _settle
from tui_helpers import type_text as _type

from tui.app import make_app
from tui.render import result_row_lines
from tui.theme_palette import palette_of
from tui.widgets.plain_lines import LineScrollBar, PlainStylesCache, line_segments, plain_box

pytestmark = pytest.mark.asyncio


def _lines(widget, cache: StylesCache) -> list[Strip]:  # type: ignore[no-untyped-def]
    widget._styles_cache = cache
    width, height = widget.outer_size
    return widget.render_lines(Region(0, 0, width, height))


async def test_list_and_preview_paint_what_textual_would(
    example_notes: Path, tmp_path: Path
) -> None:
    app = make_app(_settings(example_notes, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        await _type(pilot, app, "note")
        await _settle(pilot, app)
        await pilot.pause()
        assert app.results.hits and app.preview.shown_id is not None
        for widget in (app.results, app.preview):
            assert isinstance(widget._styles_cache, PlainStylesCache)
            short = _lines(widget, PlainStylesCache())
            general = _lines(widget, StylesCache())
            assert [s.text for s in short] == [s.text for s in general]
            assert short == general, f"{type(widget).__name__}: same segments and styles"
            assert any(s.text.strip() for s in short)
        # The preview's left border and side padding are there, as Textual draws them.
        assert app.preview.styles.border.left[0]
        assert app.preview.styles.padding.left


async def test_a_styled_widget_takes_textuals_path(example_notes: Path, tmp_path: Path) -> None:
    """A top border, a tint or opacity: the short path steps aside (same lines as Textual)."""
    app = make_app(_settings(example_notes, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        await _type(pilot, app, "note")
        await _settle(pilot, app)
        preview = app.preview
        preview.styles.border_top = ("heavy", "red")
        preview.styles.tint = "blue 20%"
        await pilot.pause()
        base, background = preview.background_colors
        assert plain_box(preview.styles, base, background, 1.0) is None
        short = _lines(preview, PlainStylesCache())
        general = _lines(preview, StylesCache())
        assert short == general
        assert short[0].text.startswith("┏")


async def test_the_preview_scrollbar_paints_what_textuals_would(
    example_notes: Path, tmp_path: Path
) -> None:
    """Thumb and track at several offsets (the thumb's eighth-cell ends included)."""
    app = make_app(_settings(example_notes, tmp_path))
    async with app.run_test(size=(120, 20)) as pilot:
        await _ready(pilot, app)
        longest = max(app.results.hits, key=lambda h: len(h.entry.text))
        app.preview.show(longest, [], force=True)
        await pilot.pause()
        bar = app.preview.vertical_scrollbar
        assert isinstance(bar, LineScrollBar)
        assert app.preview.virtual_size.height > app.preview.size.height, "a thumb to draw"
        seen = set()
        for y in range(0, app.preview.max_scroll_y + 1, 3):
            app.preview.scroll_to(y=y, animate=False, immediate=True)
            await pilot.pause()
            bar._render_content()
            short = list(bar._render_cache.lines)
            ScrollBar._render_content(bar)
            assert list(bar._render_cache.lines) == short, f"offset {y}"
            seen.add(tuple(s.text for s in short))
        assert len(seen) > 1, "the thumb moved"


async def test_result_rows_are_the_segments_rich_would_render(
    example_notes: Path, tmp_path: Path
) -> None:
    """`line_segments` (no style stack) against Rich's render, for every row the list shows,
    marked or not, under the cursor or not, cut to a narrow or wide width."""
    write_hostile_notes(example_notes / "hostile")
    app = make_app(_settings(example_notes, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        results = app.results
        console = app.console
        styles = [results._base_style(), results._cursor_style()]
        for query in ("note", "kind:tweet", "okapi", "#hostile", "sect"):
            await pilot.press("ctrl+u")
            await _type(pilot, app, query)
            await _settle(pilot, app)
            assert results.hits, query
            for hit in results.hits:
                for marked, width in ((False, 59), (True, 17), (False, 200)):
                    for line in result_row_lines(hit, marked, None, width,
                                                 palette=palette_of(app)):
                        for base in styles:
                            rich = list(Segment.apply_style(line.render(console), base))
                            assert line_segments(line, console, base) == rich, line.plain
