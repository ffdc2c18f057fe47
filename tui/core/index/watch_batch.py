"""Coalescing change events into batches: a quiet spell (or a deadline) ends a batch.

Apart from the watcher's observers so the timing rules that turn an editor's
save dance into one batch read (and change) in one place.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(slots=True)
class ChangeBatch:
    """What changed since the last batch.

    `paths` are absolute paths to re-check (created, modified, deleted, both ends
    of a move). With `rescan` the consumer should call `refresh()` instead: events
    were lost, a directory moved, or the burst was too big for per-file updates.
    """

    paths: set[Path] = field(default_factory=set)
    rescan: bool = False


class ChangeCoalescer:
    """Pending changes, pushed from the observer's thread and taken by the watcher's.

    A batch is ready once no change arrived for `quiet` seconds, or `max_wait`
    seconds after its first change (so a continuous stream still flushes); more
    than `max_paths` paths become a rescan.
    """

    def __init__(self, quiet: float, max_wait: float, max_paths: int) -> None:
        self._quiet = quiet
        self._max_wait = max_wait
        self._max_paths = max_paths
        self._cond = threading.Condition()
        self._paths: set[Path] = set()
        self._rescan = False
        self._first = 0.0
        self._last = 0.0

    def push(self, path: Path | None, *, rescan: bool = False) -> None:
        now = time.monotonic()
        with self._cond:
            was_empty = not self._paths and not self._rescan
            if path is not None:
                self._paths.add(path)
                if len(self._paths) > self._max_paths:
                    self._rescan = True
            if rescan:
                self._rescan = True
            if was_empty:
                self._first = now
                self._cond.notify_all()
            self._last = now

    def wake(self) -> None:
        """Wake a waiting `next_batch` (the watcher is stopping)."""
        with self._cond:
            self._cond.notify_all()

    def next_batch(self, stopping: threading.Event, idle: float) -> ChangeBatch | None:
        """Wait for pending changes and a quiet spell; None on stop or after `idle`
        seconds without any change."""
        with self._cond:
            if not self._paths and not self._rescan:
                self._cond.wait(idle)
                if not self._paths and not self._rescan:
                    return None
            while not stopping.is_set():
                deadline = min(self._last + self._quiet, self._first + self._max_wait)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            if stopping.is_set():
                return None
            batch = ChangeBatch(self._paths, self._rescan)
            self._paths = set()
            self._rescan = False
            return batch
