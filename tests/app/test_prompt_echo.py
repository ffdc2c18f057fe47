"""Typing repaints the prompt's text line only; its border follows focus and theme."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.geometry import Region
from tui_helpers import app_settings as _settings
from tui_helpers import ready as _ready
from tui_helpers import settle as _settle

from tui.app import make_app

pytestmark = pytest.mark.asyncio


def _row(widget, y: int):  # type: ignore[no-untyped-def]
    return widget.render_lines(Region(0, y, widget.outer_size.width, 1))[0]


async def test_a_typed_character_repaints_the_text_line_not_the_border(
    example_notes: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(_settings(example_notes, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        prompt = app.search_input
        dirty: list[tuple[Region, ...]] = []
        original = prompt._set_dirty

        def spy(*regions: Region) -> None:
            dirty.append(regions)
            original(*regions)

        monkeypatch.setattr(prompt, "_set_dirty", spy)
        await pilot.press("n")
        await _settle(pilot, app)
        assert dirty, "the echo repainted the prompt"
        assert all(regions and all(r.height == 1 and r.y == 0 for r in regions)
                   for regions in dirty), f"only the text line: {dirty}"
        assert "n" in _row(prompt, 1).text


async def test_the_border_repaints_when_focus_or_theme_change(
    example_notes: Path, tmp_path: Path
) -> None:
    app = make_app(_settings(example_notes, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        prompt = app.search_input
        await pilot.press("n", "o")
        await _settle(pilot, app)
        focused_border = _row(prompt, 0)
        await pilot.press("escape")  # insert -> normal: the list takes the focus
        await _settle(pilot, app)
        assert app.focused is not prompt
        blurred_border = _row(prompt, 0)
        assert blurred_border.text == focused_border.text
        assert blurred_border != focused_border, "the border colour follows the focus"
        await pilot.press("i")
        await _settle(pilot, app)
        assert app.focused is prompt
        assert _row(prompt, 0) == focused_border
        await pilot.press("x")
        await _settle(pilot, app)
        before_theme = _row(prompt, 0)
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await pilot.pause()
        await pilot.pause()
        assert _row(prompt, 0) != before_theme, "a new theme repaints the border"
        assert "nox" in _row(prompt, 1).text.replace(" ", "")
