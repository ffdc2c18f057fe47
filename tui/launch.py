"""The `notesift` entry point: the cyclic garbage collector waits until the first paint.

Importing Textual and the app makes a few hundred thousand objects that live as long
as the process; the collector scans them again and again while they are made (about
a fifth of a warm launch's CPU before the first rows, two full passes among it).
So `main` pauses it before anything is imported; the app calls `resume_collector`
once its first rows are painted (a subcommand, before it runs), which freezes what
exists by then (never scanned again, as `gc.freeze` is meant for) and turns the
collector back on. Only a process started here pauses: tests and other importers
of `tui` run with the collector as they found it.

`start` also serves the code dataclasses and namedtuples generate (compiling it was
a sixth of a warm launch) and compiled regular expressions (another 8%) from a
cache (`tui.code_cache`).

And it sets the frame grid before anything imports Textual, which reads it once at
import: a screen repaints on a 1/FPS grid, and Textual's default 60 made a new answer
wait 17-33 ms after the echo's frame (at 10k, half of a keystroke's time to paint).
Set after `tui.app` was imported (as the CLI did), it was silently ignored.
"""

from __future__ import annotations

import gc
import os
import sys

__all__ = ["main", "pause_collector", "resume_collector", "start"]

_paused = False
FRAMES_PER_SECOND = "240"  # frames are drawn only when something changed


def pause_collector() -> None:
    """Stop cyclic collection until `resume_collector` (the start of a launch)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume_collector() -> None:
    """Freeze what the start made and collect again; a no-op unless `pause_collector` ran.

    The start is over then: `tui.code_cache` adds no more of the patterns compiled."""
    global _paused
    code_cache = sys.modules.get("tui.code_cache")
    if code_cache is not None:
        code_cache.settle()
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()


def start() -> None:
    """What a process started as `notesift` does before importing the rest."""
    os.environ.setdefault("TEXTUAL_FPS", FRAMES_PER_SECOND)  # a user's own value stays
    pause_collector()
    from tui.code_cache import install

    install()


def main() -> int:
    """`notesift …`: the command line (see `tui.cli`), started as `start` says."""
    start()
    from tui.cli import main as cli_main

    return cli_main()
