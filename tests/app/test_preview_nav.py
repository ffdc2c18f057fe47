"""`n` / `N` jump between the highlighted matches in the preview (normal mode)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_helpers import app_settings as _settings
from tui_helpers import ready as _ready
from tui_helpers import settle as _settle
from tui_helpers import type_text as _type

from tui.app import NotesiftApp, make_app
from tui.core.keys.cheatsheet import cheatsheet_rows
from tui.core.keys.keymap_file import load_keymap


def _long_note(root: Path) -> None:
    """One section, taller than the pane, with three sightings far apart."""
    lines = ["# Field guide", ""]
    for n in range(1, 50):
        if n in (8, 24, 40):
            lines.append(f"The okapi appears here, sighting {n}.")
        else:
            lines.append(f"Filler sentence number {n}, about nothing in particular.")
    (root / "guide.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _row_text(app: NotesiftApp, row: int) -> str:
    app.preview._wrap_until(rows=row + 1)
    return app.preview._rows[row].plain


@pytest.mark.asyncio
async def test_n_and_N_walk_the_matches_in_the_preview_and_wrap(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    root.mkdir()
    _long_note(root)
    app = make_app(_settings(root, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        await _type(pilot, app, "okapi")
        await pilot.press("escape")
        await _settle(pilot, app)
        # The preview opens on the first sighting (the hit's match line).
        async def press(key: str) -> str:
            await pilot.press(key)
            await pilot.pause()
            row = app.preview.current_match
            assert row is not None
            top = round(app.preview.scroll_offset.y)
            assert top <= row < top + app.preview.size.height, "the match is on screen"
            return _row_text(app, row)

        assert (await press("n")).endswith("sighting 24.")
        assert (await press("n")).endswith("sighting 40.")
        assert (await press("n")).endswith("sighting 8."), "past the last: the first, as vim"
        assert any("continuing at TOP" in str(n.message) for n in app._notifications)
        assert (await press("N")).endswith("sighting 40."), "before the first: the last"
        assert (await press("N")).endswith("sighting 24.")
        assert app.search_input.value == "okapi", "n/N are not typed in normal mode"


@pytest.mark.asyncio
async def test_n_without_highlights_says_so(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    root.mkdir()
    _long_note(root)
    app = make_app(_settings(root, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        await pilot.press("escape", "n")
        await pilot.pause()
        assert app.preview.current_match is None
        assert any("no highlighted match" in str(n.message) for n in app._notifications)


def test_the_keymap_names_n_and_N_and_the_cheat_sheet_lists_them() -> None:
    keymap, problems = load_keymap()
    assert not problems
    rows = {(r.key, r.scope): r for r in cheatsheet_rows(keymap)}
    assert any(k == "n" and "Next match in the preview" in r.action for (k, _), r in rows.items())
    assert any(k == "N" and "Previous match" in r.action for (k, _), r in rows.items())
