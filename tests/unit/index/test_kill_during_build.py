"""A build killed at any instant leaves no process behind, and the folder opens again.

Forked parse workers held a copy of the cache's lock: killed with their parent
they lived on, and every later notesift on that folder waited for them for good.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tui_helpers import HANG_S

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")

BUILD = """
import sys, time
from pathlib import Path
import tui.core.index.parsing as parsing
from tui.core.search.searchable import SearchableIndex

real = parsing.parse_source
def slow(root, ref):
    time.sleep(0.05)  # a build long enough to be killed in the middle
    return real(root, ref)
parsing.parse_source = slow
SearchableIndex(Path(sys.argv[1]), cache_dir=Path(sys.argv[2]), jobs=2).refresh()
"""


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def _wait(condition, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + HANG_S
    while not condition():
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.05)


def test_workers_die_with_a_killed_build_and_the_next_build_runs(tmp_path: Path) -> None:
    root, cache = tmp_path / "notes", tmp_path / "cache"
    root.mkdir()
    for i in range(300):
        (root / f"n{i:03d}.md").write_text(f"# Note {i}\n\nwords {i}\n", encoding="utf-8")
    build = subprocess.Popen([sys.executable, "-c", BUILD, str(root), str(cache)])
    workers: list[int] = []
    try:
        _wait(lambda: len(_children(build.pid)) >= 2, "the parse workers started")
        workers[:] = _children(build.pid)
        build.send_signal(signal.SIGKILL)
        build.wait(HANG_S)
        _wait(lambda: not any(_alive(w) for w in workers), "the workers ended with it")
    finally:
        for pid in [build.pid, *workers]:  # leave nothing behind, whatever happened
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
    again = subprocess.run(
        [sys.executable, "-c", "import sys; from pathlib import Path; "
         "from tui.core.search.searchable import SearchableIndex; "
         "i = SearchableIndex(Path(sys.argv[1]), cache_dir=Path(sys.argv[2]), jobs=2); "
         "i.refresh(); print(len(i.search('words', limit=0).hits))",
         str(root), str(cache)],
        capture_output=True, text=True, timeout=HANG_S, env=os.environ,
    )
    assert again.returncode == 0, again.stderr
    assert int(again.stdout) == 300
