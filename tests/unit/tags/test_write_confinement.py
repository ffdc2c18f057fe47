"""Nothing is written outside the notes root, whatever the symlinks inside it say."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tui.core.state import save_state
from tui.tags_cli import run_tag


def _tag(root: Path, *argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_tag(["--dir", str(root), "--no-cache", *argv], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    path = tmp_path / "elsewhere"
    path.mkdir()
    return path


@pytest.fixture
def root(tmp_path: Path) -> Path:
    path = tmp_path / "notes"
    path.mkdir()
    (path / "plain.md").write_text("# Plain\n\nno front matter\n", encoding="utf-8")
    (path / "fm.md").write_text("---\ntags: [a]\n---\n# With\n", encoding="utf-8")
    return path


def _one_line_refusal(code: int, out: str, err: str, *names: str) -> None:
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1, err
    assert "outside the notes root" in err
    for name in names:
        assert name in err


def test_a_notesift_dir_linked_outside_gets_nothing(root: Path, outside: Path) -> None:
    (root / ".notesift").symlink_to(outside)
    _one_line_refusal(*_tag(root, "--add", "pwn", "plain.md"), ".notesift")
    _one_line_refusal(*_tag(root, "--add", "pwn", "fm.md"), ".notesift")  # the lock lives there
    assert list(outside.iterdir()) == []
    assert "pwn" not in (root / "fm.md").read_text(encoding="utf-8")


def test_a_sidecar_linked_to_a_missing_file_outside_is_not_created(
    root: Path, outside: Path
) -> None:
    (root / ".notesift").mkdir()
    (root / ".notesift" / "tags.json").symlink_to(outside / "missing.json")
    _one_line_refusal(*_tag(root, "--add", "pwn", "plain.md"), ".notesift/tags.json")
    assert list(outside.iterdir()) == []


def test_a_sidecar_linked_to_an_existing_file_outside_is_left_alone(
    root: Path, outside: Path
) -> None:
    (outside / "tags.json").write_text("{}\n", encoding="utf-8")
    (root / ".notesift").mkdir()
    (root / ".notesift" / "tags.json").symlink_to(outside / "tags.json")
    _one_line_refusal(*_tag(root, "--add", "pwn", "plain.md"), ".notesift/tags.json")
    assert (outside / "tags.json").read_text(encoding="utf-8") == "{}\n"


def test_a_notesift_dir_linked_inside_the_root_is_fine(root: Path) -> None:
    (root / "meta").mkdir()
    (root / ".notesift").symlink_to(root / "meta")
    code, _out, err = _tag(root, "--add", "ok", "plain.md")
    assert code == 0, err
    assert "ok" in (root / "meta" / "tags.json").read_text(encoding="utf-8")


def test_the_state_file_replaces_a_link_instead_of_writing_through_it(
    tmp_path: Path, outside: Path
) -> None:
    target = outside / "victim.json"
    target.write_text("precious\n", encoding="utf-8")
    state = tmp_path / "state" / "state.json"
    state.parent.mkdir()
    state.symlink_to(target)
    assert save_state({"theme": "x"}, state)
    assert target.read_text(encoding="utf-8") == "precious\n"
    assert not state.is_symlink()


def test_a_read_only_note_is_refused_even_for_root(root: Path) -> None:
    note = root / "fm.md"  # tags go into its front matter
    before = note.read_bytes()
    note.chmod(0o444)
    code, out, err = _tag(root, "--add", "ro", "fm.md")
    assert code == 2 and out == ""
    assert "fm.md: read-only; tag not written" in err
    assert note.read_bytes() == before
    assert (note.stat().st_mode & 0o777) == 0o444


def test_a_read_only_notes_folder_gets_no_sidecar_even_for_root(root: Path) -> None:
    root.chmod(0o555)
    try:
        code, out, err = _tag(root, "--add", "ro", "plain.md")  # a sidecar tag
        assert code == 2 and out == ""
        assert "read-only; nothing written" in err
        assert not (root / ".notesift").exists()
    finally:
        root.chmod(0o755)
