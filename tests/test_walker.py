"""Walking a notes folder: right files, stable order, no escapes, no loops."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tui.core.walker import is_note_file, walk_notes


def _touch(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("note\n", encoding="utf-8")


def _rel(root: Path, paths: list[Path]) -> list[str]:
    return [p.relative_to(root).as_posix() for p in paths]


def test_finds_note_files_sorted_and_skips_hidden_and_other_types(tmp_path: Path) -> None:
    _touch(
        tmp_path,
        "b.md",
        "a/z.TXT",
        "a/y.markdown",
        "c.MD",
        "image.png",
        "script.py",
        ".hidden.md",
        ".git/HEAD.md",
        ".obsidian/notes.md",
        "a/.trash/old.md",
    )
    result = walk_notes(tmp_path)
    assert _rel(tmp_path, result.files) == ["a/y.markdown", "a/z.TXT", "b.md", "c.MD"]
    assert all(p.is_absolute() for p in result.files)
    assert result.warnings == []


def test_editor_temp_files_are_ignored(tmp_path: Path) -> None:
    _touch(tmp_path, "real.md", "real.md~", "real.md.swp", "4913", "real.md___jb_tmp___")
    assert _rel(tmp_path, walk_notes(tmp_path).files) == ["real.md"]


def test_ignore_file_and_config_globs(tmp_path: Path) -> None:
    _touch(
        tmp_path,
        "keep.md",
        "scratch.tmp.md",
        "drafts/wip.md",
        "notes/drafts.md",
        "build/out.md",
        "sub/build/kept.md",
        "x/old/gone.md",
        "old/gone-too.md",
        "private/secret.md",
    )
    (tmp_path / ".notesiftignore").write_text(
        "# comments are ignored\n*.tmp.md\ndrafts/\n/build\n**/old/*\n",
        encoding="utf-8",
    )
    result = walk_notes(tmp_path, ignore_globs=["private"])
    assert _rel(tmp_path, result.files) == ["keep.md", "notes/drafts.md", "sub/build/kept.md"]


def test_twitter_archive_is_reported_not_descended(tmp_path: Path) -> None:
    _touch(tmp_path, "note.md", "x-export/data/README.txt", "parts/data/notes.md")
    (tmp_path / "x-export/data/tweets.js").write_text("window.YTD = []", encoding="utf-8")
    (tmp_path / "parts/data/tweets-part1.js").write_text("[]", encoding="utf-8")
    result = walk_notes(tmp_path)
    assert _rel(tmp_path, result.files) == ["note.md"]
    assert _rel(tmp_path, result.archives) == ["parts", "x-export"]


def test_symlink_loop_terminates(tmp_path: Path) -> None:
    _touch(tmp_path, "a/note.md")
    os.symlink(tmp_path / "a", tmp_path / "a" / "loop")
    os.symlink(tmp_path, tmp_path / "a" / "root-again")
    result = walk_notes(tmp_path)
    assert _rel(tmp_path, result.files) == ["a/note.md"]


def test_symlink_inside_root_is_followed(tmp_path: Path) -> None:
    _touch(tmp_path, "real/inner.md", "real/file.md")
    os.symlink(tmp_path / "real" / "file.md", tmp_path / "alias.md")
    result = walk_notes(tmp_path)
    assert "alias.md" in _rel(tmp_path, result.files)


def test_symlink_out_of_root_and_broken_symlink_are_skipped(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    outside = tmp_path / "outside"
    _touch(root, "mine.md")
    _touch(outside, "theirs.md")
    os.symlink(outside, root / "escape")
    os.symlink(outside / "theirs.md", root / "escape.md")
    os.symlink(root / "missing.md", root / "dangling.md")
    result = walk_notes(root)
    assert _rel(root, result.files) == ["mine.md"]
    text = "\n".join(result.warnings)
    assert "escape:" in text and "escape.md:" in text and "outside" in text
    assert "dangling.md" in text and "broken" in text


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read anything")
def test_unreadable_dir_and_file_are_skipped_with_warning(tmp_path: Path) -> None:
    _touch(tmp_path, "ok.md", "locked/inside.md", "secret.md")
    (tmp_path / "locked").chmod(0)
    (tmp_path / "secret.md").chmod(0)
    try:
        result = walk_notes(tmp_path)
    finally:
        (tmp_path / "locked").chmod(0o755)
        (tmp_path / "secret.md").chmod(0o644)
    assert _rel(tmp_path, result.files) == ["ok.md"]
    assert any(w.startswith("locked") for w in result.warnings)
    assert any(w.startswith("secret.md") for w in result.warnings)


def test_missing_root_does_not_raise(tmp_path: Path) -> None:
    result = walk_notes(tmp_path / "nope")
    assert result.files == []
    assert result.warnings


def test_is_note_file_for_the_watcher(tmp_path: Path) -> None:
    assert is_note_file(tmp_path / "a" / "Note.MD")
    assert is_note_file("x/y.txt")
    assert not is_note_file("x/.y.md")
    assert not is_note_file("x/y.md.swp")
    assert not is_note_file("x/.#y.md")
    assert not is_note_file("x/y.pdf")
    assert not is_note_file(tmp_path / ".git" / "x.md", root=tmp_path)
    assert is_note_file(tmp_path / "sub" / "x.md", root=tmp_path)


def test_example_notes_are_found(example_notes: Path) -> None:
    result = walk_notes(example_notes)
    rel = _rel(example_notes, result.files)
    assert "notebook.txt" in rel
    assert not any(r.startswith("x-archive/") for r in rel)
    assert _rel(example_notes, result.archives) == ["x-archive"]
