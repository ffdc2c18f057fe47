"""The which-key popup waits for you once shown, and its labels are never cut or wrapped.

Time is a fake clock handed to the key sequencer: the test moves it forward and
fires the app's timeout handler itself, so nothing depends on how fast the
machine is.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_clock import FakeClock
from textual.geometry import Region
from tui_helpers import app_settings as _settings
from tui_helpers import ready as _ready
from tui_helpers import record_actions

from tui.app import NotesiftApp, make_app
from tui.core.keys.actions import ActionCall
from tui.core.keys.notation import LEADER

pytestmark = pytest.mark.asyncio


async def _until_popup(pilot, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    clock.advance(0.4)  # past the which-key delay (0.35 s)
    await pilot.pause()
    assert pilot.app.which_key.has_class("-open"), "the which-key popup never opened"



def _popup_lines(app: NotesiftApp) -> list[str]:
    """The popup as painted: one string per screen row (border row first)."""
    popup = app.which_key
    width, height = popup.outer_size
    return [strip.text for strip in popup.render_lines(Region(0, 0, width, height))]


async def test_shown_popup_waits_5_seconds_and_the_next_key_completes_the_sequence(
    example_notes: Path, tmp_path: Path
) -> None:
    clock = FakeClock()
    app = make_app(_settings(example_notes, tmp_path, clock=clock))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        calls = record_actions(app)
        await pilot.press("escape", "y")
        await _until_popup(pilot, clock)
        clock.advance(5.0)
        app.keys.sequence_timeout()  # what the timeout timer would do, had one been left armed
        await pilot.pause()
        assert app.which_key.has_class("-open"), "the popup must not vanish while shown"
        assert app.sequencer.pending == ("y",)
        assert app.sequencer.seconds_until_timeout() is None
        assert "y  (Esc close · BS up)" in _popup_lines(app)[1]
        await pilot.press("t")
        await pilot.pause()
        assert calls[-1] == ActionCall("copy", (("field", "title"),))
        assert not app.which_key.has_class("-open")
        assert app.sequencer.pending == ()


async def test_before_the_popup_shows_the_sequence_timeout_still_stands(
    example_notes: Path, tmp_path: Path
) -> None:
    clock = FakeClock()
    app = make_app(_settings(example_notes, tmp_path, clock=clock))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        app.keys.which_key_delay = 3600.0  # the popup is not shown during this test
        calls = record_actions(app)
        await pilot.press("escape", "g")
        assert app.sequencer.pending == ("g",)
        clock.advance(1.1)  # past the default 1000 ms timeout: the timeout fires
        await pilot.pause()
        assert app.sequencer.pending == ()
        assert not app.which_key.has_class("-open")
        assert calls == [ActionCall("normal_mode")], "a lone g does nothing once it timed out"


async def test_backspace_keeps_waiting_and_esc_ends_the_wait(
    example_notes: Path, tmp_path: Path
) -> None:
    clock = FakeClock()
    app = make_app(_settings(example_notes, tmp_path, clock=clock))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        await pilot.press("alt+a", "t")
        await _until_popup(pilot, clock)
        await pilot.press("backspace")
        clock.advance(5.0)
        app.keys.sequence_timeout()
        await pilot.pause()
        assert app.sequencer.pending == (LEADER,), "Backspace goes up a level and still waits"
        assert app.which_key.has_class("-open")
        await pilot.press("escape")
        await pilot.pause()
        assert app.sequencer.pending == ()
        assert not app.which_key.has_class("-open")


@pytest.mark.parametrize("width", [100, 120])
async def test_labels_are_never_cut_at_100_columns_or_more(
    example_notes: Path, tmp_path: Path, width: int
) -> None:
    clock = FakeClock()
    app = make_app(_settings(example_notes, tmp_path, clock=clock))
    async with app.run_test(size=(width, 30)) as pilot:
        await _ready(pilot, app)
        await pilot.press("alt+a")
        await _until_popup(pilot, clock)
        labels = [o.label for o in app.sequencer.pending_options()]
        assert "Warnings: skipped files, keymap problems" in labels
        painted = "\n".join(_popup_lines(app))
        for label in labels:
            assert label in painted, f"{label!r} is cut in:\n{painted}"


async def test_a_narrow_terminal_gets_fewer_columns_never_wrapped_rows(
    example_notes: Path, tmp_path: Path
) -> None:
    async def rows_at(width: int) -> list[str]:
        clock = FakeClock()
        app = make_app(_settings(example_notes, tmp_path / str(width), clock=clock))
        async with app.run_test(size=(width, 30)) as pilot:
            await _ready(pilot, app)
            await pilot.press("escape", "y")
            await _until_popup(pilot, clock)
            options = app.sequencer.pending_options()
            rows = [line.strip() for line in _popup_lines(app)[2:]]
            assert sum(row.count(" ➜ ") for row in rows) == len(options)
            for row in rows:
                assert " ➜ " in row[:6], f"a row starts with a key, never a wrapped label: {row!r}"
            painted = "\n".join(rows)
            for option in options:
                assert f"{option.chord} ➜ {option.label}" in painted
            return rows

    wide = await rows_at(100)
    narrow = await rows_at(60)
    assert len(narrow) > len(wide), "60 columns hold fewer columns of labels"
    assert all(len(row) <= 58 for row in narrow)


async def test_a_prefix_that_is_a_binding_itself_still_runs_after_its_timeout(
    example_notes: Path, tmp_path: Path
) -> None:
    """`d` bound beside `dd` (TRY3 #2): once the popup shows, `d` does not wait forever;
    the popup says what `d` runs and when, and it runs after the timeout (vim's
    `timeoutlen`), as `notesift check` promises."""
    keymap = tmp_path / "keymap.toml"
    keymap.write_text('[[keys]]\nkeys = "dd"\naction = "toggle_mark"\nmode = "normal"\n'
                      '[[keys]]\nkeys = "d"\naction = "first"\nmode = "normal"\n'
                      'desc = "Go to the first row"\n', encoding="utf-8")
    clock = FakeClock()
    app = make_app(_settings(example_notes, tmp_path, clock=clock, keymap_file=keymap))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        assert app.keymap_problems == [] or all("waits" in p for p in app.keymap_problems)
        calls = record_actions(app)
        await pilot.press("escape", "d")
        await _until_popup(pilot, clock)
        painted = "\n".join(_popup_lines(app))
        assert "➜ Go to the first row in 0.6 s" in painted, painted
        clock.advance(0.7)
        await pilot.pause()
        assert calls[-1] == ActionCall("first"), calls
        assert app.sequencer.pending == ()
        assert not app.which_key.has_class("-open")


async def test_an_ambiguous_prefix_reached_from_a_held_one_still_times_out(
    example_notes: Path, tmp_path: Path
) -> None:
    """`g` (popup shown, held), then `d` where `gd` is bound beside `gdd` (REVIEW3 #4):
    `gd` waited forever and the next `d` ran `gd`; now `gd` runs after its timeout."""
    keymap = tmp_path / "keymap.toml"
    keymap.write_text('[[keys]]\nkeys = "gd"\naction = "first"\nmode = "normal"\n'
                      '[[keys]]\nkeys = "gdd"\naction = "toggle_mark"\nmode = "normal"\n',
                      encoding="utf-8")
    clock = FakeClock()
    app = make_app(_settings(example_notes, tmp_path, clock=clock, keymap_file=keymap))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        calls = record_actions(app)
        await pilot.press("escape", "g")
        await _until_popup(pilot, clock)
        await pilot.press("d")
        await pilot.pause()
        assert "➜" in "\n".join(_popup_lines(app)).split("\n")[1], "it says what gd runs"
        clock.advance(1.1)
        await pilot.pause()
        assert calls[-1] == ActionCall("first"), calls
        assert app.sequencer.pending == ()
