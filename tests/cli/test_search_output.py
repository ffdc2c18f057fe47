"""`notesift search` output other programs read: vim's quickfix, xargs -0, JSON, NO_COLOR."""

from __future__ import annotations

import io
import json
import os
import pty
import re
import select
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tui.search_cli import run_search, use_color

# vim's `%f:%l:%c:%m` (part of its default 'errorformat' and of 'grepformat' for
# `rg --vimgrep`): file up to a colon, line and column numbers, then the message.
ERRORFORMAT = re.compile(r"^(?P<file>[^:\0]+):(?P<line>\d+):(?P<col>\d+):(?P<text>.*)$")


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    root = tmp_path / "work" / "notes"
    (root / "sub dir").mkdir(parents=True)
    (root / "tmux.md").write_text(
        "# Tmux tricks\n\nPrefix then z zooms a pane.\nCopy mode: Prefix [ then space.\n",
        encoding="utf-8")
    (root / "sub dir" / "editor.md").write_text(
        "# Editors\n\nÜber-fast: nvim opens a file at a line with +N.\n", encoding="utf-8")
    return root


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_search(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_vimgrep_lines_parse_with_vims_errorformat(notes: Path, monkeypatch: pytest.MonkeyPatch
                                                   ) -> None:
    monkeypatch.chdir(notes.parent)
    code, out, _ = _run("--dir", str(notes), "--vimgrep", "nvim")
    assert code == 0
    match = ERRORFORMAT.match(out.splitlines()[0])
    assert match, out
    assert match["file"] == "notes/sub dir/editor.md"
    assert int(match["line"]) == 3
    line = (notes / "sub dir" / "editor.md").read_text(encoding="utf-8").splitlines()[2]
    # vim counts columns in bytes: "Über-fast: " is 12 bytes, so nvim starts at 13.
    assert int(match["col"]) == len(line[: line.index("nvim")].encode()) + 1 == 13
    assert match["text"] == line


def test_vimgrep_paths_are_relative_to_the_working_directory(
    notes: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(notes)
    _, out, _ = _run("--dir", ".", "--vimgrep", "zooms")
    assert out.startswith("tmux.md:3:")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    _, out, _ = _run("--dir", str(notes), "--vimgrep", "zooms")
    assert out.startswith(f"{notes}/tmux.md:3:"), "outside the cwd: absolute, still openable"
    _, out, _ = _run("--dir", str(notes), "--absolute", "zooms")
    assert out.startswith(f"{notes}/tmux.md:3  ")


@pytest.mark.skipif(shutil.which("vim") is None, reason="vim is not installed")
def test_vim_loads_the_vimgrep_output_into_quickfix(notes: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(notes.parent)
    _, out, _ = _run("--dir", str(notes), "--vimgrep", "--limit", "0", "nvim | zooms")
    results = tmp_path / "qf.txt"
    results.write_text(out, encoding="utf-8")
    report = tmp_path / "report.txt"
    script = (f"cgetfile {results} | call writefile(map(getqflist(), "
              "{_, e -> bufname(e.bufnr) . ':' . e.lnum . ':' . e.col . ':' . e.valid}), "
              f"'{report}') | qa!")
    subprocess.run(["vim", "-Nu", "NONE", "-i", "NONE", "-es", "-c", script],
                   cwd=notes.parent, timeout=60, check=False, stdin=subprocess.DEVNULL)
    entries = report.read_text(encoding="utf-8").splitlines()
    assert len(entries) == len(out.splitlines()) == 2
    expected = [":".join(line.split(":")[:3]) + ":1" for line in out.splitlines()]
    assert sorted(entries) == sorted(expected), "every line valid, same file, line and column"
    assert {e.split(":")[0] for e in entries} == {"notes/tmux.md", "notes/sub dir/editor.md"}


def test_null_separated_output_for_xargs(notes: Path) -> None:
    _, out, _ = _run("--dir", str(notes), "-0", "--absolute", "--limit", "0", "nvim | zooms")
    records = out.split("\0")
    assert records[-1] == "" and len(records) == 3
    assert {r.split(":")[0] for r in records[:-1]} == {
        str(notes / "tmux.md"), str(notes / "sub dir" / "editor.md")}
    assert "\n" not in out


def test_json_carries_root_and_absolute_path(notes: Path, monkeypatch: pytest.MonkeyPatch
                                             ) -> None:
    monkeypatch.chdir(notes.parent)
    _, out, _ = _run("--dir", "notes", "--json", "nvim")
    row = json.loads(out.splitlines()[0])
    assert row["path"] == "sub dir/editor.md"
    assert row["root"] == str(notes)
    assert row["abspath"] == str(notes / "sub dir" / "editor.md")
    assert Path(row["abspath"]).is_file()


def test_color_flag_and_environment() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty, pipe = Tty(), io.StringIO()
    assert use_color("auto", tty, {}) and not use_color("auto", pipe, {})
    assert not use_color("auto", tty, {"NO_COLOR": "1"})
    assert use_color("auto", tty, {"NO_COLOR": ""}), "an empty NO_COLOR does not count"
    assert use_color("auto", pipe, {"CLICOLOR_FORCE": "1"})
    assert not use_color("auto", pipe, {"CLICOLOR_FORCE": "0"})
    assert not use_color("auto", tty, {"TERM": "dumb"})
    assert use_color("always", pipe, {"NO_COLOR": "1"}), "the flag beats the environment"
    assert not use_color("never", tty, {"CLICOLOR_FORCE": "1"})


def _search_under_pty(notes: Path, env: dict[str, str], *extra: str) -> bytes:
    """Run the real command with its stdout on a pseudo-terminal; return what it wrote."""
    main_fd, child_fd = pty.openpty()
    command = [sys.executable, "-m", "tui", "search", "--dir", str(notes), *extra, "zooms"]
    process = subprocess.Popen(command, stdout=child_fd, stderr=subprocess.DEVNULL,
                               env=env, cwd=Path(__file__).resolve().parents[2])
    os.close(child_fd)
    chunks = []
    while True:
        ready, _, _ = select.select([main_fd], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(main_fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(main_fd)
    return b"".join(chunks)


def test_no_color_under_a_pty_prints_no_escape(notes: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "CLICOLOR_FORCE")}
    env["TERM"] = "xterm-256color"
    coloured = _search_under_pty(notes, env)
    assert b"zooms" in coloured and b"\x1b[" in coloured, "a terminal gets colour"
    plain = _search_under_pty(notes, {**env, "NO_COLOR": "1"})
    assert b"zooms" in plain and b"\x1b" not in plain
    assert b"\x1b" not in _search_under_pty(notes, env, "--color", "never")


def test_vimgrep_lists_each_line_once_and_full_matches_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As rg: a key row inside its section is one quickfix entry, and a line holding only
    some of the words is left out (and counted on stderr)."""
    root = tmp_path / "notes"
    root.mkdir()
    (root / "keys.txt").write_text(
        "SHELL KEYS\n\nkey  app  function  note\nC-W  bash  kill word (backward)\n"
        "A-D  bash  kill word (forward)\n", encoding="utf-8")
    (root / "other.md").write_text("# Other\n\nA word alone here.\n", encoding="utf-8")
    monkeypatch.chdir(root)
    code, out, err = _run("--dir", str(root), "--vimgrep", "kill", "word")
    assert code == 0
    places = [":".join(line.split(":")[:2]) for line in out.splitlines()]
    assert places and len(places) == len(set(places)), out
    assert all(p.startswith("keys.txt:") for p in places), out
    assert "1 partial match left out" in err  # singular for one


def test_partial_matches_are_marked_in_the_text_output(tmp_path: Path) -> None:
    """`| wc -l` counted 955 hits for a query four entries answer (TRY5 §4): the lines
    holding only some of the words say so, as the TUI's rows do."""
    root = tmp_path / "notes"
    root.mkdir()
    (root / "both.md").write_text("# Both\n\nharbour lantern\n", encoding="utf-8")
    (root / "one.md").write_text("# One\n\nharbour only\n", encoding="utf-8")
    code, out, err = _run("--dir", str(root), "harbour", "lantern")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 2, out
    assert "~partial" not in lines[0] and "both.md:" in lines[0]
    assert "one.md:" in lines[1] and " ~partial " in lines[1]
    assert "1 partial match (not every term matched, marked ~partial)" in err
