"""A clock that only moves when a test says so, for code that takes `clock=` (no real waiting)."""

from __future__ import annotations


class FakeClock:
    """Seconds as `time.monotonic` gives them, frozen until `advance`."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
