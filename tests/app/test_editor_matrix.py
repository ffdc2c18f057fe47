"""Every common `$EDITOR` shape opens exactly the note the user picked, at its line.

The argv built by `editor_argv` is really executed (never through a shell) by fake
editors that log what they received. How each real editor reads its argv is
modelled below (`OPENS`), so a stray `--`, an unsplit editor path or a file name
read as an option shows up here as the wrong file being opened, as it would for
the user.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from tui_helpers import app_settings, ready, settle, type_text

from tui.app import make_app
from tui.core.editor import editor_argv, editor_command

LINE = 3
# Names that would misbehave if they reached a shell or an option parser.
NOTE_NAMES = (
    "-rf.md",
    "--help.md",
    "+5.md",
    "it's \"quoted\".md",
    "$(touch pwned).md",
    "`touch pwned`.md",
    "with space.md",
    "meeting 10:30.md",
)
FAKE_NAMES = ("vim", "nvim", "vim.basic", "code", "subl", "hx", "emacsclient", "nano", "micro",
              "myed")

# -- how the real editors read their argv ---------------------------------------------

Opened = tuple[list[str], int | None]
_PLUS = re.compile(r"^\+(\d+)(?::\d+)?$")
_COLON = re.compile(r"^(.*?)(?::(\d+))?(?::\d+)?$")


def _vim(args: list[str]) -> Opened:
    """Vim/Neovim: options anywhere, `+N` sets the line, `--` makes the rest files."""
    valued = {"-u", "-U", "-c", "--cmd", "-S", "-T", "-i", "-w", "-W", "-s", "-t"}
    line = None
    rest: list[str] = []
    for i, arg in enumerate(args):
        if arg == "--":
            rest += args[i:]
            break
        if match := _PLUS.match(arg):
            line = int(match[1])
        else:
            rest.append(arg)
    return _getopt_operands(rest, valued), line


def _getopt_operands(args: list[str], valued: set[str]) -> list[str]:
    """GNU getopt (permuting): options anywhere until `--`; the operands in order."""
    operands: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            operands += args[i + 1 :]
            break
        if arg.startswith("-") and arg != "-":
            i += arg in valued
        else:
            operands.append(arg)
        i += 1
    return operands


def _plus_then_file(operands: list[str]) -> Opened:
    """nano and emacsclient: a `+N` operand applies to the file that follows it."""
    files: list[str] = []
    line = None
    for i, arg in enumerate(operands):
        match = _PLUS.match(arg)
        if match and i < len(operands) - 1:
            line = int(match[1])
        else:
            files.append(arg)
    return files, line


def _nano(args: list[str]) -> Opened:
    return _plus_then_file(_getopt_operands(args, {"-T", "-Y", "-o", "-r", "-s", "-C", "-X"}))


def _emacsclient(args: list[str]) -> Opened:
    return _plus_then_file(_getopt_operands(args, {"-a", "-s", "-f", "-d", "-T", "-F"}))


def _micro(args: list[str]) -> Opened:
    """micro: Go's `flag` stops at the first non-flag; then `+N[:C]` or files."""
    booleans = {"version", "options", "debug", "profile", "clean"}
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            i += 1
            break
        if not arg.startswith("-") or arg == "-":
            break
        name = arg.lstrip("-")
        i += 1 if "=" in name or name in booleans else 2
    files: list[str] = []
    line = None
    for arg in args[i:]:
        if match := _PLUS.match(arg):
            line = int(match[1])
        else:
            files.append(arg)
    return files, line


def _colon_files(positional: list[str]) -> Opened:
    files: list[str] = []
    line = None
    for arg in positional:
        match = _COLON.match(arg)
        assert match is not None
        files.append(match[1])
        if match[2]:
            line = int(match[2])
    return files, line


def _code(args: list[str]) -> Opened:
    """VS Code: `-g/--goto` makes every path argument `file:line[:col]`."""
    positional: list[str] = []
    goto = False
    for i, arg in enumerate(args):
        if arg == "--":
            positional += args[i + 1 :]
            break
        if arg in ("-g", "--goto"):
            goto = True
        elif not arg.startswith("-"):
            positional.append(arg)
    return _colon_files(positional) if goto else (positional, None)


def _subl(args: list[str]) -> Opened:
    """Sublime Text: paths may end in `:line[:col]`."""
    return _colon_files([a for a in args if not a.startswith("-")])


def _hx(args: list[str]) -> Opened:
    """Helix (helix-term/src/args.rs): `file[:row[:col]]` unless the whole name exists."""
    files: list[str] = []
    line = None
    for arg in args:
        if arg == "--":
            break  # helix stops reading arguments here
        if arg.startswith("-"):
            continue
        if os.path.exists(arg):
            files.append(arg)
            continue
        match = _COLON.match(arg)
        assert match is not None
        files.append(match[1])
        line = int(match[2]) if match[2] else line
    return files, line


def _unknown(args: list[str]) -> Opened:
    return [a for a in args if not a.startswith("-")], None


OPENS: dict[str, Callable[[list[str]], Opened]] = {
    "vim": _vim, "nvim": _vim, "vim.basic": _vim, "nano": _nano, "emacsclient": _emacsclient,
    "micro": _micro, "code": _code, "subl": _subl, "hx": _hx, "myed": _unknown,
}

# -- fake editors -------------------------------------------------------------------------

# A shell script, not Python: the matrix runs 130 editors, and a Python start-up each
# (about 25 ms of CPU) was most of this file's time. Each run logs its argv as one
# record: every argument followed by a NUL (no argument can hold one), then a newline.
LOGGER = """\
#!/bin/sh
printf '%s\\0' "$0" "$@" >> "$FAKE_EDITOR_LOG"
printf '\\n' >> "$FAKE_EDITOR_LOG"
"""


@dataclass
class Fakes:
    """Fake editors on PATH and in a folder whose name has a space; they log their argv."""

    bin: Path
    spaced: Path
    log: Path
    cwd: Path

    def run(self, argv: list[str]) -> list[str]:
        """Run `argv` without a shell, from an unrelated folder; the argv the editor got."""
        self.log.write_text("", encoding="utf-8")
        done = subprocess.run(argv, cwd=self.cwd, timeout=30, check=False)
        assert done.returncode == 0
        records = self.log.read_text(encoding="utf-8").split("\0\n")[:-1]
        assert len(records) == 1, "exactly one editor should have run"
        return records[0].split("\0")


def _write_fake(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(LOGGER, encoding="utf-8")
    path.chmod(0o755)


@pytest.fixture
def fakes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Fakes:
    found = Fakes(tmp_path / "bin", tmp_path / "my editors", tmp_path / "editor.log",
                  tmp_path / "elsewhere")
    for name in FAKE_NAMES:
        _write_fake(found.bin / name)
        _write_fake(found.spaced / name)
    _write_fake(tmp_path / "home" / "tools" / "nvim")
    found.cwd.mkdir()
    monkeypatch.setenv("PATH", f"{found.bin}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("FAKE_EDITOR_LOG", str(found.log))
    return found


@pytest.fixture
def notes(tmp_path: Path) -> dict[str, Path]:
    root = tmp_path / "notes root"
    root.mkdir()
    made = {}
    for name in NOTE_NAMES:
        (root / name).write_text(f"# {name}\n\nsecond\nthird\n", encoding="utf-8")
        made[name] = root / name
    return made


# -- the matrix ---------------------------------------------------------------------------

# (`$EDITOR` value with {bin}/{spaced} placeholders, the fake that must run,
#  the user's own arguments that must reach it)
CASES = [
    ("vim", "vim", []),
    ("nvim -u NONE", "nvim", ["-u", "NONE"]),
    ('"{spaced}/vim" -n', "vim", ["-n"]),
    ("'{spaced}/nvim' -u NONE", "nvim", ["-u", "NONE"]),
    ("{spaced}/vim", "vim", []),  # unquoted, no arguments: the whole value is the program
    ("{spaced}/vim -n", "vim", ["-n"]),  # unquoted with an argument
    ("{bin}/vim.basic", "vim.basic", []),  # Debian's alternatives name
    ("~/tools/nvim", "nvim", []),
    ("code --wait", "code", ["--wait"]),
    ('"{spaced}/code" --wait', "code", ["--wait"]),
    ("subl -w", "subl", ["-w"]),
    ("hx", "hx", []),
    ("emacsclient -t", "emacsclient", ["-t"]),
    ("nano", "nano", []),
    ("micro", "micro", []),
    ("myed --flag", "myed", ["--flag"]),
]


def _expected_tail(fake: str, target: str) -> list[str]:
    """The end of the argv in each editor's own syntax for 'open target at LINE'."""
    if fake in ("vim", "nvim", "vim.basic", "nano"):
        return [f"+{LINE}", "--", target]
    if fake in ("emacsclient", "micro"):
        return [f"+{LINE}", target]
    if fake == "code":
        return ["--goto", f"{target}:{LINE}"]
    if fake in ("subl", "hx"):
        return [f"{target}:{LINE}"]
    return [target]


@pytest.mark.parametrize(("value", "fake", "own_args"), CASES, ids=[c[0] for c in CASES])
def test_editor_opens_exactly_the_chosen_note_at_its_line(
    fakes: Fakes, notes: dict[str, Path], tmp_path: Path,
    value: str, fake: str, own_args: list[str],
) -> None:
    command = value.format(bin=fakes.bin, spaced=fakes.spaced)
    expected_program = fakes.spaced / fake if "{spaced}" in value else fakes.bin / fake
    if value.startswith("~"):
        expected_program = tmp_path / "home" / "tools" / fake
    for name, note in notes.items():
        argv = editor_argv(editor_command({"EDITOR": command}), note, LINE)
        received = fakes.run(argv)
        assert os.path.samefile(received[0], expected_program), f"{command!r} ran the wrong program"
        args = received[1:]
        assert args[: len(own_args)] == own_args, "the user's editor arguments must be kept"
        files, line = OPENS[fake](args)
        assert len(files) == 1, f"{fake} would open {files} for {name!r}"
        assert os.path.isabs(files[0]) and os.path.samefile(files[0], note), name
        assert line == (None if fake == "myed" else LINE)
        assert args[len(own_args) :] == _expected_tail(fake, str(note.absolute())), name
    assert not list(tmp_path.rglob("*pwned")), "a file name must never be run as a command"


@pytest.mark.parametrize(
    ("env", "runs"),
    [
        ({"VISUAL": "nvim -u NONE", "EDITOR": "nano"}, "nvim"),
        ({"VISUAL": "", "EDITOR": "code --wait"}, "code"),
        ({"VISUAL": "   ", "EDITOR": "micro"}, "micro"),
        ({"EDITOR": "  \t"}, "vi"),
        ({}, "vi"),
    ],
)
def test_visual_wins_and_blank_values_count_as_unset(env: dict[str, str], runs: str) -> None:
    assert shlex.split(editor_command(env))[0] == runs


def test_the_configured_editor_beats_the_environment(fakes: Fakes, notes: dict[str, Path]) -> None:
    note = notes["-rf.md"]
    command = editor_command({"VISUAL": "nano", "EDITOR": "nano"},
                             configured=f'"{fakes.spaced}/hx"')
    received = fakes.run(editor_argv(command, note, LINE))
    assert os.path.samefile(received[0], fakes.spaced / "hx")
    assert _hx(received[1:]) == ([str(note.absolute())], LINE)


def test_line_numbers_below_one_open_the_first_line(fakes: Fakes, notes: dict[str, Path]) -> None:
    note = notes["with space.md"]
    received = fakes.run(editor_argv("nvim", note, 0))
    assert _vim(received[1:]) == ([str(note.absolute())], 1)


# -- through the app ----------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("value", "fake", "opens"),
    [('"{spaced}/vim" -n', "vim", _vim), ("{spaced}/micro", "micro", _micro)],
    ids=["quoted vim with an option", "unquoted micro path with a space"],
)
async def test_enter_on_a_dash_named_note_opens_that_file(
    fakes: Fakes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    value: str, fake: str, opens: Callable[[list[str]], Opened],
) -> None:
    root = tmp_path / "app notes"
    root.mkdir()
    note = root / "-rf.md"
    note.write_text("# Dash\n\nintro\n\n## Part\n\nquixotic marmot lives here\n", encoding="utf-8")
    (root / "other.md").write_text("# Other\n\nnothing to see\n", encoding="utf-8")
    monkeypatch.setenv("EDITOR", value.format(spaced=fakes.spaced))
    monkeypatch.delenv("VISUAL", raising=False)
    received: list[list[str]] = []

    def runner(argv: list[str]) -> int:
        received.append(fakes.run(argv))
        return 0

    app = make_app(app_settings(root, tmp_path, editor_runner=runner))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        await type_text(pilot, app, "quixotic")
        hit = app.results.current
        assert hit is not None and hit.entry.path == "-rf.md"
        await pilot.press("enter")
        await settle(pilot, app)
    assert len(received) == 1, "Enter should have started the editor once"
    argv = received[0]
    assert os.path.samefile(argv[0], fakes.spaced / fake)
    files, line = opens(argv[1:])
    assert len(files) == 1 and os.path.samefile(files[0], note)
    assert line == hit.match_line
