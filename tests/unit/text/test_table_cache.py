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
