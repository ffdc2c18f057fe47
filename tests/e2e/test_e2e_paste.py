"""End to end: 30,000 characters pasted into the real app without bracketed paste."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_helpers import notesift_command as _notesift
from tui_helpers import poll

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_a_huge_paste_shows_the_limit_and_ctrl_u_answers(  # type: ignore[no-untyped-def]
    terminal_for, example_notes: Path, tmp_path: Path
) -> None:
    term = terminal_for(f"{_notesift()} {example_notes}")
    term.wait_for("INSERT")
    term.wait_for("watch:")
    paste = tmp_path / "paste.txt"
    paste.write_text("a" * 30_000)
    term.run("load-buffer", str(paste))
    term.run("paste-buffer", "-t", term.name)  # no -p: one key event per character
    term.wait_for("query too long: 30,000 characters (limit 4,096)")
    term.send("C-u")
    poll(lambda: "query too long" not in (shown := term.screen())
         and "Search — fzf syntax" in shown, "the empty prompt's placeholder back")
    term.send("-l", "weekly")
    term.wait_for("weekly")
    term.send("C-q")
    term.wait_for("EXIT=0")
