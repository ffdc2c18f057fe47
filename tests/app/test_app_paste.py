"""The TUI stays responsive whatever is typed or pasted (Pilot)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from tui_helpers import ready, settle

from tui.app import AppSettings, NotesiftApp, make_app
from tui.core.search.query import MAX_QUERY_CHARS
from tui.key_burst import KeyBurst, coalesce

PASTE = 30_000


def _app(root: Path, tmp_path: Path) -> NotesiftApp:
    return make_app(AppSettings(root=root, watch=False, cache_dir=tmp_path / "cache",
                                state_file=tmp_path / "state.json"))


def _record_searches(app: NotesiftApp) -> list[str]:
    """The prompt's text at every search the app starts from now on."""
    queries: list[str] = []
    original = app.search.request

    def recording(keep_selection: bool = True) -> None:
        queries.append(app.search_input.value)
        original(keep_selection)

    app.search.request = recording  # type: ignore[method-assign]
    return queries


def _keys(text: str) -> list[events.Key]:
    return [events.Key("space" if ch == " " else ch, ch) for ch in text]


@pytest.mark.asyncio
async def test_a_paste_without_bracketed_paste_runs_one_search_and_ctrl_u_answers(
    example_notes: Path, tmp_path: Path
) -> None:
    app = _app(example_notes, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        shown = app.status_info.matches  # the empty query's list
        searched = _record_searches(app)
        for key in _keys("a" * PASTE):  # as the terminal delivers it: one event per key
            app.post_message(key)
        await settle(pilot, app)
        assert app.search_input.value == "a" * PASTE
        # One search for the paste, not 30,000 (a refresh of the index may add a re-run).
        assert {len(query) for query in searched} == {PASTE}, sorted({len(q) for q in searched})
        limit_message = f"query too long: {PASTE:,} characters (limit {MAX_QUERY_CHARS:,})"
        assert app.status_info.message == limit_message
        assert app.status_info.matches == 0 and app.results.hits == []
        await pilot.press("ctrl+u")
        await settle(pilot, app)
        assert app.search_input.value == ""
        assert app.status_info.message == "" and app.status_info.matches == shown


@pytest.mark.asyncio
async def test_a_key_burst_goes_through_the_keymap_in_order(
    example_notes: Path, tmp_path: Path
) -> None:
    """What the driver packs is typed as the same keys would be; Ctrl keys still act."""
    app = _app(example_notes, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        searched = _record_searches(app)
        messages = [*_keys("zzz qq"), events.Key("ctrl+u", None), *_keys("weekly")]
        for message in coalesce(messages):
            app.post_message(message)
        await settle(pilot, app)
        assert app.search_input.value == "weekly"
        assert set(searched) <= {"zzz qq", "", "weekly"}  # whole bursts, never a prefix
        assert app.results.hits and "weekly" in app.results.hits[0].entry.path.lower()


@pytest.mark.asyncio
async def test_typed_text_replaces_a_selection_like_input_does(
    example_notes: Path, tmp_path: Path
) -> None:
    app = _app(example_notes, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        app.search_input.value = "old words"
        app.search_input.select_all()
        for key in _keys("new"):
            app.post_message(key)
        await settle(pilot, app)
        assert app.search_input.value == "new"


def test_coalesce_packs_only_runs_of_plain_keys() -> None:
    keys = _keys("ab")
    ctrl = events.Key("ctrl+a", None)
    alt = events.Key("alt+b", "b")
    single = _keys("c")
    out = list(coalesce([*keys, ctrl, *single, alt, *_keys("d e")]))
    assert isinstance(out[0], KeyBurst) and [k.character for k in out[0].keys] == ["a", "b"]
    assert out[1] is ctrl
    assert out[2] is single[0]  # a lone key stays a key
    assert out[3] is alt
    assert isinstance(out[4], KeyBurst) and "".join(k.character or "" for k in out[4].keys) == (
        "d e"
    )
