"""The results list repaints only what changed, and the preview only when it must.

These count work done (rows built, preview rebuilds, layout requests), never time.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from textual.geometry import Region
from tui_helpers import HANG_S
from tui_helpers import app_settings as _settings
from tui_helpers import ready as _ready
from tui_helpers import settle as _settle
from tui_helpers import type_text as _type

from tui.app import make_app
from tui.widgets.status import StatusLine

pytestmark = pytest.mark.asyncio


def _painted(widget) -> list[str]:  # type: ignore[no-untyped-def]
    width, height = widget.outer_size
    return [strip.text for strip in widget.render_lines(Region(0, 0, width, height))]


async def test_moving_the_cursor_rebuilds_only_the_two_rows_involved(
    example_notes: Path, tmp_path: Path
) -> None:
    app = make_app(_settings(example_notes, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        await _type(pilot, app, "kind:tweet")
        await pilot.press("escape")
        await _settle(pilot, app)
        built = app.results.rows_rendered
        await pilot.press("j")
        await pilot.pause()
        assert app.results.highlighted == 1
        assert app.results.rows_rendered - built == 2, "old cursor row + new cursor row"
        built = app.results.rows_rendered
        await pilot.press("k")
        await pilot.pause()
        assert app.results.rows_rendered == built, "both looks of those rows were cached"


async def test_new_results_never_ask_for_a_layout_pass(
    example_notes: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(_settings(example_notes, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        layouts: list[str] = []
        for widget in (app.results, app.screen, app.query_one("#body")):
            original = widget.refresh

            def spy(*args, _orig=original, _w=widget, **kw):  # type: ignore[no-untyped-def]
                if kw.get("layout"):
                    layouts.append(type(_w).__name__)
                return _orig(*args, **kw)

            monkeypatch.setattr(widget, "refresh", spy)
        await _type(pilot, app, "tweet")
        await _type(pilot, app, "s")
        assert app.results.hits
        assert "ResultsList" not in layouts


async def test_the_list_shows_marks_cursor_and_partial_rows(
    example_notes: Path, tmp_path: Path
) -> None:
    app = make_app(_settings(example_notes, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        await _type(pilot, app, "kind:tweet")
        await pilot.press("escape", "tab")
        await pilot.pause()
        lines = _painted(app.results)
        assert lines[0].startswith("● T "), lines[0]
        assert app.results.highlighted == 1, "Tab marks and moves on, as in fzf"
        title = app.results.hits[1].entry.title[:20]
        assert title in lines[2]
        cursor_style = app.results.render_lines(Region(0, 2, 60, 1))[0]
        plain_style = app.results.render_lines(Region(0, 4, 60, 1))[0]
        assert cursor_style.text != "" and list(cursor_style)[1].style != list(plain_style)[1].style


async def test_preview_is_rebuilt_only_when_the_entry_or_its_highlights_change(
    example_notes: Path, tmp_path: Path
) -> None:
    app = make_app(_settings(example_notes, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        await _type(pilot, app, "kind:tweet")
        shown = app.preview.renders
        app.request_search()  # a refresh (e.g. the watcher) with the same results
        await _settle(pilot, app)
        await pilot.pause()
        assert app.preview.renders == shown, "same entry, same highlights: no rebuild"
        await pilot.press("escape", "j")
        await _settle(pilot, app)
        await pilot.pause()
        assert app.preview.renders == shown + 1
        assert app.preview.shown_id == app.results.current.entry.id  # type: ignore[union-attr]


async def test_typed_characters_echo_before_the_search_answers(
    example_notes: Path, tmp_path: Path
) -> None:
    app = make_app(_settings(example_notes, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        engine = app.engine()
        assert engine is not None
        release = threading.Event()
        original = engine.search

        def slow_search(*args, **kw):  # type: ignore[no-untyped-def]
            release.wait(HANG_S)
            return original(*args, **kw)

        engine.search = slow_search  # type: ignore[method-assign]
        before = app.result
        await pilot.press("z", "o")
        await pilot.pause()
        await pilot.pause()
        assert "zo" in "".join(_painted(app.search_input)), "the prompt shows what was typed"
        assert app.result is before, "while the search is still running"
        release.set()
        await _settle(pilot, app)
        assert app.result is not before


async def test_keys_typed_during_a_search_are_searched_once_together(
    example_notes: Path, tmp_path: Path
) -> None:
    app = make_app(_settings(example_notes, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        engine = app.engine()
        assert engine is not None
        release = threading.Event()
        searched: list[str] = []
        original = engine.search

        def held_search(query, *args, **kw):  # type: ignore[no-untyped-def]
            searched.append(query)
            release.wait(HANG_S)
            return original(query, *args, **kw)

        engine.search = held_search  # type: ignore[method-assign]
        await pilot.press("z")
        while not searched:
            await pilot.pause(0.02)
        await pilot.press("o", "o", "m")
        await pilot.pause()
        release.set()
        await _settle(pilot, app)
        # "zoom" may be searched twice (as typed, then with its typo alternatives).
        assert list(dict.fromkeys(searched)) == ["z", "zoom"], "stale queries are skipped"
        assert app.results.hits
        assert all("zoom" in (h.entry.title + h.entry.text).lower() for h in app.results.hits)


async def test_an_answer_that_looks_the_same_repaints_no_row_and_a_changed_one_only_its_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "notes"
    root.mkdir()
    for n in range(40):
        (root / f"n{n:02}.md").write_text(f"# Note {n:02}\n\ncommon words\n", encoding="utf-8")
    app = make_app(_settings(root, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        await _type(pilot, app, "common")
        await pilot.pause()
        results = app.results
        hits = list(results.hits)
        assert len(hits) == 40
        painted: list[int] = []
        original = results.render_line

        def spy(y: int):  # type: ignore[no-untyped-def]
            painted.append(y)
            return original(y)

        monkeypatch.setattr(results, "render_line", spy)
        results.show_hits(list(hits))  # the same answer again (a refresh, a space typed)
        await pilot.pause()
        await pilot.pause()
        assert painted == [], "no row looks different"
        changed = list(hits)
        changed[3], changed[4] = hits[4], hits[3]
        results.show_hits(changed)
        await pilot.pause()
        await pilot.pause()
        assert sorted(set(painted)) == [6, 7, 8, 9], "rows 3 and 4, two lines each"
        assert hits[4].entry.title in _painted(results)[6]


async def test_showing_an_entry_sets_the_preview_height_once(
    example_notes: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each height change updates and repaints the scrollbar; the wrap goes on meanwhile."""
    app = make_app(_settings(example_notes, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        preview = app.preview
        updates: list[int] = []
        original = preview._scroll_update

        def spy(size):  # type: ignore[no-untyped-def]
            updates.append(size.height)
            original(size)

        hits = sorted(app.results.hits, key=lambda h: len(h.entry.text))
        preview.show(hits[0], ["the"])
        await pilot.pause()
        monkeypatch.setattr(preview, "_scroll_update", spy)
        assert preview.show(hits[-1], ["the"])
        assert len(updates) == 1, "one height for the new entry, not one per wrap step"
        await pilot.pause()
        assert preview.virtual_size.height >= preview.size.height
        assert round(preview.scroll_offset.y) <= preview.max_scroll_y


async def test_new_highlights_in_the_same_entry_repaint_only_the_lines_that_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "notes"
    root.mkdir()
    lines = [f"line {n:02} of plain prose" for n in range(40)]
    lines[5] = "the okapi line"
    lines[9] = "another okapi here"
    (root / "zoo.md").write_text("# Zoo\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    app = make_app(_settings(root, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        preview = app.preview
        hit = app.results.hits[0]
        preview.show(hit, ["plain"])
        await pilot.pause()
        await pilot.pause()
        painted: list[int] = []
        original = preview.render_line

        def spy(y: int):  # type: ignore[no-untyped-def]
            painted.append(y)
            return original(y)

        monkeypatch.setattr(preview, "render_line", spy)
        assert preview.show(hit, ["xylophone"])  # highlights gone: every prose line changes
        await pilot.pause()
        await pilot.pause()
        assert len(set(painted)) > 20
        painted.clear()
        assert preview.show(hit, ["okap"])
        await pilot.pause()
        await pilot.pause()
        shown = [s.text for s in preview.render_lines(Region(0, 0, *preview.outer_size))]
        okapi_rows = sorted(i for i, text in enumerate(shown) if "okapi" in text)
        assert len(okapi_rows) == 2
        assert sorted(set(painted)) == okapi_rows, "only the two lines holding the new term"
        painted.clear()
        assert preview.show(hit, ["zebra"])  # no match, as "xylophone": looks the same
        await pilot.pause()
        await pilot.pause()
        assert sorted(set(painted)) == okapi_rows, "the okapi lines lose their highlight"


async def test_the_status_counts_full_matches_and_partial_ones_apart(tmp_path: Path) -> None:
    """`80/57006` for a query four entries answer (TRY5 §4): the count is of entries
    with every word, the partial rows after them are counted on their own."""
    root = tmp_path / "notes"
    root.mkdir()
    (root / "both.md").write_text("# Both\n\nharbour lantern\n", encoding="utf-8")
    for i in range(3):
        (root / f"one{i}.md").write_text(f"# One {i}\n\nharbour only\n", encoding="utf-8")
    app = make_app(_settings(root, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        await _type(pilot, app, "harbour lantern")
        assert len(app.results.hits) == 4
        assert (app.status_info.matches, app.status_info.partial) == (1, 3)
        status = _painted(app.query_one(StatusLine))[0]
        assert " 1/4 +3 partial" in status, status
