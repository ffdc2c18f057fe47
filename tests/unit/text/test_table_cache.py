"""Derived tables kept on disk: read back by the next process, rebuilt when what they
came from changed, and never a failure when the file is bad or cannot be written."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tui.core.text.table_cache import cached_table, tables_dir


class Builder:
    def __init__(self, value: object) -> None:
        self.value = value
        self.calls = 0

    def __call__(self) -> object:
        self.calls += 1
        return self.value


def test_a_table_is_built_once_and_read_back(tmp_path: Path) -> None:
    source = tmp_path / "data.txt"
    source.write_text("one", encoding="utf-8")
    build = Builder({"a": ("x", "y"), 7: [1, 2]})
    assert cached_table("t", [source], build) == {"a": ("x", "y"), 7: [1, 2]}
    assert cached_table("t", [source], build) == {"a": ("x", "y"), 7: [1, 2]}
    assert build.calls == 1
    assert len(list(tables_dir().glob("t-*.marshal"))) == 1  # type: ignore[union-attr]


def test_a_changed_source_or_stamp_builds_again_and_drops_the_old_file(tmp_path: Path) -> None:
    source = tmp_path / "data.txt"
    source.write_text("one", encoding="utf-8")
    build = Builder([1])
    cached_table("t", [source], build)
    source.write_text("two!", encoding="utf-8")
    cached_table("t", [source], build)
    assert build.calls == 2
    cached_table("t", [source], build, stamp="more rows")
    assert build.calls == 3
    assert len(list(tables_dir().glob("t-*.marshal"))) == 1  # type: ignore[union-attr]


def test_a_damaged_file_is_rebuilt(tmp_path: Path) -> None:
    build = Builder({"k": "v"})
    cached_table("t", [], build)
    (stored,) = tables_dir().glob("t-*.marshal")  # type: ignore[union-attr]
    stored.write_bytes(b"\x00garbage")
    assert cached_table("t", [], build) == {"k": "v"}
    assert build.calls == 2


def test_a_table_not_kept_is_built_every_time(tmp_path: Path) -> None:
    build = Builder({})
    cached_table("t", [], build, keep=bool)
    cached_table("t", [], build, keep=bool)
    assert build.calls == 2


def test_an_unwritable_cache_dir_only_costs_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    build = Builder([3])
    assert cached_table("t", [], build) == [3]
    assert cached_table("t", [], build) == [3]
    assert build.calls == 2
    assert os.listdir(tmp_path) == ["file-not-dir"]


def test_switched_off_it_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOTESIFT_NO_TABLE_CACHE", "1")
    build = Builder([4])
    cached_table("t", [], build, folder=tmp_path / "beside")
    assert build.calls == 1 and not (tmp_path / "beside").exists()


def test_a_damaged_file_that_still_loads_is_rebuilt_not_believed(tmp_path: Path) -> None:
    """One number off in a kept table loaded fine and changed what the app did, without
    a word (REVIEW3 #9): the CRC in front of it says it was damaged."""
    build = Builder({"pattern": (1, [17, 4, 2])})
    cached_table("t", [], build)
    (stored,) = tables_dir().glob("t-*.marshal")  # type: ignore[union-attr]
    data = bytearray(stored.read_bytes())
    data[-3] ^= 0x01  # inside the list of numbers: still loads as marshal
    stored.write_bytes(bytes(data))
    assert cached_table("t", [], build) == {"pattern": (1, [17, 4, 2])}
    assert build.calls == 2


def test_a_cache_folder_others_may_write_is_never_read(tmp_path: Path) -> None:
    """The tables hold code a launch runs: a folder writable by others is not used."""
    folder = tables_dir()
    assert folder is not None
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o777)
    from tui.core.text import table_cache

    table_cache._private.cache_clear()
    try:
        assert tables_dir() is None
        build = Builder([1])
        cached_table("t", [], build)
        cached_table("t", [], build)
        assert build.calls == 2 and not list(folder.glob("t-*"))
    finally:
        folder.chmod(0o700)
        table_cache._private.cache_clear()
