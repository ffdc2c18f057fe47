"""Keys in the running app (Pilot): sequences, which-key, the leader, key tables, user keymaps.

Every key goes through `KeySequencer` in `NotesiftApp.on_event`; these tests press
real keys and check what the person at the keyboard would see or get.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from fake_clock import FakeClock
from tui_helpers import app_settings as _settings
from tui_helpers import ready as _ready
from tui_helpers import record_actions, until
from tui_helpers import settle as _settle
from tui_helpers import type_text as _type

from tui.app import NotesiftApp, make_app
from tui.core.keys.actions import ActionCall
from tui.core.keys.notation import LEADER
from tui.widgets.results import RESULT_ROWS

pytestmark = pytest.mark.asyncio

# Longer than the app's which-key delay (0.35 s), shorter than the 1 s sequence timeout;
# time passes on a `FakeClock`, never on the machine's.
WHICH_KEY_WAIT = 0.5


def _popup_text(app: NotesiftApp) -> str:
    content = app.which_key.content
    return getattr(content, "plain", str(content))


def _popup_open(app: NotesiftApp) -> bool:
    return app.which_key.has_class("-open")


def _write_keymap(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path



# ---------------------------------------------------------------- sequences in normal mode


async def test_gg_goes_to_the_first_result_and_G_to_the_last(
    example_notes: Path, tmp_path: Path
) -> None:
    app = make_app(_settings(example_notes, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        await _type(pilot, app, "kind:tweet")
        count = len(app.results.hits)
        assert count >= 3, "the example notes have several tweets"
        await pilot.press("escape")
        assert app.sequencer.mode == "normal"
        await pilot.press("G")
        assert app.results.highlighted == count - 1
        await pilot.press("g")
        assert app.sequencer.pending == ("g",), "a lone g waits for the second key"
        assert app.results.highlighted == count - 1
        await pilot.press("g")
        assert app.sequencer.pending == ()
        assert app.results.highlighted == 0
        await pilot.press("G")
        assert app.results.highlighted == count - 1


async def test_a_lone_g_times_out_harmlessly(example_notes: Path, tmp_path: Path) -> None:
    clock = FakeClock()
    app = make_app(_settings(example_notes, tmp_path, clock=clock))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        await _type(pilot, app, "kind:tweet")
        await pilot.press("escape", "j")
        before = app.results.highlighted
        query = app.search_input.value
        app.keys.which_key_delay = 3600.0  # once the popup shows, a sequence waits instead
        await pilot.press("g")
        clock.advance(1.3)  # past the 1 s sequence timeout
        await _settle(pilot, app)
        assert app.is_running
        assert app.sequencer.pending == ()
        assert app.sequencer.mode == "normal"
        assert app.results.highlighted == before
        assert app.search_input.value == query, "the stale g must not be typed into the prompt"
        assert app.screen is app.screen_stack[0]
        assert not _popup_open(app)
        await pilot.press("j")
        assert app.results.highlighted == before + 1, "keys work normally afterwards"


# ---------------------------------------------------------------- which-key


async def test_which_key_after_y_lists_the_copy_keys_and_esc_closes_it(
    example_notes: Path, tmp_path: Path
) -> None:
    clock = FakeClock()
    app = make_app(_settings(example_notes, tmp_path, clock=clock))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        await pilot.press("escape", "y")
        clock.advance(0.3)
        assert not _popup_open(app), "which-key waits a moment before it shows"
        clock.advance(WHICH_KEY_WAIT - 0.3)
        await pilot.pause()
        assert _popup_open(app)
        text = _popup_text(app)
        for key, label in [
            ("y", "Copy the entry"),
            ("t", "Copy the title"),
            ("l", "Copy the link"),
            ("p", "Copy path:line"),
            ("c", "Copy the code block"),
        ]:
            assert f"{key} ➜ {label}" in text, f"row {key!r} missing from:\n{text}"
        await pilot.press("escape")
        await pilot.pause()
        assert not _popup_open(app)
        assert app.sequencer.pending == ()
        assert app.sequencer.mode == "normal", "Esc only cancels the pending sequence"
        assert app.is_running


async def test_backspace_goes_up_one_level_in_which_key(
    example_notes: Path, tmp_path: Path
) -> None:
    clock = FakeClock()
    app = make_app(_settings(example_notes, tmp_path, clock=clock))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        await pilot.press("alt+a")
        assert app.sequencer.pending == (LEADER,)
        clock.advance(WHICH_KEY_WAIT)
        await pilot.pause()
        leader_text = _popup_text(app)
        assert _popup_open(app)
        assert "+tags" in leader_text and "Warnings" in leader_text
        await pilot.press("t")
        assert app.sequencer.pending == (LEADER, "t")
        clock.advance(WHICH_KEY_WAIT)  # the popup is open: it follows at once, and waits
        await pilot.pause()
        tags_text = _popup_text(app)
        assert "r ➜ Remove a tag" in tags_text
        assert "Warnings" not in tags_text
        await pilot.press("backspace")
        assert app.sequencer.pending == (LEADER,)
        assert app.search_input.value == "", "Backspace went to the popup, not the prompt"
        clock.advance(5.0)  # a shown popup waits for a key however long it takes
        await pilot.pause()
        assert _popup_open(app)
        back_text = _popup_text(app)
        assert back_text != tags_text
        assert "+tags" in back_text and "Warnings" in back_text
        await pilot.press("escape")
        assert not _popup_open(app)


# ---------------------------------------------------------------- the leader


async def test_leader_w_opens_the_warnings_screen(example_notes: Path, tmp_path: Path) -> None:
    app = make_app(_settings(example_notes, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        await pilot.press("alt+a", "w")
        await pilot.pause()
        assert type(app.screen).__name__ == "WarningsScreen"
        assert app.sequencer.pending == ()


async def test_leader_then_an_unbound_key_does_nothing(example_notes: Path, tmp_path: Path) -> None:
    app = make_app(_settings(example_notes, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        assert app.focused is app.search_input
        calls = record_actions(app)
        await pilot.press("alt+a", "x")
        await _settle(pilot, app)
        assert app.search_input.value == "", "the key after the leader must not be typed"
        assert calls == []
        assert app.sequencer.pending == ()
        assert app.screen is app.screen_stack[0]
        assert app.is_running
        await pilot.press("alt+a", "q")
        await pilot.pause()
        assert app.search_input.value == ""
        assert app.is_running, "<leader>q is not bound, and q is not quit there"
        await pilot.press("a")
        assert app.search_input.value == "a", "typing works again afterwards"


# ---------------------------------------------------------------- insert mode


async def test_insert_mode_types_letters_that_are_keys_in_normal_mode(
    example_notes: Path, tmp_path: Path
) -> None:
    app = make_app(_settings(example_notes, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        assert app.sequencer.mode == "insert"
        await _type(pilot, app, "jkqgGyft")
        assert app.search_input.value == "jkqgGyft"
        assert app.is_running
        await pilot.press("escape")
        await pilot.pause()
        assert app.sequencer.mode == "normal"
        assert app.focused is app.results
        assert app.search_input.value == "jkqgGyft"


# ---------------------------------------------------------------- key tables


async def test_leader_y_key_table_copies_the_link_once(example_notes: Path, tmp_path: Path) -> None:
    app = make_app(_settings(example_notes, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        await _type(pilot, app, "kind:tweet")
        await pilot.press("escape")
        calls = record_actions(app)
        await pilot.press("alt+a")
        await pilot.pause()
        assert app.status_info.pending_keys == "<leader>"
        await pilot.press("y")
        await pilot.pause()
        assert app.sequencer.active_table == "yank"
        assert [c.name for c in calls] == ["activate_key_table"]
        assert _popup_open(app)
        # The status line keeps the keys typed so far, also inside the table (TRY4 §12).
        assert app.status_info.pending_keys == "<leader>y"
        text = _popup_text(app)
        assert "l ➜ Copy the link" in text and "t ➜ Copy the title" in text
        calls.clear()
        await pilot.press("l")
        await pilot.pause()
        assert calls == [ActionCall("copy", (("field", "url"),))]
        assert app.sequencer.active_table is None, "the table is one-shot"
        assert not _popup_open(app)
        assert app.status_info.pending_keys == ""
        calls.clear()
        await pilot.press("l")
        await pilot.pause()
        assert all(c.name != "copy" for c in calls), "l is no longer the yank table's"


# ---------------------------------------------------------------- user keymap files

ZQ_QUIT = '[[keys]]\nkeys = "ZQ"\naction = "quit"\nmode = "normal"\ndesc = "Quit"\n'


async def test_user_keymap_ZQ_quits_with_status_zero(example_notes: Path, tmp_path: Path) -> None:
    keymap = _write_keymap(tmp_path / "keymap.toml", ZQ_QUIT)
    app = make_app(_settings(example_notes, tmp_path, keymap_file=keymap))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        assert app.keymap_problems == []
        await pilot.press("escape", "Z")
        assert app.sequencer.pending == ("Z",)
        await pilot.press("Q")
        await pilot.pause()
    assert app.return_code == 0


async def test_user_keymap_can_unbind_q(example_notes: Path, tmp_path: Path) -> None:
    keymap = _write_keymap(
        tmp_path / "keymap.toml", '[[keys]]\nkeys = "q"\naction = "none"\nmode = "normal"\n'
    )
    app = make_app(_settings(example_notes, tmp_path, keymap_file=keymap))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        await pilot.press("escape", "q")
        await pilot.pause(0.2)
        assert app.is_running
        assert app.return_code is None
        assert app.sequencer.mode == "normal"
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0


async def test_saving_the_keymap_file_reapplies_it(example_notes: Path, tmp_path: Path) -> None:
    keymap = _write_keymap(tmp_path / "keymap.toml", "# nothing yet\n")
    app = make_app(_settings(example_notes, tmp_path, keymap_file=keymap))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        await _type(pilot, app, "kind:tweet")
        last = len(app.results.hits) - 1
        assert last >= 2
        await pilot.press("escape", "X")
        await pilot.pause()
        assert app.results.highlighted == 0, "X is not bound yet"

        _write_keymap(keymap, '[[keys]]\nkeys = "X"\naction = "last"\nmode = "normal"\n')
        stamp = time.time() + 5
        os.utime(keymap, (stamp, stamp))
        # The app looks once a second; the generous limit only catches "never".
        await until(pilot, lambda: ("X",) in app.keymap.keys_for("last"),
                    "the app re-reading the keymap")
        assert app.sequencer.mode == "normal"
        await pilot.press("X")
        await pilot.pause()
        assert app.results.highlighted == last

        # Saved mid-edit with a syntax error: the working keys stay (TRY5 §14), and the
        # message names the file, line and column.
        _write_keymap(keymap, '[[keys]]\nkeys = "X\naction = "last"\n')
        stamp += 5
        os.utime(keymap, (stamp, stamp))
        await until(pilot, lambda: any("not reloaded" in str(n.message)
                                       for n in app._notifications), "a word about it")
        note = next(str(n.message) for n in app._notifications if "not reloaded" in str(n.message))
        assert f"{keymap}:2:" in note and "the keys from before stay" in note, note
        assert ("X",) in app.keymap.keys_for("last")


async def test_a_broken_keymap_file_starts_with_defaults_and_a_warning(
    example_notes: Path, tmp_path: Path
) -> None:
    keymap = _write_keymap(
        tmp_path / "broken-keymap.toml", '[[keys]\nkeys = "ZQ"\naction = "quit\n'
    )
    app = make_app(_settings(example_notes, tmp_path, keymap_file=keymap))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        assert app.is_running
        assert app.status_info.warnings >= 1
        assert any(str(keymap) in w for w in app.warnings()), app.warnings()
        assert ("ZQ",) not in app.keymap.keys_for("quit")
        await _type(pilot, app, "kind:tweet")
        await pilot.press("escape", "j", "j")
        assert app.results.highlighted == 2, "the default keys still work"
        await pilot.press("alt+a", "w")
        await pilot.pause()
        assert type(app.screen).__name__ == "WarningsScreen"
        assert any(str(keymap) in w for w in app.screen.warnings)  # type: ignore[attr-defined]


async def test_typing_after_closing_a_popup_goes_to_the_prompt(
    example_notes: Path, tmp_path: Path
) -> None:
    opened: list[list[str]] = []
    app = make_app(
        _settings(example_notes, tmp_path, editor_runner=lambda argv: opened.append(argv) or 0)
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        for popup in (("alt+h",), ("alt+x",), ("alt+a", "w")):
            await pilot.press(*popup)
            await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
            app.search_input.value = ""
            await pilot.press("f", "o", "o")
            await pilot.pause()
            assert app.search_input.value == "foo", popup
            assert app.sequencer.mode == "insert"
        assert opened == [], "no key typed into the prompt may open the editor"


@pytest.mark.asyncio
async def test_G_reaches_the_last_of_all_hits_not_of_the_first_rows_loaded(
    tmp_path: Path,
) -> None:
    root = tmp_path / "notes"
    root.mkdir()
    count = RESULT_ROWS * 2 + 7
    for i in range(count):
        (root / f"n{i:04d}.md").write_text(f"# Quill {i}\n\nquill words\n", encoding="utf-8")
    app = make_app(_settings(root, tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await _ready(pilot, app)
        await _type(pilot, app, "kind:note quill")
        assert len(app.results.hits) < count, "only the first rows are loaded"
        await pilot.press("escape", "G")
        await until(pilot, lambda: len(app.results.hits) == count, "every hit loaded")
        await until(pilot, lambda: app.results.highlighted == count - 1, "the cursor on the last")


@pytest.mark.asyncio
async def test_backspace_in_the_leader_copy_table_goes_back_to_the_leader(
    example_notes: Path, tmp_path: Path
) -> None:
    clock = FakeClock()
    app = make_app(_settings(example_notes, tmp_path, clock=clock))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        await pilot.press("alt+a", "y")
        await pilot.pause()
        assert app.sequencer.active_table is not None
        table_text = _popup_text(app)
        assert table_text.startswith("<leader>y"), "titled by the keys that opened it"
        await pilot.press("backspace")
        assert app.sequencer.active_table is None
        assert app.sequencer.pending == (LEADER,)
        clock.advance(5.0)
        await pilot.pause()
        assert _popup_open(app) and "+tags" in _popup_text(app)
        await pilot.press("escape")
        assert not app.sequencer.pending and not _popup_open(app)


@pytest.mark.asyncio
async def test_G_goes_past_the_count_cap_and_the_count_becomes_exact(tmp_path: Path) -> None:
    """`2000+`: counting stops at COUNT_CAP, but the rows past it are still there:
    `G` loads them and lands on the last, and the status counts what it loaded
    (TRY4 §12: G stopped at row 2,000 of 2,500)."""
    from tui.core.search.engine import COUNT_CAP

    root = tmp_path / "notes"
    root.mkdir()
    sections = COUNT_CAP + 500
    (root / "many.md").write_text(
        "# Many\n\n" + "".join(f"## Heading {i}\n\nmanyword {i}\n\n" for i in range(sections)),
        encoding="utf-8")
    app = make_app(_settings(root, tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await _ready(pilot, app)
        await _type(pilot, app, "kind:section manyword")
        assert (app.status_info.matches, app.status_info.capped) == (COUNT_CAP, True)
        await pilot.press("escape", "G")
        await until(pilot, lambda: len(app.results.hits) == sections, "every hit loaded")
        await until(pilot, lambda: app.results.highlighted == sections - 1, "on the last")
        assert (app.status_info.matches, app.status_info.capped) == (sections, False)
