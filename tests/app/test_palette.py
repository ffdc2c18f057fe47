"""The command palette: each action once, notesift's themes before Textual's."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from textual.command import CommandList
from tui_helpers import HANG_S, app_settings, ready

from tui.app import make_app
from tui.core.resources import theme_names

pytestmark = pytest.mark.asyncio


async def _palette_prompts(pilot, app) -> list[str]:  # type: ignore[no-untyped-def]
    """The rows the open palette shows (plain text), once they stop changing."""
    deadline = time.monotonic() + HANG_S
    shown: list[str] = []
    while time.monotonic() < deadline:
        await pilot.pause(0.1)
        lists = app.screen.query(CommandList)
        rows = [str(o.prompt).split("\n")[0] for o in lists.first().options] if lists else []
        if rows and rows == shown:
            return rows
        shown = rows
    return shown


async def test_palette_lists_quit_once_and_no_textual_keys_panel(notes_dir: Path,
                                                                tmp_path: Path) -> None:
    app = make_app(app_settings(notes_dir, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        assert [c.title for c in app.get_system_commands(app.screen)] == ["Theme", "Screenshot"]
        await pilot.press("alt+x")
        rows = await _palette_prompts(pilot, app)
    quits = [r for r in rows if "quit" in r.lower()]
    assert len(quits) == 1, quits
    assert "Keys" not in rows
    assert "Theme" in rows
    assert "Pick a past query from the history" in rows


async def test_theme_picker_lists_shipped_themes_first(notes_dir: Path, tmp_path: Path) -> None:
    app = make_app(app_settings(notes_dir, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        app.search_themes()
        rows = await _palette_prompts(pilot, app)
        shipped = theme_names()
        assert len(shipped) == 5
        assert sorted(rows[:5]) == sorted(shipped)
        assert "textual-dark" in rows[5:]
        await pilot.press(*"light")
        rows = await _palette_prompts(pilot, app)
        assert rows[0] == "notesift-light"
        await pilot.press("enter")
        await pilot.pause()
    assert app.theme == "notesift-light"


@pytest.fixture
def notes_dir(tmp_path: Path) -> Path:
    root = tmp_path / "notes"
    root.mkdir()
    (root / "a.md").write_text("# A note\n\ntext\n", encoding="utf-8")
    return root


async def test_an_unknown_theme_notice_keeps_its_line_break(notes_dir: Path, tmp_path: Path
                                                           ) -> None:
    app = make_app(app_settings(notes_dir, tmp_path, theme="no-such-theme"))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        shown = [n.message for n in app._notifications]
    notice = next(m for m in shown if "no-such-theme" in m)
    assert "\n" in notice and "\u240a" not in notice, notice
    assert app.theme == "notesift-dark"
