"""`notesift pick`: the browser as a picker, printing the choice like fzf.

The TUI draws on the terminal itself (`/dev/tty`), so standard output carries
only the answer and `nvim $(notesift pick)` works; so do tmux popups and shell
widgets whose stdin or stderr are not the terminal. Exit statuses follow fzf:
0 a choice, 1 nothing to choose, 130 cancelled (Esc, C-c, C-g, quit).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TextIO

from tui.core.search.hit_format import display_path, hit_record, path_line, vimgrep_line
from tui.core.search.presenting import SearchHit
from tui.core.text.sanitize import json_safe, printable

__all__ = ["PICK_EXAMPLES", "configure_pick", "format_picked", "run_pick_args"]

EXIT_ERROR = 2
FORMATS = ("path", "file", "vimgrep", "json")
PICK_EXAMPLES = """\
examples:
  nvim -q <(notesift pick --format vimgrep)      # open the choice at its line
  f=$(notesift pick) && vim "+${f##*:}" "${f%:*}"  # the same with path:line
  nvim $(notesift pick --format file)            # just the file
  notesift pick --query '#todo' --multi          # Tab marks, Enter prints them all
  notesift pick --format json | jq -r .url
"""


def configure_pick(parser: argparse.ArgumentParser) -> None:
    """Arguments of `notesift pick`."""
    parser.add_argument("dir", nargs="?",
                        help="notes directory (default: $NOTESIFT_DIR, config, cwd)")
    parser.add_argument("--query", "-q", default="", help="start with this query")
    parser.add_argument("--multi", "-m", action="store_true",
                        help="Tab marks entries; Enter prints every marked one")
    parser.add_argument("--format", choices=FORMATS, default="path",
                        help="path:line (default), the path alone, path:line:col:text, "
                        "or JSON Lines")
    parser.add_argument("--relative", action="store_true",
                        help="paths relative to the working directory (default: absolute)")
    parser.add_argument("--theme", help="theme name")
    parser.add_argument("--keymap", help="keymap file, or a preset name (vim, emacs)")
    parser.add_argument("--no-cache", action="store_true", help="ignore the persistent index")


def format_picked(hits: Sequence[SearchHit], root: Path, fmt: str, *, relative: bool,
                  cwd: Path | None = None) -> str:
    """What `pick` prints: one line per chosen entry."""
    lines = []
    for hit in hits:
        if fmt == "json":
            lines.append(json_safe(json.dumps(hit_record(hit, root), ensure_ascii=False)))
        elif fmt == "file":
            where = display_path(root, hit.entry.path, absolute=not relative, cwd=cwd)
            lines.append(printable(where))
        elif fmt == "vimgrep":
            lines.append(vimgrep_line(hit, root, absolute=not relative, cwd=cwd))
        else:
            lines.append(printable(path_line(hit, root, absolute=not relative, cwd=cwd)))
    return "".join(line + "\n" for line in lines)


@contextlib.contextmanager
def _terminal_io() -> Iterator[TextIO]:
    """Point fds 0-2 at /dev/tty for the TUI; yield the original stdout for the answer."""
    answer = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8",
                       errors="surrogateescape")
    saved = {fd: os.dup(fd) for fd in (0, 1, 2)}
    tty = -1
    try:
        with contextlib.suppress(OSError):
            tty = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
        if tty >= 0:
            for fd in (0, 1, 2):
                # stdout always (it is the answer); stdin/stderr only when not a terminal.
                if fd == 1 or not os.isatty(fd):
                    os.dup2(tty, fd)
        yield answer
    finally:
        sys.stdout.flush()
        for fd, copy in saved.items():
            os.dup2(copy, fd)
            os.close(copy)
        if tty >= 0:
            os.close(tty)


def run_pick_args(args: argparse.Namespace) -> int:
    """Run the TUI as a picker; print the choice; exit 0, 1 or 130."""
    from tui.app import PickOptions, make_app
    from tui.cli import app_settings

    settings = app_settings(args, pick=PickOptions(multi=args.multi), initial_query=args.query)
    if settings is None:
        return EXIT_ERROR
    root = settings.root
    with _terminal_io() as answer:
        app = make_app(settings)
        code = app.run()
        text = format_picked(app.picked, root, args.format, relative=args.relative)
        answer.write(text)
        answer.close()
    return code if isinstance(code, int) else 130
