"""Query history (fzf's --history): what is kept, how it is bounded, stepping and picking."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest
from tui_helpers import app_settings, ready, settle, type_text

from tui.app import make_app
from tui.core.search.query_history import HistoryCursor, QueryHistory


def test_history_keeps_newest_last_without_repeats_and_is_bounded(tmp_path: Path) -> None:
    history = QueryHistory(tmp_path / "state" / "history", size=3)
    for query in ["alpha", "beta", "alpha", "  gamma   delta ", "", "epsilon"]:
        history.add(query)
    assert history.load() == ["alpha", "gamma delta", "epsilon"]
    assert (tmp_path / "state" / "history").read_text(encoding="utf-8") == (
        "alpha\ngamma delta\nepsilon\n")


def test_an_unwritable_history_is_not_an_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    history = QueryHistory(blocker / "history")
    assert history.add("x") is False and history.load() == []


def _add_many(path: str, prefix: str) -> None:
    history = QueryHistory(Path(path))
    for i in range(30):
        history.add(f"{prefix}{i}")


def test_processes_adding_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "history"
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_add_many, args=(str(path), p)) for p in "abcd"]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert len(QueryHistory(path).load()) == 120
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".history-")] == []


def test_cursor_steps_back_and_returns_to_the_draft() -> None:
    cursor = HistoryCursor(["old", "newer", "newest"])
    assert cursor.newer() is None, "not browsing yet"
    assert cursor.older("draft") == "newest"
    assert cursor.older("newest") == "newer"
    assert cursor.older("newer") == "old"
    assert cursor.older("old") is None
    assert cursor.newer() == "newer"
    assert cursor.newer() == "newest"
    assert cursor.newer() == "draft"
    assert cursor.newer() is None


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    root = tmp_path / "notes"
    root.mkdir()
    (root / "okapi.md").write_text("# Okapi facts\n\nstriped legs\n", encoding="utf-8")
    (root / "zebra.md").write_text("# Zebra\n\nstripes everywhere\n", encoding="utf-8")
    return root


@pytest.mark.asyncio
async def test_opened_queries_are_saved_and_recalled_with_meta_up(notes: Path, tmp_path: Path
                                                                  ) -> None:
    history_file = tmp_path / "history"
    settings = app_settings(notes, tmp_path, history_file=history_file,
                            editor_runner=lambda argv: 0)
    app = make_app(settings)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot, app)
        await type_text(pilot, app, "okapi")
        await pilot.press("enter")  # opens: the query is kept
        await pilot.press("ctrl+u")
        await type_text(pilot, app, "zebra")
        await pilot.press("enter")
        await pilot.press("ctrl+u")
        await type_text(pilot, app, "typed only")  # never used: not kept
        await pilot.press("ctrl+u")
        await type_text(pilot, app, "draft")
        assert history_file.read_text(encoding="utf-8") == "okapi\nzebra\n"
        await pilot.press("alt+up")
        assert app.search_input.value == "zebra"
        await pilot.press("alt+up")
        assert app.search_input.value == "okapi"
        await pilot.press("alt+down", "alt+down")
        assert app.search_input.value == "draft"
        await settle(pilot, app)


@pytest.mark.asyncio
async def test_history_picker_sets_the_query(notes: Path, tmp_path: Path) -> None:
    history_file = tmp_path / "history"
    QueryHistory(history_file).add("okapi")
    QueryHistory(history_file).add("zebra")
    app = make_app(app_settings(notes, tmp_path, history_file=history_file))
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot, app)
        await pilot.press("alt+r")
        await pilot.pause()
        assert type(app.screen).__name__ == "PickerScreen"
        await pilot.press("j", "enter")  # newest first: zebra, then okapi
        await settle(pilot, app)
        assert app.search_input.value == "okapi"
        assert app.results.current is not None
        assert app.results.current.entry.path == "okapi.md"
