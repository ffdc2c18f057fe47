"""`notesift check --dir D` names D's index cache file and says whether it is sound."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from tui.core.index.note_index import NoteIndex
from tui.core.index.store_schema import cache_path_for
from tui.keys_cli import run_check


def _notes(root: Path, count: int = 120) -> Path:
    root.mkdir(parents=True)
    for i in range(count):
        (root / f"n{i:03d}.md").write_text(
            f"# Note {i}\n\nabout orchards and pruning {i}\n\n## Part\nmore words {i}\n",
            encoding="utf-8",
        )
    return root


def _build(root: Path) -> Path:
    index = NoteIndex(root, jobs=1)
    try:
        index.refresh()
    finally:
        index.close()
    cache = cache_path_for(root.resolve())
    assert cache.is_file()
    return cache


def _index_row(out: str) -> str:
    rows = [line for line in out.splitlines() if line.startswith("index:")]
    assert len(rows) == 1, out
    return rows[0]


def test_check_says_the_cache_is_not_built_yet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _notes(tmp_path / "notes")
    assert run_check(["--dir", str(root)]) == 0
    row = _index_row(capsys.readouterr().out)
    assert str(cache_path_for(root.resolve())) in row and "not built yet" in row
    assert not cache_path_for(root.resolve()).exists()  # checking builds nothing


def test_check_names_the_cache_file_its_size_and_health(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _notes(tmp_path / "notes")
    cache = _build(root)
    assert run_check(["--dir", str(root)]) == 0
    out = capsys.readouterr().out
    row = _index_row(out)
    assert str(cache) in row and " MB" in row and "quick_check ok" in row
    assert out.splitlines()[-1].endswith("0 warning(s)")


def test_check_warns_about_a_lightly_damaged_cache_and_leaves_it_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _notes(tmp_path / "notes")
    cache = _build(root)
    page = 4096
    rng = random.Random(3)
    with cache.open("r+b") as handle:  # a few pages in the middle, the header intact
        for number in rng.sample(range(2, cache.stat().st_size // page), 3):
            handle.seek(number * page)
            handle.write(rng.randbytes(page))
    damaged = cache.read_bytes()
    before = os.stat(cache).st_mtime_ns
    assert run_check(["--dir", str(root)]) == 0  # a cache rebuilds itself: a warning
    out = capsys.readouterr().out
    assert "DAMAGED" in _index_row(out)
    warning = [line for line in out.splitlines() if "index cache is damaged" in line]
    assert len(warning) == 1 and warning[0].startswith(f"{cache}: warning:")
    assert "rebuilt" in warning[0] and f"notesift reindex --dir {root}" in warning[0]
    assert out.splitlines()[-1].endswith("1 warning(s)")
    assert cache.read_bytes() == damaged and os.stat(cache).st_mtime_ns == before


def test_check_lists_the_symlinks_the_walk_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The TUI warns about skipped symlinks; `check` said nothing of them (tester)."""
    root = _notes(tmp_path / "notes", 3)
    (tmp_path / "elsewhere.md").write_text("# Outside\n", encoding="utf-8")
    (root / "outside.md").symlink_to(tmp_path / "elsewhere.md")
    (root / "dangling.md").symlink_to(root / "missing.md")
    _build(root)
    assert run_check(["--dir", str(root)]) == 0  # warnings, not errors
    out = capsys.readouterr().out
    assert "outside.md: symlink points outside the notes root" in out
    assert "dangling.md: broken symlink skipped" in out
    assert out.splitlines()[-1].endswith("2 warning(s)")
