"""`notesift reindex`: the cache is rebuilt from scratch, with progress on stderr."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tui.cli import main, run_search
from tui.core.index.cachefile import file_identity
from tui.core.index.store_schema import cache_path_for
from tui.reindex_cli import _ProgressLine


def _notes(root: Path, count: int) -> Path:
    root.mkdir(parents=True)
    for i in range(count):
        (root / f"n{i:02d}.md").write_text(f"# Plum {i}\n\ndamson words {i}\n", encoding="utf-8")
    return root


def _search(root: Path, query: str) -> list[str]:
    out, err = io.StringIO(), io.StringIO()
    run_search(["--dir", str(root), "--vimgrep", "--limit", "0", query], out=out, err=err)
    return out.getvalue().splitlines()


def test_reindex_replaces_the_cache_and_reports_what_it_indexed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _notes(tmp_path / "notes", 3)
    assert len(_search(root, "damson")) == 3
    cache = cache_path_for(root.resolve())
    before = file_identity(cache)
    (root / "n00.md").write_text("# Greengage\n\nother words\n", encoding="utf-8")
    assert main(["reindex", "--dir", str(root)]) == 0
    err = capsys.readouterr().err
    assert "indexing 3/3 files" in err  # progress, on stderr
    assert err.splitlines()[-1].startswith("notesift: indexed 3 files (")
    assert str(cache) in err
    assert file_identity(cache) != before
    assert len(_search(root, "damson")) == 2
    assert len(_search(root, "greengage")) == 1


def test_reindex_quiet_prints_nothing_and_a_missing_folder_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _notes(tmp_path / "notes", 2)
    assert main(["reindex", "--dir", str(root), "-q"]) == 0
    assert capsys.readouterr().err == ""
    assert main(["reindex", "--dir", str(tmp_path / "nowhere")]) == 2
    assert "not a directory" in capsys.readouterr().err


def test_progress_lines_are_paced_when_stderr_is_not_a_terminal() -> None:
    now = [0.0]
    err = io.StringIO()
    line = _ProgressLine(err, clock=lambda: now[0])
    for done in range(0, 100, 10):
        line(done, 100)
        now[0] += 0.4
    line(100, 100)
    shown = err.getvalue().splitlines()
    assert shown[0] == "notesift: indexing 0/100 files"
    assert len(shown) == 5  # 0 s, 1.2 s, 2.4 s, 3.6 s and the end
    assert shown[-1].startswith("notesift: indexing 100/100 files")
