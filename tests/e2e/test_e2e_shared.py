"""The real binary, twice, in tmux on one folder: both follow a burst of new notes,
a renamed and restored root, and a rebuild started in one of them."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from tui_helpers import notesift_command

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
WAIT_S = 60.0


def _status(screen: str) -> str:
    lines = [line for line in screen.splitlines() if "watch:" in line]
    return lines[-1] if lines else ""


def _both(terms, pattern: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        if all(re.search(pattern, _status(t.screen())) for t in terms):
            return
        time.sleep(0.2)
    shown = "\n---\n".join(_status(t.screen()) for t in terms)
    raise AssertionError(f"{pattern!r} not on both status lines:\n{shown}")


def test_two_tuis_on_one_folder_follow_the_same_changes(terminal_for, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "notes"
    root.mkdir()
    for i in range(40):
        (root / f"n{i:02d}.md").write_text(f"# Note {i}\n\nwords {i}\n", encoding="utf-8")
    first = terminal_for(f"{notesift_command()} {root}")
    second = terminal_for(f"{notesift_command()} {root}")
    terms = [first, second]
    _both(terms, r"\b40/40\s+watch:native\s*$")
    for i in range(12):
        (root / f"burst{i:02d}.md").write_text(f"# Burst {i}\n\nnew {i}\n", encoding="utf-8")
    _both(terms, r"\b52/52\s+watch:native\s*$")

    moved = tmp_path / "moved"
    root.rename(moved)
    _both(terms, r"watch:gone\s+notes folder")  # "…is gone", cut at 120 columns
    first.send("Enter")
    first.wait_for("cannot open")
    moved.rename(root)
    _both(terms, r"\b52/52\s+watch:native\s*$")

    first.send("M-a", "R")  # the leader, then R, in one write
    first.wait_for("re-indexing")
    (root / "after.md").write_text("# After\n\nthe rebuild\n", encoding="utf-8")
    _both(terms, r"\b53/53\s+watch:native\s*$")
