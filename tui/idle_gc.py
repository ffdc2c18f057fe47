"""Garbage collection between keystrokes, never in the middle of one.

CPython's collector runs when allocations pass a threshold, so a full (oldest
generation) pass lands on whatever keystroke happens to allocate at that moment:
with the app's ~120k tracked objects that pass took 110-220 ms at load 8 (25-40 ms
quiet), six times in the benchmark's 91 keystrokes, about its p95. While the app
runs, automatic collection is off; a collection runs once the user has paused
(`IDLE_S` without a key and no search running): the young generations each time,
the oldest after `FULL_EVERY` pauses (CPython's own ratio) once a pause lasts
`FULL_IDLE_S` (a pass of 20-40 ms then never meets the next key of someone typing
steadily), or at a short pause when long ones never come. The objects alive
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
FULL_IDLE_S = 1.0
FULL_EVERY = 10
FULL_OVERDUE = 5  # after this many times FULL_EVERY short pauses, a short one will do
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
        self._cancel: Callable[[], None] | None = None  # the pending check
        self._due_at = 0.0  # when it is due
        self._pauses = 0
        self._counted = False  # this pause was counted (and its young pass run)
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
        self._pauses = FULL_EVERY * FULL_OVERDUE - 1  # the first pause: a full pass
        self._last = self._clock()
        self._counted = False
        self._arm()

    def stop(self) -> None:
        """Automatic collection back on (the app has ended)."""
        if self._running:
            self._running = False
            if self._cancel is not None:
                self._cancel()
                self._cancel = None
            gc.unfreeze()
            gc.enable()

    def activity(self) -> None:
        """A key or an answer: the next collection waits for a pause."""
        if not self._running:
            return
        now = self._last = self._clock()
        self._counted = False
        if self._pending() > YOUNG_LIMIT:
            self._run(0)
        # A check due before this pause could end re-arms itself when it finds no pause:
        # a new timer per key (a task each) is echo time, ~0.1 ms of the key's CPU.
        if self._cancel is None or self._due_at > now + IDLE_S:
            self._arm()

    def _arm(self, delay: float = IDLE_S) -> None:
        """The next check in `delay` seconds (one pending check at a time)."""
        if gc.isenabled():  # turned back on by someone else (`tui.launch` after a first paint)
            gc.disable()
        if self._cancel is not None:
            self._cancel()
        self._due_at = self._clock() + delay
        self._cancel = self._clock.call_later(delay, self._due)

    def _due(self) -> None:
        self._cancel = None
        if not self._running:
            return
        idle = self._clock() - self._last
        if idle < IDLE_S or self._busy():
            self._arm(max(IDLE_S - idle, IDLE_S / 2))
            return
        first = not self._counted
        if first:
            self._counted = True
            self._pauses += 1
        full_due = self._pauses >= FULL_EVERY
        if full_due and (idle >= FULL_IDLE_S or self._pauses >= FULL_EVERY * FULL_OVERDUE):
            self._full()
            return
        if first:
            self._run(1)
        if full_due:  # a longer pause may come: the full pass waits for it
            self._arm(FULL_IDLE_S - idle)

    def _full(self) -> None:
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

