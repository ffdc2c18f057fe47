"""What the status line says while the index is being built.

`indexing 1,234/2,159 files · 12 s left`: a user on a cold start sees that
something is happening, how far it got and how long it will take. The clock is
injected so the estimate is tested without waiting.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

# No estimate before this much work is done: the first batches include start-up costs.
MIN_SECONDS_FOR_ESTIMATE = 1.0
MIN_FRACTION_FOR_ESTIMATE = 0.02


def _duration(seconds: float) -> str:
    if seconds < 1:
        return "<1 s"
    if seconds < 90:
        return f"{round(seconds)} s"
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes} min {secs:02d} s" if minutes < 10 else f"{minutes} min"


@dataclass(slots=True)
class BuildProgress:
    """Files done out of files to parse, and the time left at the rate so far."""

    clock: Callable[[], float] = time.monotonic
    done: int = 0
    total: int = 0
    started: float | None = field(default=None)
    waiting: bool = False  # another process is building this cache; we wait for it
    # The estimate made when the count last moved, and when: between counts it
    # counts down (batches are committed seconds apart; re-dividing the time so far
    # by a count that stands still made it climb, as if the build slowed down).
    estimate: tuple[float, float] | None = None

    def start(self) -> None:
        self.started = self.clock()
        self.done = self.total = 0
        self.waiting = False
        self.estimate = None

    def update(self, done: int, total: int) -> None:
        if self.started is None:
            self.start()
        moved = (done, total) != (self.done, self.total)
        self.done, self.total = done, total
        self.waiting = False
        if moved:
            at_rate = self._at_rate_so_far()
            self.estimate = None if at_rate is None else (at_rate, self.clock())

    def _at_rate_so_far(self) -> float | None:
        if self.started is None or not self.total or not self.done:
            return None
        elapsed = self.clock() - self.started
        if elapsed < MIN_SECONDS_FOR_ESTIMATE or self.done / self.total < MIN_FRACTION_FOR_ESTIMATE:
            return None
        return elapsed / self.done * (self.total - self.done)

    def seconds_left(self) -> float | None:
        """The last estimate counted down; once it has run out with the count still
        standing (one huge file), the rate so far, which then honestly grows."""
        if self.estimate is None:
            return None
        estimated, at = self.estimate
        counted_down = estimated - (self.clock() - at)
        return counted_down if counted_down >= 1 else self._at_rate_so_far()

    def text(self) -> str:
        """`indexing 1,234/2,159 files · 12 s left` (no estimate until one is sensible)."""
        if self.waiting:
            return "indexing (another notesift is building this index; following it)"
        if not self.total:
            return "indexing: looking for notes…"
        line = f"indexing {self.done:,}/{self.total:,} files"
        if self.done >= self.total:
            # Every file is read; the words and the index's merge come last and can
            # take seconds on a big tree, which a `<1 s left` misstated.
            return f"{line} · finishing…"
        left = self.seconds_left()
        return line if left is None else f"{line} · {_duration(left)} left"
