"""The echo of a typed key and a new answer are drawn in the turn they happen.

Textual draws a change after a few hops through the event loop (the widget's idle
turn, the screen's, the update timer's). The prompt's echo and a search's answer
are drawn at once instead: the echo before the search starts, the answer before
`show_result` returns. Counted in frames written, never in time.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from textual.app import App
from tui_helpers import app_settings, ready, settle, type_text

from tui.app import make_app
from tui.app_keys import KeyRouter
from tui.app_search import SearchRunner

pytestmark = pytest.mark.asyncio

def _count_frames(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every frame the app writes, as the text it sends (headless: nothing is sent)."""
    frames: list[str] = []
    original = App._display

    def display(self, screen, update):  # type: ignore[no-untyped-def]
        if update is not None:
            frames.append(update.render_segments(self.console))
        return original(self, screen, update)

    monkeypatch.setattr(App, "_display", display)
    return frames


async def test_the_echo_is_drawn_before_the_search_starts(
    example_notes: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    frames = _count_frames(monkeypatch)
    seen: list[tuple[str, bool]] = []  # (the query a search started for, echoed by then)
    original = SearchRunner.request

    def request(self, keep_selection=True):  # type: ignore[no-untyped-def]
        query = self.app.search_input.value
        seen.append((query, any(query in frame for frame in frames)))
        return original(self, keep_selection)

    monkeypatch.setattr(SearchRunner, "request", request)
    app = make_app(app_settings(example_notes, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        seen.clear()
        await type_text(pilot, app, "zqxj")
        await settle(pilot, app)
    typed = [echoed for query, echoed in seen if query in ("zq", "zqx", "zqxj")]
    assert typed and all(typed), seen


async def test_an_answer_is_drawn_before_show_result_returns(
    example_notes: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    frames = _count_frames(monkeypatch)
    drawn: list[bool] = []
    original = SearchRunner.show_result

    def show_result(self, seq, query, result, *, first=False):  # type: ignore[no-untyped-def]
        before = len(frames)
        original(self, seq, query, result, first=first)
        if result.hits:
            title = result.hits[0].entry.title[:20]
            drawn.append(any(title in frame for frame in frames[before:]))

    monkeypatch.setattr(SearchRunner, "show_result", show_result)
    app = make_app(app_settings(example_notes, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        drawn.clear()  # the launch's answers may come while its layouts are pending
        await type_text(pilot, app, "rust")
        await settle(pilot, app)
    assert drawn and all(drawn), drawn


async def test_the_answer_is_handed_over_not_awaited(
    example_notes: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The answer is handed over, not awaited: an awaited hand-over
    (`call_from_thread`) keeps the search thread blocked inside it until `_finished`
    returns, competing for the GIL with the writer thread sending the frame. Checked
    by state, never by waiting; what the thread does after posting is not checked."""
    handing_over: list[int] = [0]  # search threads blocked in an awaited hand-over
    calls: list[int] = []
    job, finished = SearchRunner._job, SearchRunner._finished
    call_from_thread = App.call_from_thread
    job_threads: set[int] = set()

    def recording_job(self, seq, *args):  # type: ignore[no-untyped-def]
        job_threads.add(threading.get_ident())
        return job(self, seq, *args)

    def awaited(self, callback, *args, **kwargs):  # type: ignore[no-untyped-def]
        inside = threading.get_ident() in job_threads
        handing_over[0] += inside
        try:
            return call_from_thread(self, callback, *args, **kwargs)
        finally:
            handing_over[0] -= inside

    def recording_finished(self, seq, *args):  # type: ignore[no-untyped-def]
        calls.append(handing_over[0])
        return finished(self, seq, *args)

    monkeypatch.setattr(SearchRunner, "_job", recording_job)
    monkeypatch.setattr(SearchRunner, "_finished", recording_finished)
    monkeypatch.setattr(App, "call_from_thread", awaited)
    app = make_app(app_settings(example_notes, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        await type_text(pilot, app, "rust")
        await settle(pilot, app)
    assert calls and not any(calls), calls


async def test_a_typed_key_is_echoed_in_the_turn_it_reaches_the_prompt(
    example_notes: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not after the prompt's idle turn, the screen's and the update timer's."""
    frames = _count_frames(monkeypatch)
    echoed: list[tuple[str, bool]] = []
    original = KeyRouter.flush_typed

    def flush_typed(self):  # type: ignore[no-untyped-def]
        before = len(frames)
        original(self)
        value = self.app.search_input.value
        if value:
            echoed.append((value, any(value in frame for frame in frames[before:])))

    monkeypatch.setattr(KeyRouter, "flush_typed", flush_typed)
    app = make_app(app_settings(example_notes, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        echoed.clear()
        await type_text(pilot, app, "zq")
    assert [value for value, _ in echoed] == ["z", "zq"]
    assert all(drawn for _, drawn in echoed), echoed


async def test_the_search_thread_ends_with_the_app(example_notes: Path, tmp_path: Path) -> None:
    app = make_app(app_settings(example_notes, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        await type_text(pilot, app, "rust")
    assert app.search.thread.join(timeout=60.0)  # a hang, not a timing: it ends at once
