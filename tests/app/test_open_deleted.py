"""<CR> on an entry whose file was deleted since it was listed refuses, naming it."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_helpers import app_settings, ready, settle, type_text, until

from tui.app import NotesiftApp, make_app


def _notes(root: Path) -> None:
    root.mkdir()
    for name in ("alpha", "beta", "gamma"):
        (root / f"{name}.md").write_text(f"# {name}\n\nwalrus {name}\n", encoding="utf-8")


def _app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
         ) -> tuple[Path, NotesiftApp, list[list[str]]]:
    """Three notes holding "walrus", and an app whose editor only records its argv."""
    root = tmp_path / "notes"
    _notes(root)
    calls: list[list[str]] = []
    monkeypatch.setenv("EDITOR", "nano")
    monkeypatch.delenv("VISUAL", raising=False)
    app = make_app(app_settings(root, tmp_path, editor_runner=lambda a: calls.append(a) or 0))
    return root, app, calls


@pytest.mark.asyncio
async def test_enter_on_a_deleted_note_says_so_and_starts_no_editor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, app, calls = _app(tmp_path, monkeypatch)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        await type_text(pilot, app, "walrus")
        current = app.results.current
        assert current is not None
        gone = current.entry.path
        (root / gone).unlink()  # no watcher in tests: the row stays, as in the seconds before one
        await pilot.press("enter")
        await settle(pilot, app)
        assert calls == []
        assert [str(n.message) for n in app._notifications] == [f"{gone} was deleted"]
        await until(pilot, lambda: all(h.entry.path != gone for h in app.results.hits),
                    "the deleted note's row leaving the list")


@pytest.mark.asyncio
async def test_marked_entries_skip_the_deleted_ones_and_name_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, app, calls = _app(tmp_path, monkeypatch)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        await type_text(pilot, app, "walrus")
        await pilot.press("escape", "tab", "tab", "tab")
        marked = [h.entry.path for h in app.results.marked_hits()]
        assert len(marked) == 3
        (root / marked[1]).unlink()
        await pilot.press("enter")
        await settle(pilot, app)
        kept = [str(root / p) for p in (marked[0], marked[2])]
        assert len(calls) == 1 and [a for a in calls[0] if a.startswith(str(root))] == kept
        assert [str(n.message) for n in app._notifications] == [
            f"not opened, deleted since listed: {marked[1]}"
        ]


@pytest.mark.asyncio
async def test_a_notes_folder_found_above_the_cwd_is_named_at_start(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    root.mkdir()
    (root / "a.md").write_text("# A\n", encoding="utf-8")
    line = f"notes folder: {root} (it holds .notesift/tags.json; the current folder is inside it)"
    app = make_app(app_settings(root, tmp_path, root_notice=line))
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot, app)
        assert [str(n.message) for n in app._notifications] == [line]
