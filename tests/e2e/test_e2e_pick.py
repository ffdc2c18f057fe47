"""End to end: `notesift pick` in a real terminal prints the choice on stdout, like fzf."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from tui_helpers import notesift_command, striped_notes

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    return striped_notes(tmp_path)


def _pick_command(notes: Path, out: Path, *args: str) -> str:
    """`$(notesift pick …)` in a shell, the answer saved where the test can read it."""
    pick = shlex.join([notesift_command(), "pick", str(notes), *args])
    script = f'answer=$({pick}); code=$?; printf %s "$answer" > {out}; exit $code'
    return f"sh -c {shlex.quote(script)}"


def test_enter_prints_the_chosen_path_and_line(terminal_for, notes: Path, tmp_path: Path  # type: ignore[no-untyped-def]
                                               ) -> None:
    out = tmp_path / "answer.txt"
    term = terminal_for(_pick_command(notes, out, "--query", "ituri"))
    term.wait_for("Okapi facts")
    term.send("Enter")
    term.wait_for("EXIT=0")
    assert out.read_text(encoding="utf-8") == f"{notes / 'okapi.md'}:4"


def test_multi_prints_every_marked_entry_as_vimgrep(terminal_for, notes: Path,  # type: ignore[no-untyped-def]
                                                    tmp_path: Path) -> None:
    out = tmp_path / "answer.txt"
    term = terminal_for(_pick_command(notes, out, "--multi", "--format", "vimgrep",
                                      "--query", "striped"))
    term.wait_for("Zebra")
    term.send("Tab")
    term.send("Tab")
    term.wait_for("2 marked")
    term.send("Enter")
    term.wait_for("EXIT=0")
    lines = sorted(out.read_text(encoding="utf-8").splitlines())
    assert [line.split(":")[0] for line in lines] == [str(notes / "okapi.md"),
                                                      str(notes / "zebra.md")]
    assert all(line.count(":") >= 3 for line in lines)


def test_escape_cancels_with_130_and_prints_nothing(terminal_for, notes: Path,  # type: ignore[no-untyped-def]
                                                    tmp_path: Path) -> None:
    out = tmp_path / "answer.txt"
    term = terminal_for(_pick_command(notes, out))
    term.wait_for("Okapi facts")
    term.send("Escape")
    term.wait_for("EXIT=130")
    assert out.read_text(encoding="utf-8") == ""


def test_enter_with_nothing_to_choose_exits_1(terminal_for, notes: Path, tmp_path: Path  # type: ignore[no-untyped-def]
                                              ) -> None:
    out = tmp_path / "answer.txt"
    term = terminal_for(_pick_command(notes, out, "--query", "qqzzxxjj"))
    term.wait_for("0/")
    term.send("Enter")
    term.wait_for("EXIT=1")
    assert out.read_text(encoding="utf-8") == ""
