"""Loading keymap files: defaults, presets, the user's file, and precise problem positions."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.core.config import config_dir
from tui.core.keys.actions import ActionCall
from tui.core.keys.keymap import Keymap
from tui.core.keys.keymap_check import is_warning, validate_keymap
from tui.core.keys.keymap_file import (
    keymap_choice,
    keymap_sources,
    load_keymap,
    preset_names,
    shipped_keymaps_dir,
)
from tui.core.keys.notation import LEADER, parse_vim_keys


def write(tmp_path: Path, text: str, name: str = "keymap.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def position(text: str, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """1-based (line, col) of the n-th `needle` in `text`: where a problem should point."""
    offset = -1
    for _ in range(occurrence):
        offset = text.index(needle, offset + 1)
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def action_for(keymap: Keymap, keys: str, mode: str) -> ActionCall | None:
    chords = parse_vim_keys(keys)
    for binding in keymap.for_mode(mode):
        if binding.keys == chords:
            return binding.action
    return None


# --- the shipped files ----------------------------------------------------------------------


def test_defaults_load_without_problems_or_warnings() -> None:
    keymap, problems = load_keymap()
    assert problems == []
    assert validate_keymap(keymap) == []
    assert keymap.leader == "alt+a"


def test_every_default_binding_has_a_description() -> None:
    keymap, _ = load_keymap()
    missing = [b.keys for b in keymap.bindings if not b.desc]
    missing += [b.keys for t in keymap.key_tables.values() for b in t.bindings if not b.desc]
    assert missing == []


@pytest.mark.parametrize(
    ("keys", "mode", "label"),
    [
        ("<C-q>", "insert", "quit"),
        ("<C-S-p>", "insert", "command_palette"),
        ("<M-x>", "normal", "command_palette"),
        ("<M-f>", "normal", "focus_search"),
        ("<M-t>", "insert", 'filter query="kind:tweet "'),
        ("<M-h>", "insert", "cheatsheet"),
        ("<C-n>", "insert", "next"),
        ("<Esc>", "insert", "normal_mode"),
        ("<C-u>", "insert", "clear_query"),
        ("<C-u>", "normal", "page_up"),
        ("gg", "normal", "first"),
        ("G", "normal", "last"),
        ("?", "normal", "cheatsheet"),
        ("yl", "normal", "copy field=url"),
        ("t", "normal", "tag_add"),
        ("<leader>tr", "normal", "tag_remove"),
        ("<leader>y", "normal", "activate_key_table name=yank one_shot=true"),
        ("fk", "normal", 'filter query="kind:key "'),
        ("sl", "normal", "sort by=likes"),
    ],
)
def test_default_bindings(keys: str, mode: str, label: str) -> None:
    keymap, _ = load_keymap()
    action = action_for(keymap, keys, mode)
    assert action is not None and action.label == label


def test_typing_letters_in_the_prompt_is_never_bound_by_default() -> None:
    keymap, _ = load_keymap()
    single = [b.keys for b in keymap.for_mode("insert") if len(b.keys[0]) == 1]
    assert single == []


def test_destructive_tag_removal_is_behind_the_leader() -> None:
    keymap, _ = load_keymap()
    assert all(keys[0] == LEADER for keys in keymap.keys_for("tag_remove"))


def test_presets_load_cleanly_by_name() -> None:
    assert {"vim", "emacs"} <= set(preset_names())
    for name in ("vim", "emacs"):
        keymap, problems = load_keymap(preset=name)
        assert problems == [] and validate_keymap(keymap) == [], name
    vim, _ = load_keymap(preset="vim")
    assert action_for(vim, "ZQ", "normal") == ActionCall("quit")
    assert action_for(vim, "<C-w>w", "normal") == ActionCall("focus_next_pane")
    emacs, _ = load_keymap(preset="emacs")
    assert action_for(emacs, "<C-g>", "insert") == ActionCall("normal_mode")
    assert action_for(emacs, "<M-v>", "insert") == ActionCall("page_up")
    assert action_for(emacs, "<C-k>", "insert") is None  # given back to the prompt
    assert action_for(emacs, "<C-k>", "normal") == ActionCall("prev")


# --- the user's file ------------------------------------------------------------------------


def test_missing_user_file_is_fine() -> None:
    assert not (config_dir() / "keymap.toml").exists()
    keymap, problems = load_keymap()
    assert problems == [] and keymap.bindings


def test_user_file_in_config_dir_is_read_by_default() -> None:
    config_dir().mkdir(parents=True)
    write(config_dir(), '[[keys]]\nkeys = "ZQ"\naction = "quit"\nmode = "normal"\n')
    keymap, problems = load_keymap()
    assert problems == []
    assert action_for(keymap, "ZQ", "normal") == ActionCall("quit")


def test_user_file_overrides_and_unbinds(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
[[keys]]
keys = "<M-f>"
action = "toggle_tags"

[[keys]]
keys = "q"
action = "none"
mode = "normal"

[[keys]]
key = "ctrl+o"
action = "open_in_editor"

[[keys]]
keys = ["<Home>", "0"]
action = "first"
mode = "normal"
""",
    )
    keymap, problems = load_keymap(path)
    assert problems == []
    assert action_for(keymap, "<M-f>", "insert") == ActionCall("toggle_tags")
    assert action_for(keymap, "q", "normal") is None
    assert action_for(keymap, "<C-o>", "insert") == ActionCall("open_in_editor")
    assert action_for(keymap, "<Home>", "normal") == action_for(keymap, "0", "normal")
    assert action_for(keymap, "gg", "normal") == ActionCall("first")  # defaults still there
    assert sum(1 for b in keymap.bindings if b.keys == ("alt+f",)) == 1


def test_wezterm_style_entries_and_leader(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
leader = { key = "Space", mods = "CTRL", timeout_milliseconds = 2000 }
timeout_ms = 400

[[keys]]
key = "x"
mods = "LEADER"
action = "quit"
""",
    )
    keymap, problems = load_keymap(path)
    assert problems == []
    assert (keymap.leader, keymap.leader_timeout_ms, keymap.timeout_ms) == ("ctrl+space", 2000, 400)
    assert action_for(keymap, "<leader>x", "normal") == ActionCall("quit")


def test_a_leader_you_type_is_warned_about(tmp_path: Path) -> None:
    """`leader = { key = "space" }` (vim's habit): typing `kill word` in the prompt ran
    `<leader>w` and left `kill` (TRY3 #9); `check` now says why, where."""
    path = write(tmp_path, 'leader = { key = "space" }\n')
    keymap, problems = load_keymap(path)
    assert keymap.leader == "space"
    assert len(problems) == 1 and problems[0].startswith(f"{path}:1:")
    assert "warning: the leader <Space> is a key you type" in problems[0]
    assert is_warning(problems[0])
    _, problems = load_keymap(write(tmp_path, 'leader = "<M-Space>"\n', "alt.toml"))
    assert problems == []


def test_syntax_error_gives_file_line_col_and_the_defaults_still_load(tmp_path: Path) -> None:
    path = write(tmp_path, '[[keys]]\nkeys = "ZQ"\naction = quit\n')
    keymap, problems = load_keymap(path)
    assert len(problems) == 1
    assert problems[0].startswith(f"{path}:3:10: ")
    assert action_for(keymap, "gg", "normal") == ActionCall("first")


def test_misspelt_action_suggests_and_points_at_its_line(tmp_path: Path) -> None:
    text = """
[[keys]]
keys = "x"
action = "quit"
mode = "normal"

[[keys]]
keys = "ZQ"
action = "qiut"
mode = "normal"
"""
    path = write(tmp_path, text)
    keymap, problems = load_keymap(path)
    line, col = position(text, '"qiut"')
    assert problems == [f"{path}:{line}:{col}: unknown action 'qiut' (did you mean 'quit'?)"]
    assert action_for(keymap, "x", "normal") == ActionCall("quit")  # the rest still loads
    assert action_for(keymap, "ZQ", "normal") is None


def test_misspelt_action_inside_an_action_table(tmp_path: Path) -> None:
    text = '[[keys]]\nkeys = "yu"\naction = { name = "cpoy", field = "url" }\nmode = "normal"\n'
    path = write(tmp_path, text)
    _, problems = load_keymap(path)
    line, col = position(text, '"cpoy"')
    assert problems == [f"{path}:{line}:{col}: unknown action 'cpoy' (did you mean 'copy'?)"]


def test_bad_argument_points_at_the_argument(tmp_path: Path) -> None:
    text = '[[keys]]\nkeys = "yu"\nmode = "normal"\naction = { name = "copy", field = "urll" }\n'
    path = write(tmp_path, text)
    _, problems = load_keymap(path)
    line, col = position(text, '"urll"')
    assert len(problems) == 1
    assert problems[0].startswith(f"{path}:{line}:{col}: copy.field must be one of")
    assert "did you mean 'url'" in problems[0]


def test_unknown_modifier_suggests_and_points_at_it(tmp_path: Path) -> None:
    text = '[[keys]]\nkey = "p"\nmods = "CTRL|SHFT"\naction = "command_palette"\n'
    path = write(tmp_path, text)
    _, problems = load_keymap(path)
    line, col = position(text, "SHFT")
    assert len(problems) == 1
    assert problems[0].startswith(f"{path}:{line}:{col}: unknown modifier 'SHFT'")
    assert "did you mean 'SHIFT'" in problems[0]


def test_unknown_key_name_in_a_list_points_into_the_right_string(tmp_path: Path) -> None:
    text = '[[keys]]\nkeys = ["gg", "<Hom>"]\naction = "first"\nmode = "normal"\n'
    path = write(tmp_path, text)
    _, problems = load_keymap(path)
    line, col = position(text, "Hom>")
    assert len(problems) == 1
    assert problems[0].startswith(f"{path}:{line}:{col}: unknown key name 'Hom'")


def test_bad_mode_and_unknown_field(tmp_path: Path) -> None:
    text = '[[keys]]\nkeys = "x"\nacton = "quit"\naction = "quit"\nmode = "nromal"\n'
    path = write(tmp_path, text)
    _, problems = load_keymap(path)
    field_line, field_col = position(text, "acton")
    mode_line, mode_col = position(text, '"nromal"')
    assert f"{path}:{field_line}:{field_col}: unknown field 'acton' (did you mean 'action'?)" in (
        problems
    )
    assert any(
        p.startswith(f"{path}:{mode_line}:{mode_col}: mode 'nromal'") and "'normal'" in p
        for p in problems
    )


def test_error_in_a_key_table_inline_entry_points_at_its_line(tmp_path: Path) -> None:
    text = """[key_tables.yank]
keys = [
  { key = "l", action = { name = "copy", field = "url" } },
  { key = "t", action = { name = "cpoy", field = "title" } },
]
"""
    path = write(tmp_path, text)
    keymap, problems = load_keymap(path)
    line, col = position(text, '"cpoy"')
    assert problems == [f"{path}:{line}:{col}: unknown action 'cpoy' (did you mean 'copy'?)"]
    keys = [b.keys for b in keymap.key_tables["yank"].bindings]
    assert ("l",) in keys and ("t",) in keys  # the default `t` survives the broken override


def test_later_entries_are_found_by_their_table_number(tmp_path: Path) -> None:
    block = '[[keys]]\nkeys = "{k}"\naction = "{a}"\nmode = "normal"\n\n'
    text = "".join(block.format(k=k, a="quit") for k in "abc") + block.format(k="d", a="qiut")
    path = write(tmp_path, text)
    _, problems = load_keymap(path)
    line, _ = position(text, '"qiut"')
    assert problems[0].startswith(f"{path}:{line}:")


def test_duplicate_in_one_file_is_a_warning(tmp_path: Path) -> None:
    text = '[[keys]]\nkeys = "x"\naction = "quit"\n\n[[keys]]\nkeys = "x"\naction = "last"\n'
    path = write(tmp_path, text)
    keymap, problems = load_keymap(path)
    twice = [p for p in problems if "bound twice" in p]  # (and `x` in all modes types no x)
    assert len(twice) == 1 and is_warning(twice[0])
    line, col = position(text, '"x"', 2)
    assert twice[0].startswith(f"{path}:{line}:{col}: warning: x is bound twice")
    assert action_for(keymap, "x", "insert") == ActionCall("last")


def test_overlap_warning_names_both_bindings(tmp_path: Path) -> None:
    text = '[[keys]]\nkeys = "g"\naction = "last"\nmode = "normal"\n'
    path = write(tmp_path, text)
    keymap, problems = load_keymap(path)
    assert problems == []
    warnings = validate_keymap(keymap)
    assert len(warnings) == 2  # gg (first) and gx (open_link)
    gg = next(w for w in warnings if "gg (first)" in w)
    assert gg.startswith(f"{path}:2:8: warning: g (last) is also the start of gg (first)")
    assert "default.toml" in gg and "waits 1000 ms" in gg


def test_binding_the_leader_key_itself_is_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path, '[[keys]]\nkeys = "<M-a>"\naction = "quit"\n')
    keymap, _ = load_keymap(path)
    assert any("never runs" in w and "leader" in w for w in validate_keymap(keymap))


def test_preset_named_in_the_user_file(tmp_path: Path) -> None:
    path = write(tmp_path, 'preset = "emacs"\n\n[[keys]]\nkeys = "<C-g>"\naction = "quit"\n')
    keymap, problems = load_keymap(path)
    assert problems == []
    assert action_for(keymap, "<C-x><C-c>", "insert") == ActionCall("quit")  # from emacs
    assert action_for(keymap, "<C-g>", "insert") == ActionCall("quit")  # the user wins
    assert keymap_sources(path) == [
        shipped_keymaps_dir() / "default.toml",
        shipped_keymaps_dir() / "emacs.toml",
        path,
    ]


def test_unknown_preset_suggests(tmp_path: Path) -> None:
    path = write(tmp_path, 'preset = "vmi"\n')
    keymap, problems = load_keymap(path)
    assert len(problems) == 1
    assert problems[0].startswith(f"{path}:1:10: unknown keymap preset 'vmi' (did you mean 'vim'?)")
    assert action_for(keymap, "gg", "normal") == ActionCall("first")


def test_unknown_key_table_reference(tmp_path: Path) -> None:
    path = write(
        tmp_path, '[[keys]]\nkeys = "Y"\nmode = "normal"\n'
        'action = { name = "activate_key_table", table = "yonk" }\n'
    )
    _, problems = load_keymap(path)
    assert problems == [f"{path}:2:8: no key table named 'yonk' (did you mean 'yank'?)"]


def test_keymap_choice_tells_files_from_presets(tmp_path: Path) -> None:
    path = write(tmp_path, "")
    assert keymap_choice(str(path)) == (path, None)
    assert keymap_choice("vim") == (None, "vim")
    assert keymap_choice(None) == (None, None)
    missing = tmp_path / "nope.toml"
    assert keymap_choice(str(missing)) == (missing, None)
    _, problems = load_keymap(missing)
    assert problems == [f"{missing}:1:1: keymap file not found"]


def test_garbage_never_raises(tmp_path: Path) -> None:
    path = tmp_path / "keymap.toml"
    path.write_bytes(b"\xff\xfe\x00garbage")
    keymap, problems = load_keymap(path)
    assert problems and problems[0].startswith(f"{path}:1:1:")
    assert keymap.keys_for("quit")


def test_missing_shipped_defaults_fall_back_to_built_in_keys(tmp_path: Path) -> None:
    keymap, problems = load_keymap(shipped_dir=tmp_path / "none")
    assert problems and "built-in" in problems[0]
    assert action_for(keymap, "<C-q>", "insert") == ActionCall("quit")


def test_a_plain_character_bound_where_the_prompt_types_is_pointed_out(tmp_path: Path) -> None:
    """`q` → quit in insert mode passed `check`, then typing any word with a q in the
    prompt quit the app (TRY5 §5)."""
    path = write(tmp_path, '[[keys]]\nkeys = "q"\naction = "quit"\nmode = "insert"\n'
                 '[[keys]]\nkeys = "Q"\naction = "quit"\nmode = "normal"\n')
    keymap, problems = load_keymap(path)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{path}:2:8: q in insert mode")
    assert "typing 'q' in the prompt runs quit" in problems[0]
    assert ("q",) in keymap.keys_for("quit"), "still bound: the user may mean it"
