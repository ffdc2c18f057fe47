"""Snapshots of the key helpers: the which-key popup and the cheat-sheet screen.

Pinned like tests/app/test_snapshots.py: no watcher, a fixed theme, no cursor blink,
user directories in tmp_path, and every worker finished before the picture.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from textual.widgets import Input
from tui_helpers import settle as _settle

from tui.app import AppSettings, make_app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "notes"


def _app(tmp_path: Path, keymap_file: Path | None = None):  # type: ignore[no-untyped-def]
    root = tmp_path / "notes"
    shutil.copytree(EXAMPLES, root)
    return make_app(
        AppSettings(
            root=root,
            watch=False,
            theme="notesift-dark",
            cache_dir=tmp_path / "cache",
            state_file=tmp_path / "state.json",
            keymap_file=keymap_file,
        )
    )


async def _ready(pilot) -> None:  # type: ignore[no-untyped-def]
    app = pilot.app
    app.search_input.cursor_blink = False
    deadline = time.monotonic() + 10
    while not app.indexed or app.result is None:
        if time.monotonic() > deadline:
            raise AssertionError("index never became ready")
        await pilot.pause(0.05)
    await _settle(pilot, app)
    await pilot.pause()
    await _settle(pilot, app)


def test_which_key_popup_after_y(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        app = pilot.app
        await _ready(pilot)
        await pilot.press("escape", "y")
        await pilot.pause(0.5)  # the popup shows after 0.35 s
        assert app.which_key.has_class("-open")
        await pilot.pause()

    # A long sequence timeout (not shown anywhere) so a slow machine cannot time `y`
    # out before the picture is taken; the popup itself is the default keymap's.
    slow = tmp_path / "keymap.toml"
    slow.write_text("timeout_ms = 30000\n", encoding="utf-8")
    app = _app(tmp_path, keymap_file=slow)
    assert snap_compare(app, terminal_size=(120, 40), run_before=run_before)


def test_cheat_sheet_screen(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        app = pilot.app
        await _ready(pilot)
        await pilot.press("alt+h")
        await pilot.pause()
        assert type(app.screen).__name__ == "CheatSheetScreen"
        for field in app.screen.query(Input):
            field.cursor_blink = False
        await _settle(pilot, app)
        await pilot.pause()

    assert snap_compare(_app(tmp_path), terminal_size=(120, 40), run_before=run_before)

