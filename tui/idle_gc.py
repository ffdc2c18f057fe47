"""Garbage collection between keystrokes, never in the middle of one.

CPython's collector runs when allocations pass a threshold, so a full (oldest
generation) pass lands on whatever keystroke happens to allocate at that moment:
with the app's ~120k tracked objects that pass took 110-220 ms at load 8 (25-40 ms
quiet), six times in the benchmark's 91 keystrokes, about its p95. While the app
runs, automatic collection is off; a collection runs once the user has paused
(`IDLE_S` without a key and no search running): the young generations each time,
the oldest every `FULL_EVERY` pauses, as CPython's own ratio. The objects alive
once the index is ready (modules, widgets, the index's tables) are frozen out of
later passes (`gc.freeze`), so the oldest pass scans only what came after.

Until the index is ready (the first walk allocates millions of objects, and nobody
is waiting on a keystroke yet) the collector runs as CPython's. A long stretch without
a pause (a held key, a paste storm) still collects the youngest generation once
`YOUNG_LIMIT` allocations are pending.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Protocol

IDLE_S = 0.2
FULL_EVERY = 10
YOUNG_LIMIT = 100_000


class Clock(Protocol):
    """Now, and a call some seconds from now (`tui.app_keys.KeyClock` fits)."""

    def __call__(self) -> float: ...

    def call_later(self, seconds: float, callback: Callable[[], None]) -> Callable[[], None]:
        ...


class IdleCollector:
    """Runs the cyclic garbage collector when the app is idle."""

    def __init__(self, clock: Clock, busy: Callable[[], bool],
                 collect: Callable[[int], object] = gc.collect,
                 pending: Callable[[], int] = lambda: gc.get_count()[0]) -> None:
        self._clock = clock
        self._busy = busy
        self._collect = collect
        self._pending = pending
        self._last = clock()
        self._armed = False
        self._pauses = 0
        self._freeze_wanted = False
        self._running = False
        self.collections: list[int] = []  # generations collected (tests read it)

    @property
    def running(self) -> bool:
        """Collections run in pauses (automatic collection is off meanwhile)."""
        return self._running

    def start(self) -> None:
        """The index is ready: collect in pauses only; the next pause runs a full pass
        and freezes what survives it (again when the index was rebuilt)."""
        self._running = True
        gc.disable()
        self._freeze_wanted = True
        self._pauses = FULL_EVERY - 1
        self._last = self._clock()
        self._arm()

    def stop(self) -> None:
        """Automatic collection back on (the app has ended)."""
        if self._running:
            self._running = False
            gc.unfreeze()
            gc.enable()

    def activity(self) -> None:
        """A key or an answer: the next collection waits for a pause."""
        if not self._running:
            return
        self._last = self._clock()
        if self._pending() > YOUNG_LIMIT:
            self._run(0)
        self._arm()

    def _arm(self) -> None:
        if gc.isenabled():  # turned back on by someone else (`tui.launch` after a first paint)
            gc.disable()
        if not self._armed:
            self._armed = True
            self._clock.call_later(IDLE_S, self._due)

    def _due(self) -> None:
        if not self._running:
            self._armed = False
            return
        wait = self._last + IDLE_S - self._clock()
        if wait > 0 or self._busy():
            self._clock.call_later(max(wait, IDLE_S / 2), self._due)
            return
        self._armed = False
        self._pauses += 1
        if self._pauses < FULL_EVERY:
            self._run(1)
            return
        self._pauses = 0
        freeze, self._freeze_wanted = self._freeze_wanted, False
        if freeze:
            gc.unfreeze()  # after a rebuild, what was frozen before is checked once more
        self._run(2)
        if freeze:
            gc.freeze()

    def _run(self, generation: int) -> None:
        self.collections.append(generation)
        self._collect(generation)

