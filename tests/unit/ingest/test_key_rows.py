"""Key bindings: wezterm Lua lines and `快捷键 应用 功能 备注` cheat-sheet rows."""

from __future__ import annotations

from pathlib import Path

from tui.core.ingest.entry import split_lines
from tui.core.ingest.key_rows import camel_words, extract_key_rows


def _keys(text: str, rel: str = "notebook.txt"):
    return extract_key_rows(rel, split_lines(text))


def test_wezterm_lines_in_their_many_spellings() -> None:
    text = """\
{ key = 'p', mods = 'CTRL|SHIFT', action = act.ActivateCommandPalette },
{ key = 'h', mods = 'CTRL|SHIFT',action = act.ActivateTabRelative(-1) },
{ key = "z", mods = "CTRL|SHIFT", action="TogglePaneZoomState" },
{ key = "|",mods = "CTRL|SHIFT", action=wezterm.action{SplitHorizontal={domain="Pane"}}},
{ key = 'F11', action = act.ToggleFullScreen },
"""
    palette, tab, zoom, split, full = _keys(text)
    assert palette.meta["action"] == "ActivateCommandPalette"
    assert tab.meta["action"] == "ActivateTabRelative(-1)"
    assert zoom.kind == "key"
    assert zoom.meta["key"] == "z"
    assert zoom.meta["mods"] == "CTRL|SHIFT"
    assert zoom.meta["action"] == "TogglePaneZoomState"
    assert zoom.meta["app"] == "wezterm"
    assert zoom.meta["notation"] == "C-S-z"
    assert zoom.title == "CTRL|SHIFT+z  TogglePaneZoomState"
    assert (zoom.line, zoom.end_line) == (3, 3)
    assert zoom.breadcrumb == "notebook.txt › keys"
    assert split.meta["action"] == 'SplitHorizontal({domain="Pane"})'
    assert split.meta["key"] == "|"
    assert full.meta["mods"] == ""
    assert full.title == "F11  ToggleFullScreen"


def test_camel_case_actions_are_searchable_as_words() -> None:
    (zoom,) = _keys('{ key = "z", mods = "CTRL|SHIFT", action="TogglePaneZoomState" },')
    assert "toggle pane zoom" in zoom.text.lower()
    assert camel_words("ActivateTabRelative") == "Activate Tab Relative"
    assert camel_words("ShowHTTPLogs") == "Show HTTP Logs"


def test_cheat_sheet_rows() -> None:
    # Rows as the sample notebook types them: single spaces, two trailing spaces
    # for the empty note column, and a whitespace-only line ending the table.
    text = "\n".join(
        [
            "shell级",
            "",
            "快捷键 应用 功能 备注",
            "C-t fzf fzf查找文件  ",
            "M-b/M-f bash 前后跳单词  ",
            "C-W bash kill word (backward)  ",
            "Alt-D bash kill word (forward)  ",
            "       ",
            "C-X not a row: the table ended at the blank line above",
        ]
    )
    rows = _keys(text)
    assert [r.meta["key"] for r in rows] == ["C-t", "M-b/M-f", "C-W", "Alt-D"]
    kill = rows[2]
    assert kill.kind == "key"
    assert kill.meta == {
        "key": "C-W",
        "app": "bash",
        "function": "kill word (backward)",
        "note": "",
        "notation": "C-W",
    }
    assert kill.title == "C-W  bash  kill word (backward)"
    assert kill.id == "notebook.txt#key/bash/C-W"
    assert (kill.line, kill.end_line) == (6, 6)
    assert rows[3].meta["notation"] == "M-D"


def test_english_and_markdown_headers_notes_and_duplicate_ids() -> None:
    text = """\
key app function note
C-a tmux prefix  set in .tmux.conf

| Key | App | Function | Note |
|-----|-----|----------|------|
| C-a | tmux | prefix again | duplicate on purpose |
"""
    first, second = _keys(text, "keys.md")
    assert first.meta["function"] == "prefix"
    assert first.meta["note"] == "set in .tmux.conf"
    assert second.meta["function"] == "prefix again"
    assert second.meta["note"] == "duplicate on purpose"
    assert first.id == "keys.md#key/tmux/C-a"
    assert second.id == "keys.md#key/tmux/C-a~2"


def test_prose_is_not_mistaken_for_key_rows() -> None:
    text = "快捷键\n\nC-W bash kill word\n\nkey = value is how you write config\n"
    assert _keys(text) == []


def test_example_notebook(example_notes: Path) -> None:
    rows = _keys((example_notes / "notebook.txt").read_text("utf-8"))
    wezterm = [r for r in rows if "mods" in r.meta]
    assert len(wezterm) == 11
    by_title = {r.title: r for r in rows}
    assert "C-W  bash  kill word (backward)" in by_title
    assert "CTRL|SHIFT+z  TogglePaneZoomState" in by_title
    assert len({r.id for r in rows}) == len(rows)


def test_sample_notebook(sample_notes: Path) -> None:
    lines = split_lines((sample_notes / "notebook.txt").read_text("utf-8"))
    rows = extract_key_rows("notebook.txt", lines)
    zoom = next(r for r in rows if r.meta.get("action") == "TogglePaneZoomState")
    assert zoom.line == 158
    assert zoom.meta["notation"] == "C-S-z"
    kill = next(r for r in rows if r.meta["key"] == "C-W")
    assert (kill.meta["app"], kill.meta["function"]) == ("bash", "kill word (backward)")
    neovim = [r for r in rows if r.meta["app"] == "neovim"]
    assert len(neovim) == 10
    assert len(rows) == 42
