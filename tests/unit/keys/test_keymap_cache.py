"""A keymap file read once is read back from the tables cache, and read afresh as soon as
it changes; a damaged cache entry only means reading the file again."""

from __future__ import annotations

import os
from pathlib import Path

from tui.core.keys.keymap_cache import read_layer_cached
from tui.core.keys.keymap_file import load_keymap, shipped_keymaps_dir
from tui.core.keys.keymap_reader import read_layer
from tui.core.keys.notation import parse_vim_keys
from tui.core.text.table_cache import tables_dir

KEYMAP = """\
leader = { key = "Space" }
[[keys]]
key = "<C-y>"
action = { name = "copy", field = "url" }
mode = ["normal", "insert"]
desc = "copy the link"
[[keys]]
key = "<C-y>"
action = "quit"
[key_tables.tags]
keys = [ { key = "a", action = "add_tag" } ]
[groups]
"<leader>y" = "copy"
"""


def _kept() -> list[Path]:
    return sorted(tables_dir().glob("keymap.*.marshal"))  # type: ignore[union-attr]


def test_a_cached_layer_is_the_layer_read_from_the_file(tmp_path: Path) -> None:
    path = tmp_path / "keymap.toml"
    path.write_text(KEYMAP, encoding="utf-8")
    fresh = read_layer(path)
    assert fresh.problems, "the file's duplicate binding is reported"
    assert read_layer_cached(path) == fresh
    assert len(_kept()) == 1
    assert read_layer_cached(path) == fresh  # read back from the kept entry
    shipped = shipped_keymaps_dir() / "default.toml"
    assert read_layer_cached(shipped) == read_layer(shipped)
    assert read_layer_cached(shipped) == read_layer(shipped)


def test_an_edited_file_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "keymap.toml"
    path.write_text(KEYMAP, encoding="utf-8")
    load_keymap(path)
    stat = path.stat()
    path.write_text(KEYMAP.replace('"<C-y>"\naction = "quit"', '"<C-S-t>"\naction = "quit"'),
                    encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same time, new size
    keymap, problems = load_keymap(path)
    assert not [p for p in problems if "bound twice" in p]
    assert any(b.keys == parse_vim_keys("<C-S-t>") for b in keymap.bindings)


def test_a_damaged_entry_reads_the_file(tmp_path: Path) -> None:
    path = tmp_path / "keymap.toml"
    path.write_text(KEYMAP, encoding="utf-8")
    fresh = read_layer(path)
    read_layer_cached(path)
    for kept in _kept():
        kept.write_bytes(b"\x00not marshal")
    assert read_layer_cached(path) == fresh
    import marshal

    for kept in _kept():
        kept.write_bytes(marshal.dumps(("the", "wrong", "shape")))
    assert read_layer_cached(path) == fresh
