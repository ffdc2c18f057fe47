"""The key-sequence state machine, driven by a fake clock (no real waiting)."""

from __future__ import annotations

import pytest
from fake_clock import FakeClock

from tui.core.keys.actions import ActionCall
from tui.core.keys.keymap import KeyBinding, Keymap, KeySequencer, KeyTable
from tui.core.keys.keymap_file import load_keymap
from tui.core.keys.notation import LEADER, parse_vim_keys


def bind(keys: str, name: str, mode: str = "normal", desc: str = "", **args: object) -> KeyBinding:
    return KeyBinding(
        parse_vim_keys(keys), ActionCall(name, tuple(sorted(args.items()))), mode, desc
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def keymap() -> Keymap:
    return Keymap(
        bindings=[
            bind("gg", "first"),
            bind("G", "last"),
            bind("j", "next"),
            bind("z", "zoom_preview"),
            bind("zz", "toggle_preview"),
            bind("jk", "normal_mode", "insert"),
            bind("<leader>w", "show_warnings", "all", "Warnings"),
            bind("<leader>tr", "tag_remove", "all", "Remove a tag"),
            bind("<leader>ta", "tag_add", "all", "Add a tag"),
            bind("yl", "copy", "normal", "Copy the link", field="url"),
            bind("yt", "copy", "normal", "Copy the title", field="title"),
        ],
        leader="alt+a",
        leader_timeout_ms=1500,
        timeout_ms=1000,
        key_tables={
            "yank": KeyTable("yank", [bind("l", "copy", "all", "Copy the link", field="url")])
        },
        groups={(LEADER, "t"): "tags", ("y",): "copy"},
    )


def normal(keymap: Keymap, clock: FakeClock) -> KeySequencer:
    seq = KeySequencer(keymap, clock)
    seq.mode = "normal"
    return seq


def names(outcome) -> list[str]:  # type: ignore[no-untyped-def]
    return [a.name for a in outcome.actions]


def test_gg_waits_for_the_second_g(keymap: Keymap, clock: FakeClock) -> None:
    seq = normal(keymap, clock)
    first = seq.feed("g")
    assert first.pending and not first.actions and not first.passthrough
    assert names(seq.feed("g")) == ["first"]
    assert seq.pending == ()


def test_key_that_is_also_a_prefix_fires_on_timeout(keymap: Keymap, clock: FakeClock) -> None:
    seq = normal(keymap, clock)
    assert seq.feed("z").pending
    clock.advance(0.9)
    assert seq.poll() is None  # still inside timeout_ms
    clock.advance(0.2)
    outcome = seq.poll()
    assert outcome is not None and names(outcome) == ["zoom_preview"]
    assert seq.pending == ()


def test_key_that_is_also_a_prefix_fires_before_an_unrelated_key(
    keymap: Keymap, clock: FakeClock
) -> None:
    seq = normal(keymap, clock)
    seq.feed("z")
    assert names(seq.feed("j")) == ["zoom_preview", "next"]
    seq.feed("z")
    assert names(seq.feed("z")) == ["toggle_preview"]


def test_insert_mode_replays_j_when_it_did_not_start_jk(keymap: Keymap, clock: FakeClock) -> None:
    seq = KeySequencer(keymap, clock)
    assert seq.mode == "insert"
    assert seq.feed("j").pending
    outcome = seq.feed("x")
    assert outcome.replay == ("j",) and outcome.passthrough and not outcome.actions
    seq.feed("j")
    assert names(seq.feed("k")) == ["normal_mode"]


def test_insert_mode_j_alone_is_typed_after_the_timeout(keymap: Keymap, clock: FakeClock) -> None:
    seq = KeySequencer(keymap, clock)
    seq.feed("j")
    clock.advance(1.001)
    outcome = seq.poll()
    assert outcome is not None and outcome.replay == ("j",) and not outcome.actions


def test_plain_typing_passes_through(keymap: Keymap, clock: FakeClock) -> None:
    seq = KeySequencer(keymap, clock)
    outcome = seq.feed("a")
    assert outcome.passthrough and not outcome.actions and not outcome.replay


def test_leader_then_key(keymap: Keymap, clock: FakeClock) -> None:
    seq = normal(keymap, clock)
    assert seq.feed("alt+a").pending
    assert seq.pending == (LEADER,)
    assert names(seq.feed("w")) == ["show_warnings"]


def test_leader_works_from_the_prompt_too(keymap: Keymap, clock: FakeClock) -> None:
    seq = KeySequencer(keymap, clock)  # insert mode
    seq.feed("alt+a")
    seq.feed("t")
    assert names(seq.feed("r")) == ["tag_remove"]


def test_leader_times_out_and_does_nothing(keymap: Keymap, clock: FakeClock) -> None:
    seq = normal(keymap, clock)
    seq.feed("alt+a")
    clock.advance(1.2)
    assert seq.poll() is None  # the leader has its own, longer timeout
    clock.advance(0.4)
    outcome = seq.poll()
    assert outcome is not None and not outcome.actions and not outcome.replay
    assert seq.pending == ()
    assert seq.feed("w").passthrough  # `w` alone is not bound


def test_leader_then_unbound_key_does_nothing(keymap: Keymap, clock: FakeClock) -> None:
    seq = normal(keymap, clock)
    seq.feed("alt+a")
    outcome = seq.feed("x")
    assert not outcome.actions and not outcome.passthrough and not outcome.replay
    assert seq.pending == ()


def test_one_shot_key_table(keymap: Keymap, clock: FakeClock) -> None:
    seq = normal(keymap, clock)
    assert seq.activate_table("yank", one_shot=True)
    assert seq.active_table == "yank"
    outcome = seq.feed("l")
    assert outcome.actions == [ActionCall("copy", (("field", "url"),))]
    assert seq.active_table is None
    assert seq.feed("l").passthrough


def test_key_table_times_out(keymap: Keymap, clock: FakeClock) -> None:
    seq = normal(keymap, clock)
    seq.activate_table("yank", one_shot=False, timeout_ms=500)
    assert names(seq.feed("l")) == ["copy"]
    assert seq.active_table == "yank"  # not one-shot: still active
    clock.advance(0.6)
    assert seq.active_table is None
    assert seq.feed("l").passthrough


def test_unknown_table_is_refused(keymap: Keymap, clock: FakeClock) -> None:
    assert not normal(keymap, clock).activate_table("nope")


def test_escape_cancels_a_pending_sequence(keymap: Keymap, clock: FakeClock) -> None:
    seq = normal(keymap, clock)
    seq.feed("g")
    outcome = seq.feed("escape")
    assert not outcome.actions and not outcome.passthrough and seq.pending == ()
    clock.advance(5)
    assert seq.poll() is None


def test_escape_leaves_a_key_table(keymap: Keymap, clock: FakeClock) -> None:
    seq = normal(keymap, clock)
    seq.activate_table("yank", one_shot=False)
    outcome = seq.feed("escape")
    assert not outcome.passthrough and seq.active_table is None


def test_backspace_goes_up_one_level(keymap: Keymap, clock: FakeClock) -> None:
    seq = normal(keymap, clock)
    seq.feed("alt+a")
    seq.feed("t")
    assert seq.pending == (LEADER, "t")
    outcome = seq.feed("backspace")
    assert outcome.pending and seq.pending == (LEADER,)
    assert names(seq.feed("w")) == ["show_warnings"]


def test_pending_options_label_keys_and_groups(keymap: Keymap, clock: FakeClock) -> None:
    seq = normal(keymap, clock)
    seq.feed("alt+a")
    options = {o.chord: o for o in seq.pending_options()}
    assert options["t"].label == "+tags" and options["t"].is_group
    assert options["w"].label == "Warnings" and not options["w"].is_group
    seq.feed("t")
    labels = {o.chord: o.label for o in seq.pending_options()}
    assert labels == {"a": "Add a tag", "r": "Remove a tag"}


def test_pending_options_fall_back_to_the_action_label(clock: FakeClock) -> None:
    keymap = Keymap(bindings=[bind("yp", "copy", field="path")])
    seq = normal(keymap, clock)
    seq.feed("y")
    assert [o.label for o in seq.pending_options()] == ["copy field=path"]


def test_unbinding_hides_an_all_mode_key_in_one_mode(clock: FakeClock) -> None:
    keymap = Keymap(bindings=[bind("<C-k>", "prev", "all"), bind("<C-k>", "none", "insert")])
    seq = KeySequencer(keymap, clock)
    assert seq.feed("ctrl+k").passthrough  # insert: the prompt gets it
    seq.mode = "normal"
    assert names(seq.feed("ctrl+k")) == ["prev"]


def test_default_keymap_drives_the_sequencer(clock: FakeClock) -> None:
    keymap, problems = load_keymap()
    assert problems == []
    seq = normal(keymap, clock)
    seq.feed("y")
    assert [a.label for a in seq.feed("l").actions] == ["copy field=url"]
    seq.feed("alt+a")
    outcome = seq.feed("y")
    assert outcome.actions == [
        ActionCall("activate_key_table", (("name", "yank"), ("one_shot", True)))
    ]
    seq.activate_table("yank")
    assert [a.label for a in seq.feed("t").actions] == ["copy field=title"]
    seq.mode = "insert"
    assert seq.feed("j").passthrough  # typing j in the prompt is never held back
