"""Odd paths in a notes tree: names, depth, symlinks, permissions and files that vanish.

Every note inside the root is found, nothing outside it is read, and each file
that cannot be read is one warning naming it. Every path is made inside `tmp_path`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from index_helpers import entries_of, found_paths, warnings_about

import tui.core.text.decoding as decoding
from tui.core.editor import editor_argv

# -- paths -----------------------------------------------------------------


@pytest.mark.slow
def test_deep_nesting(root: Path, make_index) -> None:
    deep = root
    for level in range(200):
        deep = deep / f"d{level}"
    try:
        deep.mkdir(parents=True)
        (deep / "bottom.md").write_text("# Bottom\n\nthe anglerfish\n")
    except OSError as exc:  # a filesystem with a short PATH_MAX
        pytest.skip(f"cannot create deep tree: {exc}")
    index = make_index()
    found = found_paths(index, "anglerfish")
    assert len(found) == 1 and next(iter(found)).endswith("d199/bottom.md")


def test_odd_file_names_are_found_and_open_safely(root: Path, make_index) -> None:
    names = ["中文 笔记.md", "with space.md", "-rf.md", "it's \"x\".md", "$(touch pwn).md"]
    (root / "dir with 空格").mkdir()
    for name in names:
        (root / name).write_text(f"# {name}\n\nmarmot in {name}\n")
    (root / "dir with 空格" / "inner.md").write_text("inner marmot\n")
    index = make_index()
    found = found_paths(index, "marmot")
    assert found == {*names, "dir with 空格/inner.md"}
    assert index.warnings == []
    for name in ["-rf.md", "it's \"x\".md"]:
        argv = editor_argv("vim", root / name, 3)
        assert argv[-1] == str((root / name).absolute())
        assert Path(argv[-1]).is_absolute()
        assert "--" in argv and argv.index("--") == len(argv) - 2
        assert "+3" in argv


# -- symlinks --------------------------------------------------------------


def _symlink(link: Path, target: Path, *, directory: bool = False) -> None:
    try:
        link.symlink_to(target, target_is_directory=directory)
    except (OSError, NotImplementedError) as exc:
        pytest.skip(f"symlinks unsupported: {exc}")


def test_broken_symlink_warns_once(root: Path, make_index) -> None:
    _symlink(root / "dangling.md", root / "missing.md")
    (root / "real.md").write_text("real heron\n")
    index = make_index()
    assert found_paths(index, "heron") == {"real.md"}
    assert len(warnings_about(index, "dangling.md")) == 1


def test_symlink_loop_terminates(root: Path, make_index) -> None:
    (root / "a").mkdir()
    (root / "a" / "n.md").write_text("loop kestrel\n")
    _symlink(root / "a" / "back", root, directory=True)
    _symlink(root / "self.md", root / "self.md")
    index = make_index()
    assert found_paths(index, "kestrel") == {"a/n.md"}
    assert len(warnings_about(index, "self.md")) == 1
    assert len(warnings_about(index, "a/back")) <= 1


def test_symlink_to_outside_directory_is_not_followed(
    root: Path, make_index, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("secret ocelot\n")
    _symlink(root / "escape", outside, directory=True)
    _symlink(root / "escape.md", outside / "secret.md")
    (root / "home.md").write_text("home note\n")
    index = make_index()
    assert found_paths(index, "ocelot") == set()
    assert not any("secret" in e.path or "ocelot" in e.text for e in index.entries)
    assert len(warnings_about(index, "escape:")) == 1
    assert len(warnings_about(index, "escape.md")) == 1


def test_symlink_inside_the_root_is_followed(root: Path, make_index) -> None:
    (root / "real").mkdir()
    (root / "real" / "n.md").write_text("linked jackal\n")
    _symlink(root / "alias.md", root / "real" / "n.md")
    index = make_index()
    assert found_paths(index, "jackal") == {"real/n.md"}  # each real file once
    assert index.warnings == []


# -- permissions and races -------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads anything")
def test_unreadable_file_and_directory(root: Path, make_index) -> None:
    (root / "locked.md").write_text("locked mongoose\n")
    (root / "locked.md").chmod(0)
    (root / "closed").mkdir()
    (root / "closed" / "in.md").write_text("closed mongoose\n")
    (root / "closed").chmod(0)
    (root / "open.md").write_text("open mongoose\n")
    try:
        index = make_index()
        assert found_paths(index, "mongoose") == {"open.md"}
        assert len(warnings_about(index, "locked.md")) == 1
        assert len(warnings_about(index, "closed")) == 1
    finally:
        (root / "closed").chmod(0o755)
        (root / "locked.md").chmod(0o644)


def test_file_vanishing_between_walk_and_read(
    root: Path, make_index, monkeypatch: pytest.MonkeyPatch
) -> None:
    (root / "gone.md").write_text("vanishing wallaby\n")
    (root / "stays.md").write_text("staying wallaby\n")
    real_read = decoding.read_note_file

    def vanish_then_read(path: Path, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        if path.name == "gone.md" and path.exists():
            path.unlink()
        return real_read(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("tui.core.index.parsing.read_note_file", vanish_then_read)
    index = make_index()
    assert found_paths(index, "wallaby") == {"stays.md"}
    warned = warnings_about(index, "gone.md")
    assert len(warned) == 1 and "vanished" in warned[0]


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        (OSError(5, "Input/output error"), "Input/output error"),
        (PermissionError(13, "Permission denied"), "permission denied"),
    ],
)
def test_read_error_becomes_one_warning(
    root: Path, make_index, monkeypatch: pytest.MonkeyPatch, error: OSError, shown: str
) -> None:
    """Also covers a file losing its permissions after the walk (works as root too)."""
    (root / "eio.md").write_text("io error\n")
    real_open = Path.open

    def failing_open(self: Path, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        if self.name == "eio.md":
            raise error
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", failing_open)
    index = make_index()
    assert entries_of(index, "eio.md") == []
    warned = warnings_about(index, "eio.md")
    assert len(warned) == 1 and shown in warned[0]


def test_hidden_and_git_directories_are_ignored(root: Path, make_index) -> None:
    for hidden in [".git", ".obsidian", ".hidden"]:
        (root / hidden).mkdir()
        (root / hidden / "inside.md").write_text("hidden meerkat\n")
    (root / ".dotfile.md").write_text("dot meerkat\n")
    (root / "visible.md").write_text("visible meerkat\n")
    index = make_index()
    assert found_paths(index, "meerkat") == {"visible.md"}
    assert index.warnings == []
