"""Rare terms: what is found as typed is shown while typo/pinyin alternatives are looked up.

The full search is held on an event (never a wall-clock wait), so each test sees
the screen between the first answer and the full one.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from tui_helpers import app_settings as _settings
from tui_helpers import ready as _ready
from tui_helpers import settle as _settle

from tui.app import NotesiftApp, make_app

pytestmark = pytest.mark.asyncio


def _notes(tmp_path: Path) -> Path:
    root = tmp_path / "notes"
    root.mkdir()
    (root / "trip.md").write_text("# Shanghai trip\nWe flew to shanghai in May.\n", "utf-8")
    (root / "weather.md").write_text("# 上海\n上海的天气很好\n", "utf-8")  # read: shanghai
    return root


def _hold_full_searches(app: NotesiftApp) -> tuple[threading.Event, list[tuple[str, bool]]]:
    """Full searches (widen=True) wait for the returned event; every call is recorded."""
    engine = app.engine()
    assert engine is not None
    release = threading.Event()
    calls: list[tuple[str, bool]] = []
    original = engine.search

    def held(query, *args, **kw):  # type: ignore[no-untyped-def]
        widen = kw.get("widen", True)
        calls.append((query, widen))
        if widen:
            release.wait(10)
        return original(query, *args, **kw)

    engine.search = held  # type: ignore[method-assign]
    return release, calls


async def _until(pilot, condition) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, "never happened"
        await pilot.pause(0.01)


async def test_a_first_answer_shows_while_pinyin_is_looked_up_then_the_full_one(
    tmp_path: Path,
) -> None:
    app = make_app(_settings(_notes(tmp_path), tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        app.search.first_answer_wait = 0
        release, _ = _hold_full_searches(app)
        app.search_input.value = "shang"
        await _until(pilot, lambda: app.status_info.refining)
        assert [h.entry.path for h in app.results.hits] == ["trip.md"], "found as typed"
        assert "1…/" in str(app.status.render()), "the count says more may come"
        release.set()
        await _settle(pilot, app)
        assert not app.status_info.refining
        assert [h.entry.path for h in app.results.hits] == ["trip.md", "weather.md"]
        assert "2/" in str(app.status.render())


async def test_a_full_answer_that_comes_soon_is_the_only_one_painted(tmp_path: Path) -> None:
    app = make_app(_settings(_notes(tmp_path), tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        app.search.first_answer_wait = 3600  # the full answer always comes first
        shown: list[list[str]] = []
        original = app.results.show_hits

        def spy(hits, *args, **kw):  # type: ignore[no-untyped-def]
            shown.append([h.entry.path for h in hits])
            return original(hits, *args, **kw)

        app.results.show_hits = spy  # type: ignore[method-assign]
        app.search_input.value = "shang"
        await _settle(pilot, app)
        assert shown == [["trip.md", "weather.md"]], "one paint: the full answer"


async def test_a_newer_key_skips_the_rest_of_a_stale_search(tmp_path: Path) -> None:
    app = make_app(_settings(_notes(tmp_path), tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        engine = app.engine()
        assert engine is not None
        first_pass = threading.Event()
        calls: list[tuple[str, bool]] = []
        original = engine.search

        def held(query, *args, **kw):  # type: ignore[no-untyped-def]
            calls.append((query, kw.get("widen", True)))
            if query == "shang":
                first_pass.wait(10)
            return original(query, *args, **kw)

        engine.search = held  # type: ignore[method-assign]
        app.search_input.value = "shang"
        await _until(pilot, lambda: calls)
        held_seq = app.search.seq
        app.search_input.value = "shanghai"
        # The newer query is asked for (not merely typed) before the held search goes on.
        await _until(pilot, lambda: app.search.seq > held_seq)
        first_pass.set()
        await _settle(pilot, app)
        assert ("shang", True) not in calls, "the stale query was not widened"
        assert calls[-1] == ("shanghai", True)
        assert app.results.hits and app.results.hits[0].entry.path == "trip.md"


async def test_a_slow_search_says_searching_until_its_answer_is_shown(tmp_path: Path) -> None:
    app = make_app(_settings(_notes(tmp_path), tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        app.search.first_answer_wait = 3600  # only the full answer is painted
        app.search.slow_search_after = 0.05
        release, _ = _hold_full_searches(app)
        app.search_input.value = "shang"
        await _until(pilot, lambda: app.status_info.searching)
        assert "searching…" in str(app.status.render())
        release.set()
        await _settle(pilot, app)
        assert not app.status_info.searching
        assert "searching…" not in str(app.status.render())
        assert [h.entry.path for h in app.results.hits] == ["trip.md", "weather.md"]
