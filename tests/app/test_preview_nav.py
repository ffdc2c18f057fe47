"""`n` / `N` jump between the highlighted matches in the preview (normal mode)."""

from __future__ import annotations

import re
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


def _status(app: NotesiftApp) -> str:
    return str(app.status.render()).rstrip()


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
        assert _status(app).endswith("match 2/3")
        assert (await press("n")).endswith("sighting 40.")
        assert (await press("n")).endswith("sighting 8."), "past the last: the first, as vim"
        assert _status(app).endswith("match 1/3 · search hit BOTTOM, continuing at TOP")
        assert (await press("N")).endswith("sighting 40."), "before the first: the last"
        assert _status(app).endswith("match 3/3 · search hit TOP, continuing at BOTTOM")
        assert (await press("N")).endswith("sighting 24.")
        assert _status(app).endswith("match 2/3")
        assert not app._notifications, "the status line says it, no toast"
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
        assert _status(app).endswith("no highlighted match in the preview")


@pytest.mark.asyncio
async def test_n_at_the_only_match_says_so_once_and_another_entry_clears_it(
    tmp_path: Path,
) -> None:
    root = tmp_path / "notes"
    root.mkdir()
    (root / "one.md").write_text("# One\n\nThe only okapi here.\n", encoding="utf-8")
    (root / "two.md").write_text("# Two\n\nAnother okapi.\n", encoding="utf-8")
    app = make_app(_settings(root, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        await _type(pilot, app, "okapi")
        await pilot.press("escape")
        await _settle(pilot, app)
        for _ in range(3):
            await pilot.press("n")
            await pilot.pause()
        assert _status(app).endswith("match 1/1 · search hit BOTTOM, continuing at TOP")
        assert _status(app).count("match") == 1
        assert not app._notifications, "no pile of identical toasts over the preview"
        await pilot.press("j")
        await _settle(pilot, app)
        assert "match 1/1" not in _status(app), "the count was about the other entry"


def test_the_keymap_names_n_and_N_and_the_cheat_sheet_lists_them() -> None:
    keymap, problems = load_keymap()
    assert not problems
    rows = {(r.key, r.scope): r for r in cheatsheet_rows(keymap)}
    assert any(k == "n" and "Next match in the preview" in r.action for (k, _), r in rows.items())
    assert any(k == "N" and "Previous match" in r.action for (k, _), r in rows.items())


@pytest.mark.asyncio
async def test_a_match_at_the_end_of_a_huge_line_is_shown_and_reached_by_n(
    tmp_path: Path,
) -> None:
    """The row's snippet shows a match 300,000 characters into one line: the preview
    shows that part too, says what it left out on each side, and `n` finds it."""
    root = tmp_path / "notes"
    root.mkdir()
    words = " ".join(["gravel", "pebble", "cobble"] * 100_000)
    line = f"{words} boulderfinch {words}"
    (root / "quarry.md").write_text(f"# Quarry\n\n{line}\n", encoding="utf-8")
    app = make_app(_settings(root, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        await _type(pilot, app, "boulderfinch")
        await pilot.press("escape")
        await _settle(pilot, app)
        shown = app.preview.plain_text.split("\n")[-2]
        left_out = re.fullmatch(r"\[\+(\d+) chars\]… (.*) …\[\+(\d+) chars\]", shown)
        assert left_out, f"the marks say both ends were cut: {shown[:40]}…{shown[-40:]}"
        start, part, after = int(left_out[1]), left_out[2], int(left_out[3])
        assert "boulderfinch" in part
        assert line[start : start + len(part)] == part, "the marks count what was left out"
        assert start + len(part) + after == len(line)
        await pilot.press("n")
        await pilot.pause()
        assert _status(app).endswith("match 1/1 · search hit BOTTOM, continuing at TOP")
        await pilot.press("i")
        await _type(pilot, app, " gravel")
        await _settle(pilot, app)
        assert "match" not in _status(app), "n's message was about the last answer"
