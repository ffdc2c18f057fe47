"""Switching theme in the running app recolours what is already on screen."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tui_helpers import app_settings as _settings
from tui_helpers import ready as _ready
from tui_helpers import settle as _settle
from tui_helpers import type_text as _type

from tui.app import make_app
from tui.theme_palette import palette_of

pytestmark = pytest.mark.asyncio


def _hex(style: str) -> str:
    return next(w for w in style.split() if w.startswith("#")).lower()


async def test_rows_and_preview_take_the_new_theme_at_once(tmp_path: Path) -> None:
    """Read from the exported screen, so it holds whatever draws the rows and preview."""
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
        seen: dict[str, set[str]] = {}
        for theme in ("notesift-dark", "notesift-light", "high-contrast"):
            app.theme = theme
            await _settle(pilot, app)
            await pilot.pause()
            palette = palette_of(app)
            screen = app.export_screenshot().lower()
            wanted = {_hex(palette.match), _hex(palette.badge("note")), _hex(palette.preview_match)}
            assert all(colour in screen for colour in wanted), (theme, wanted)
            seen[theme] = wanted
        dark, light = seen["notesift-dark"], seen["notesift-light"]
        assert not dark & light  # nothing of the old theme's colours is reused by accident
        assert not (dark - light) & set(re.findall(r"#[0-9a-f]{6}", screen))  # none left over
