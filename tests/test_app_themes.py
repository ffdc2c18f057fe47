"""Switching theme in the running app recolours what is already on screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.style import Style
from textual.geometry import Region
from tui_helpers import app_settings as _settings
from tui_helpers import ready as _ready
from tui_helpers import settle as _settle
from tui_helpers import type_text as _type

from tui.app import make_app
from tui.theme_palette import palette_of

pytestmark = pytest.mark.asyncio


def _colours(text) -> set[str]:  # type: ignore[no-untyped-def]
    found = set()
    for span in text.spans:
        style = span.style if isinstance(span.style, Style) else Style.parse(str(span.style))
        if style.color is not None:
            found.add(style.color.get_truecolor().hex)
    return found


def _painted_colours(widget, lines: int) -> set[str]:  # type: ignore[no-untyped-def]
    """Foreground colours of the first `lines` screen rows of a line-API widget."""
    found = set()
    for strip in widget.render_lines(Region(0, 0, widget.outer_size.width, lines)):
        for segment in strip:
            style = segment.style
            if style is not None and style.color is not None:
                found.add(style.color.get_truecolor().hex)
    return found


def _hex(style: str) -> str:
    return next(w for w in style.split() if w.startswith("#")).lower()


async def test_rows_and_preview_take_the_new_theme_at_once(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    root.mkdir()
    (root / "ferret.md").write_text(
        "# Ferret care\n\nThe ferret sleeps.\n\n```python\nferret = 'awake'\n```\n",
        encoding="utf-8",
    )
    app = make_app(_settings(root, tmp_path, theme="notesift-dark"))
    async with app.run_test(size=(120, 30)) as pilot:
        await _ready(pilot, app)
        await _type(pilot, app, "ferret")
        for theme in ("notesift-dark", "notesift-light", "high-contrast"):
            app.theme = theme
            await _settle(pilot, app)
            await pilot.pause()
            palette = palette_of(app)
            row = _painted_colours(app.results, 2)
            assert _hex(palette.match) in row, theme
            assert _hex(palette.badge("note")) in row, theme
            preview = _painted_colours(app.preview, app.preview.outer_size.height)
            assert _hex(palette.preview_match) in preview, theme
