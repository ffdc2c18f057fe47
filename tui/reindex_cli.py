"""`notesift reindex`: rebuild a folder's index cache from scratch, with progress.

The same as the TUI's `reindex` action: the cache file is replaced by a new one
filled from the notes on disk (other processes sharing it follow the new file).
Progress goes to stderr (one updating line on a terminal, a line a second
otherwise), so a script can still read the one-line summary.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from tui.core.config import notes_folder_or_say_why
from tui.core.index.note_index import NoteIndex
from tui.core.index.progress import BuildProgress
from tui.core.text.sanitize import printable

__all__ = ["REINDEX_DESCRIPTION", "REINDEX_EXAMPLES", "configure_reindex", "run_reindex_args"]

EXIT_OK, EXIT_ERROR = 0, 2
LINE_EVERY_S = 1.0  # progress lines when stderr is not a terminal

REINDEX_DESCRIPTION = (
    "Rebuild the index cache of a notes folder from scratch (as the TUI's `reindex`). "
    "Nothing is lost: the cache only holds what the notes say."
)
REINDEX_EXAMPLES = """\
examples:
  notesift reindex                     # the default notes folder
  notesift reindex --dir ~/notes -q    # no progress, only errors
"""


def configure_reindex(parser: argparse.ArgumentParser) -> None:
    """Arguments of `notesift reindex`."""
    parser.add_argument("--dir", help="notes directory (default: $NOTESIFT_DIR, config, cwd)")
    parser.add_argument("--quiet", "-q", action="store_true",
                        help="no progress, summary or warnings on stderr")


class _ProgressLine:
    """`indexing N/M files · X s left` on stderr: rewritten in place on a terminal."""

    def __init__(self, err: TextIO, clock: Callable[[], float] = time.monotonic) -> None:
        self.err = err
        self.clock = clock
        self.progress = BuildProgress(clock=clock)
        self.progress.start()
        self.tty = _isatty(err)
        self.shown_at: float | None = None
        self.open_line = False

    def waiting(self) -> None:
        self.progress.waiting = True
        self._write(force=True)

    def __call__(self, done: int, total: int) -> None:
        self.progress.update(done, total)
        self._write(force=done == total)

    def _write(self, *, force: bool) -> None:
        now = self.clock()
        if not (force or self.tty or self.shown_at is None
                or now - self.shown_at >= LINE_EVERY_S):
            return
        self.shown_at = now
        text = f"notesift: {self.progress.text()}"
        if self.tty:
            self.err.write(f"\r\x1b[2K{text}")
            self.open_line = True
        else:
            self.err.write(text + "\n")
        self.err.flush()

    def end(self) -> None:
        if self.open_line:
            self.err.write("\n")
            self.open_line = False


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _cache_bytes(path: Path | None) -> int:
    if path is None:
        return 0
    total = 0
    for suffix in ("", "-wal"):
        with contextlib.suppress(OSError):
            total += Path(f"{path}{suffix}").stat().st_size
    return total


def run_reindex_args(args: argparse.Namespace, err: TextIO | None = None) -> int:
    """Rebuild; exit 0 when done, 2 when the folder is not there."""
    err = err or sys.stderr
    folder = notes_folder_or_say_why(args.dir, err)
    if folder is None:
        return EXIT_ERROR
    config, problems, root = folder.config, folder.problems, folder.root
    index = NoteIndex(root, ignore_globs=config.ignore,
                      respect_gitignore=config.respect_gitignore)
    line = _ProgressLine(err)
    started = time.monotonic()  # what the user waited: the swap and the merge included
    try:
        stats = index.rebuild(progress=None if args.quiet else line,
                              on_wait=None if args.quiet else line.waiting)
        line.end()
        if stats.root_missing:
            err.write(f"notesift: {printable(str(root))}: not a directory\n")
            return EXIT_ERROR
        entries = index.store.count()
        warnings = problems + index.warnings
        size = _cache_bytes(index.cache_path)
    finally:
        index.close()
    seconds = time.monotonic() - started
    if not args.quiet:
        for warning in warnings:
            err.write(f"notesift: warning: {printable(warning)}\n")
        err.write(f"notesift: indexed {stats.sources:,} files ({entries:,} entries) in "
                  f"{seconds:.1f} s; cache {size / 1e6:.1f} MB: "
                  f"{printable(str(index.cache_path))}\n")
    return EXIT_OK
