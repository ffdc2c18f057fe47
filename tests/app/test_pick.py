"""`notesift pick`: what Enter, Tab and Esc do in picker mode, and what gets printed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tui_helpers import app_settings, ready, striped_notes, type_text

from tui.app import PICK_CANCELLED, PICK_CHOSEN, PICK_NOTHING, PickOptions, make_app
from tui.core.ingest.entry import Entry
from tui.core.search.engine import SearchHit
from tui.pick_cli import format_picked


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    return striped_notes(tmp_path)


def _app(notes: Path, tmp_path: Path, multi: bool = False, query: str = ""):  # type: ignore[no-untyped-def]
    editor_calls: list[list[str]] = []
    settings = app_settings(notes, tmp_path, pick=PickOptions(multi=multi), initial_query=query,
                            editor_runner=lambda argv: editor_calls.append(argv) or 0)
    return make_app(settings), editor_calls


@pytest.mark.asyncio
async def test_enter_chooses_the_current_entry_instead_of_opening_it(notes: Path, tmp_path: Path
                                                                     ) -> None:
    app, editor_calls = _app(notes, tmp_path, query="ituri")
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot, app)
        await pilot.press("enter")
        await pilot.pause()
    assert app.return_code == PICK_CHOSEN
    assert [(h.entry.path, h.match_line) for h in app.picked] == [("okapi.md", 4)]
    assert editor_calls == []


@pytest.mark.asyncio
@pytest.mark.parametrize("key", ["escape", "ctrl+c", "ctrl+g", "ctrl+q"])
async def test_cancel_keys_exit_130_with_nothing(notes: Path, tmp_path: Path, key: str) -> None:
    app, _ = _app(notes, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot, app)
        await pilot.press(key)
        await pilot.pause()
    assert app.return_code == PICK_CANCELLED and app.picked == []


@pytest.mark.asyncio
async def test_enter_on_an_empty_list_exits_1(notes: Path, tmp_path: Path) -> None:
    app, _ = _app(notes, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot, app)
        await type_text(pilot, app, "qqzzxxjj")
        await pilot.press("enter")
        await pilot.pause()
    assert app.return_code == PICK_NOTHING


@pytest.mark.asyncio
async def test_multi_chooses_every_marked_entry(notes: Path, tmp_path: Path) -> None:
    app, _ = _app(notes, tmp_path, multi=True, query="striped")
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot, app)
        await pilot.press("tab", "tab", "enter")
        await pilot.pause()
    assert app.return_code == PICK_CHOSEN
    assert sorted(h.entry.path for h in app.picked) == ["okapi.md", "zebra.md"]


def _hit(path: str = "sub/a.md", line: int = 3) -> SearchHit:
    entry = Entry(id=path, kind="note", title="A", path=path, line=1, end_line=3,
                  text="# A\n\nfind the needle here", tags=("x",))
    return SearchHit(entry=entry, score=1.0, match_line=line, snippet="find the needle here",
                     snippet_spans=[(9, 15)])


def test_formats(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    hits = [_hit()]
    assert format_picked(hits, root, "path", relative=False) == f"{root}/sub/a.md:3\n"
    assert format_picked(hits, root, "path", relative=True, cwd=tmp_path) == "notes/sub/a.md:3\n"
    assert format_picked(hits, root, "file", relative=True, cwd=root) == "sub/a.md\n"
    assert format_picked(hits, root, "vimgrep", relative=True, cwd=root) == (
        "sub/a.md:3:10:find the needle here\n")
    row = json.loads(format_picked(hits, root, "json", relative=False))
    assert row["abspath"] == f"{root}/sub/a.md" and row["match_line"] == 3
