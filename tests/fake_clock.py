"""A clock that only moves when a test says so, for code that takes `clock=` (no real waiting)."""

from __future__ import annotations

from collections.abc import Callable


class FakeClock:
    """Seconds as `time.monotonic` gives them, frozen until `advance`.

    It can also stand for the app's timers (`AppSettings(clock=...)`, a
    `tui.app_keys.KeyClock`): `call_later` schedules on it, and `advance` runs
    what falls due, in order, on the caller's thread (a Pilot test's app loop).
    """

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self._due: list[tuple[float, int, Callable[[], None]]] = []
        self._order = 0

    def __call__(self) -> float:
        return self.now

    def call_later(self, seconds: float, callback: Callable[[], None]) -> Callable[[], None]:
        self._order += 1
        entry = (self.now + seconds, self._order, callback)
        self._due.append(entry)

        def cancel() -> None:
            if entry in self._due:
                self._due.remove(entry)

        return cancel

    def advance(self, seconds: float) -> None:
        target = self.now + seconds
        while ready := [e for e in self._due if e[0] <= target]:
            entry = min(ready, key=lambda e: (e[0], e[1]))
            self._due.remove(entry)
            self.now = max(self.now, entry[0])
            entry[2]()
        self.now = target
