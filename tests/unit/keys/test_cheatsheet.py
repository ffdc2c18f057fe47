"""The cheat sheet: what `notesift keys` prints and the cheat-sheet screen filters."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.core.ingest.key_rows import extract_key_rows
from tui.core.keys.cheatsheet import cheatsheet_rows, filter_rows, render_sheet
from tui.core.keys.keymap import Keymap
from tui.core.keys.keymap_file import load_keymap

USER_KEYMAP = """
leader = { key = "Space", mods = "CTRL", timeout_ms = 1500 }
timeout_ms = 700

[[keys]]
keys = "ZQ"
action = "quit"
mode = "normal"
desc = "Quit without fuss"

[[keys]]
keys = "q"
action = "none"
mode = "normal"

[[keys]]
keys = "<leader>x"
action = { name = "activate_key_table", table = "extra", one_shot = false, timeout_ms = 800 }

[key_tables.extra]
keys = [ { key = "d", action = { name = "sort", by = "date" }, desc = "By date" } ]

[groups]
"Z" = "quit"
"""


@pytest.fixture
def user_keymap(tmp_path: Path) -> Keymap:
    path = tmp_path / "keymap.toml"
    path.write_text(USER_KEYMAP, encoding="utf-8")
    keymap, problems = load_keymap(path)
    assert problems == []
    return keymap


def test_markdown_is_a_pipe_table_with_user_and_leader_bindings(user_keymap: Keymap) -> None:
    text = render_sheet(cheatsheet_rows(user_keymap), "markdown")
    lines = text.splitlines()
    assert lines[0] == "| Key | Mode | Action | Note |"
    assert lines[1] == "|---|---|---|---|"
    assert "| `ZQ` | normal | Quit without fuss | quit |" in lines
    assert "| `<leader>tr` | all | Remove a tag | tag_remove |" in lines
    assert (
        "| `<C-Space>` | all | Leader: press it, then a leader key | leader · waits 1500 ms |"
        in lines
    )
    assert not any(line.startswith("| `q` |") for line in lines)  # unbound by the user
    assert "| `d` | table:extra | By date | sort by=date |" in lines


def test_markdown_notes_chords_that_need_the_kitty_protocol() -> None:
    keymap, _ = load_keymap()
    text = render_sheet(cheatsheet_rows(keymap), "markdown")
    palette = next(line for line in text.splitlines() if line.startswith("| `<C-S-p>`"))
    assert "needs kitty protocol" in palette
    plain = next(line for line in text.splitlines() if line.startswith("| `<M-x>`"))
    assert "kitty" not in plain


def test_rows_are_grouped_by_mode() -> None:
    keymap, _ = load_keymap()
    scopes = [row.scope for row in cheatsheet_rows(keymap)]
    order = ["all", "insert", "normal", "preview", "table:yank"]  # n/N also work in the preview
    assert [s for i, s in enumerate(scopes) if i == 0 or scopes[i - 1] != s] == order


def test_text_columns_line_up(user_keymap: Keymap) -> None:
    text = render_sheet(cheatsheet_rows(user_keymap), "text")
    lines = text.splitlines()
    assert lines[0].split() == ["Key", "Mode", "Action", "Note"]
    column = lines[0].index("Mode")
    zq = next(line for line in lines if line.startswith("ZQ "))
    assert zq[column:].startswith("normal ")
    assert all(line == line.rstrip() for line in lines)


@pytest.mark.parametrize("fmt", ["markdown", "text"])
def test_a_pasted_sheet_is_indexed_as_key_entries(user_keymap: Keymap, fmt: str) -> None:
    rows = cheatsheet_rows(user_keymap)
    text = render_sheet(rows, fmt)
    entries = extract_key_rows("keys.md", text.splitlines())
    assert len(entries) == len(rows)
    zq = next(e for e in entries if e.meta["key"] == "ZQ")
    assert zq.meta["function"] == "Quit without fuss"


def test_toml_round_trips_to_the_same_keymap(user_keymap: Keymap, tmp_path: Path) -> None:
    rows = cheatsheet_rows(user_keymap, include_unbound=True)
    exported = tmp_path / "exported.toml"
    exported.write_text(render_sheet(rows, "toml", keymap=user_keymap), encoding="utf-8")
    again, problems = load_keymap(exported)
    assert problems == []

    def shape(keymap: Keymap) -> object:
        return (
            sorted((b.keys, b.mode, b.action, b.desc) for b in keymap.bindings),
            {
                n: [(b.keys, b.action, b.desc) for b in t.bindings]
                for n, t in keymap.key_tables.items()
            },
            keymap.leader,
            keymap.leader_timeout_ms,
            keymap.timeout_ms,
            keymap.groups,
        )

    assert shape(again) == shape(user_keymap)
    for mode in ("insert", "normal", "preview"):
        assert again.for_mode(mode) != [] and {b.keys for b in again.for_mode(mode)} == {
            b.keys for b in user_keymap.for_mode(mode)
        }


def test_toml_of_every_preset_round_trips(tmp_path: Path) -> None:
    for preset in ("vim", "emacs"):
        keymap, _ = load_keymap(preset=preset)
        path = tmp_path / f"{preset}.toml"
        path.write_text(
            render_sheet(cheatsheet_rows(keymap, include_unbound=True), "toml", keymap=keymap),
            encoding="utf-8",
        )
        again, problems = load_keymap(path)
        assert problems == []
        for mode in ("insert", "normal", "preview"):
            assert {(b.keys, b.action) for b in again.for_mode(mode)} == {
                (b.keys, b.action) for b in keymap.for_mode(mode)
            }, (preset, mode)


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="markdown"):
        render_sheet([], "html")


def test_filter_finds_rows_by_words_keys_and_typos() -> None:
    keymap, _ = load_keymap()
    rows = cheatsheet_rows(keymap)
    assert filter_rows(rows, "") == rows
    assert filter_rows(rows, "zoom")[0].note == "zoom_preview"
    assert filter_rows(rows, "<M-f>")[0].key == "<M-f>"
    assert {r.key for r in filter_rows(rows, "copy link")} >= {"yl", "l"}
    assert any(r.key == "<leader>tr" for r in filter_rows(rows, "remve tag"))
    assert filter_rows(rows, "xyzzyq") == []


def test_the_leader_copy_table_offers_every_y_copy() -> None:
    """`<leader>y` then a letter copies what `y` then that letter does (`s` was missing)."""
    keymap, _ = load_keymap()
    rows = cheatsheet_rows(keymap)
    plain = {row.key[1:]: row.action for row in rows
             if row.scope == "normal" and row.key.startswith("y") and len(row.key) == 2}
    table = {row.key: row.action for row in rows if row.scope == "table:yank"}
    assert plain and plain == table
