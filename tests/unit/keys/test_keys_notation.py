"""Key notation: neovim, wezterm and Textual spellings of the same key compare equal."""

from __future__ import annotations

import pytest

from tui.core.keys.notation import (
    LEADER,
    KeyNotationError,
    chord_from_event,
    display_sequence,
    parse_textual_key,
    parse_vim_keys,
    parse_wezterm_key,
    terminal_support,
)


@pytest.mark.parametrize(
    ("text", "chords"),
    [
        ("gg", ("g", "g")),
        ("G", ("G",)),
        ("<C-S-p>", ("ctrl+shift+p",)),
        ("<C-P>", ("ctrl+p",)),  # vim: ctrl chords ignore case; shift needs S-
        ("<M-F>", ("alt+F",)),
        ("<M-S-f>", ("alt+F",)),
        ("<A-f>", ("alt+f",)),
        ("<leader>tr", (LEADER, "t", "r")),
        ("<Leader>w", (LEADER, "w")),
        ("<lt>", ("<",)),
        ("<Bar>", ("|",)),
        ("<F5>", ("f5",)),
        ("<C-->", ("ctrl+-",)),
        ("<CR>", ("enter",)),
        ("<Esc>", ("escape",)),
        ("<Space>", ("space",)),
        ("<S-Tab>", ("shift+tab",)),
        ("<C-w>w", ("ctrl+w", "w")),
        ("<PageDown>", ("pagedown",)),
    ],
)
def test_vim_notation(text: str, chords: tuple[str, ...]) -> None:
    assert parse_vim_keys(text) == chords


def test_meta_shift_spellings_are_the_same_key() -> None:
    assert parse_vim_keys("<M-F>") == parse_vim_keys("<M-S-f>") != parse_vim_keys("<M-f>")


@pytest.mark.parametrize(
    "text",
    ["gg", "<C-S-p>", "<M-F>", "<leader>tr", "<lt>", "<Bar>", "<F5>", "<C-->", "<M-gt>", "<S-Tab>"],
)
def test_display_reads_back_to_the_same_keys(text: str) -> None:
    chords = parse_vim_keys(text)
    assert parse_vim_keys(display_sequence(chords)) == chords


def test_display_uses_neovim_notation() -> None:
    assert display_sequence(("ctrl+shift+p",)) == "<C-S-p>"
    assert display_sequence((LEADER, "t", "r")) == "<leader>tr"
    assert display_sequence(("<",)) == "<lt>"
    assert display_sequence(("enter",)) == "<CR>"


@pytest.mark.parametrize(
    ("key", "mods", "chords"),
    [
        ("p", "CTRL|SHIFT", ("ctrl+shift+p",)),
        ("f", "ALT", ("alt+f",)),
        ("f", "META", ("alt+f",)),
        ("f", "OPT", ("alt+f",)),
        ("k", "CMD", ("super+k",)),
        ("k", "WIN", ("super+k",)),
        ("LeftArrow", "CTRL", ("ctrl+left",)),
        ("Enter", "", ("enter",)),
        ("z", "NONE", ("z",)),
        ("w", "LEADER", (LEADER, "w")),
        ("F", "ALT", ("alt+F",)),
    ],
)
def test_wezterm_key_and_mods(key: str, mods: str, chords: tuple[str, ...]) -> None:
    assert parse_wezterm_key(key, mods) == chords


@pytest.mark.parametrize(
    ("key", "chord"),
    [
        ("ctrl+q", "ctrl+q"),
        ("ctrl+shift+p", "ctrl+shift+p"),
        ("alt+f", "alt+f"),
        ("question_mark", "?"),
        ("slash", "/"),
        ("escape", "escape"),
    ],
)
def test_textual_keys(key: str, chord: str) -> None:
    assert parse_textual_key(key) == chord


def test_key_events_become_the_same_chords_as_the_keymap() -> None:
    assert chord_from_event("question_mark", "?") == parse_vim_keys("?")[0]
    assert chord_from_event("G", "G") == parse_vim_keys("G")[0]
    assert chord_from_event("alt+f", None) == parse_vim_keys("<M-f>")[0]
    assert chord_from_event("ctrl+shift+p", None) == parse_wezterm_key("p", "CTRL|SHIFT")[0]
    assert chord_from_event("space", " ") == parse_vim_keys("<Space>")[0]


def test_unknown_key_name_points_at_it_and_suggests() -> None:
    with pytest.raises(KeyNotationError) as info:
        parse_vim_keys("gg<Hom>")
    assert info.value.column == 3
    assert "did you mean 'Home'" in str(info.value)


def test_unknown_vim_modifier_column() -> None:
    with pytest.raises(KeyNotationError) as info:
        parse_vim_keys("<C-X-y>")
    assert info.value.column == 3
    assert "'X'" in str(info.value)


def test_unknown_wezterm_modifier_column_and_suggestion() -> None:
    with pytest.raises(KeyNotationError) as info:
        parse_wezterm_key("p", "CTRL|SHFT")
    assert (info.value.column, info.value.field) == (5, "mods")
    assert "did you mean 'SHIFT'" in str(info.value)


def test_empty_brackets_are_an_error() -> None:
    with pytest.raises(KeyNotationError):
        parse_vim_keys("a<>")


def test_terminal_support() -> None:
    assert not terminal_support("ctrl+shift+p").plain
    assert "kitty" in terminal_support("ctrl+shift+p").reason
    assert terminal_support("alt+x").plain
    assert terminal_support("alt+F").plain
    assert terminal_support("ctrl+q").plain
    assert not terminal_support("ctrl+i").plain  # the same byte as Tab
    assert not terminal_support("super+k").plain
