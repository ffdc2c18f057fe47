"""The cheat sheet (`?`) never cuts a note mid-word without saying so."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.widgets import DataTable
from tui_helpers import app_settings, ready, settle

from tui.app import make_app
from tui.core.keys.cheatsheet import cheatsheet_rows

PALETTE_NOTE = "command_palette · needs kitty protocol"


async def _sheet_rows(tmp_path: Path, size: tuple[int, int]) -> tuple[list[list[str]], int, int]:
    root = tmp_path / "notes"
    root.mkdir(exist_ok=True)
    (root / "a.md").write_text("# A\n\ntext\n", encoding="utf-8")
    app = make_app(app_settings(root, tmp_path))
    async with app.run_test(size=size) as pilot:
        await ready(pilot, app)
        await pilot.press("escape", "question_mark")
        await settle(pilot, app)
        assert type(app.screen).__name__ == "CheatSheetScreen"
        table = app.screen.query_one(DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        used = sum(column.get_render_width(table) for column in table.columns.values())
        return rows, used, table.scrollable_content_region.width


@pytest.mark.asyncio
@pytest.mark.parametrize("size", [(120, 40), (100, 30)])
async def test_long_notes_end_in_an_ellipsis_within_the_pane(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    rows, used, width = await _sheet_rows(tmp_path, size)
    assert used <= width, "no column is clipped by the pane's edge"
    full = {(r.key, r.scope): r.note for r in cheatsheet_rows(make_app(
        app_settings(tmp_path / "notes", tmp_path)).keymap)}
    palette = [row for row in rows if row[3].startswith("command_palette")]
    assert palette and palette[0][3] != PALETTE_NOTE and palette[0][3].endswith("…")
    for key, scope, _action, note in rows:
        whole = full[(key, scope)]
        assert note == whole or (note.endswith("…") and whole.startswith(note[:-1])), note
        assert cell_len(note) <= cell_len(whole)


@pytest.mark.asyncio
async def test_a_wide_terminal_shows_the_whole_note(tmp_path: Path) -> None:
    rows, used, width = await _sheet_rows(tmp_path, (180, 40))
    assert used <= width
    assert any(row[3] == PALETTE_NOTE for row in rows)
