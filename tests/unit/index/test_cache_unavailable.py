"""A cache that cannot be used says why ("cache unavailable: …"), and search still works."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tui.core.index import store_schema
from tui.core.index.store_schema import cache_path_for
from tui.search_cli import run_search


def _search(root: Path, query: str = "hello") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_search(["--dir", str(root), query], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text("# A\n\nhello there\n")
    return notes


def test_a_directory_in_the_way_is_named_not_called_busy(root: Path, tmp_path: Path) -> None:
    cache = cache_path_for(root.resolve())
    cache.mkdir(parents=True)  # a directory where the cache file should be
    code, out, err = _search(root)
    assert code == 0 and "a.md" in out
    lines = err.splitlines()
    assert len(lines) == 1 and "busy" not in lines[0]
    assert "cache unavailable: a directory is in the way of the cache file" in lines[0]
    assert cache.is_dir()  # left alone: it is not ours


def test_a_read_only_cache_file_is_said_so_and_indexing_goes_on_in_memory(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = cache_path_for(root.resolve())
    assert _search(root)[0] == 0  # builds the cache file
    (root / "b.md").write_text("# B\n\nhello again\n")
    monkeypatch.setattr(store_schema, "_immutable", lambda path: True)  # as chattr +i makes it
    code, out, err = _search(root)
    assert code == 0 and "a.md" in out and "b.md" in out
    assert err.splitlines() == [
        f"notesift: warning: cache unavailable: the cache file is read-only ({cache}); "
        "indexing in memory"
    ]
