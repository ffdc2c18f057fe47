"""Which entries the user keeps coming back to: frequency weighted by recency.

Scored like Firefox's frecency: an entry's score is its use count times the
mean weight of its last few uses, each weighted by age (last 4 days 100, two
weeks 70, a month 50, three months 30, older 10). So something opened daily
this week beats something opened often last year, and scores decay by
themselves. Kept as small atomic JSON beside the other state; losing it costs
ordering, never notes.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from tui.core.state import load_state, save_state, state_dir

MAX_IDS = 1000
SAMPLES = 10  # timestamps kept per id
_DAY = 86_400.0
_BUCKETS: tuple[tuple[float, float], ...] = (
    (4 * _DAY, 100.0),
    (14 * _DAY, 70.0),
    (31 * _DAY, 50.0),
    (90 * _DAY, 30.0),
)
_OLD_WEIGHT = 10.0


def default_path() -> Path:
    return state_dir() / "frecency.json"


def _weight(age: float) -> float:
    for limit, weight in _BUCKETS:
        if age <= limit:
            return weight
    return _OLD_WEIGHT


class Frecency:
    """Use records by entry id: a count and the most recent timestamps."""

    def __init__(self, path: Path | None = None, *, max_ids: int = MAX_IDS) -> None:
        self.path = path if path is not None else default_path()
        self.max_ids = max_ids
        self._items: dict[str, tuple[int, list[float]]] = {}
        self._load()

    def _load(self) -> None:
        raw: Any = load_state(self.path).get("entries", {})
        if not isinstance(raw, dict):
            return
        for entry_id, value in raw.items():
            if not isinstance(value, dict):
                continue
            count, times = value.get("count"), value.get("times")
            if not isinstance(count, int) or not isinstance(times, list):
                continue
            stamps = [float(t) for t in times if isinstance(t, (int, float))][-SAMPLES:]
            if count > 0 and stamps:
                self._items[str(entry_id)] = (max(count, len(stamps)), stamps)

    def save(self) -> bool:
        """Write atomically; False when the state directory is not writable."""
        data = {
            "version": 1,
            "entries": {k: {"count": c, "times": t} for k, (c, t) in self._items.items()},
        }
        return save_state(data, self.path)

    def record(self, entry_id: str, now: float | None = None, *, save: bool = True) -> None:
        """Note one use (open, copy) of `entry_id` at `now` (default: the clock)."""
        stamp = time.time() if now is None else now
        count, times = self._items.get(entry_id, (0, []))
        self._items[entry_id] = (count + 1, [*times, stamp][-SAMPLES:])
        if len(self._items) > self.max_ids:
            self._prune(stamp)
        if save:
            self.save()

    def _prune(self, now: float) -> None:
        keep = self.top(self.max_ids, now)
        self._items = {k: self._items[k] for k in keep}

    def scores(self, now: float | None = None) -> dict[str, float]:
        """Frecency score per id at `now`; higher is more relevant."""
        now = time.time() if now is None else now
        out: dict[str, float] = {}
        for entry_id, (count, times) in self._items.items():
            weights = [_weight(max(0.0, now - t)) for t in times]
            out[entry_id] = count * sum(weights) / len(weights)
        return out

    def top(self, n: int, now: float | None = None) -> list[str]:
        """The `n` best ids; ties go to the most recently used."""
        scores = self.scores(now)
        ranked = sorted(
            scores, key=lambda k: (-scores[k], -max(self._items[k][1]), k)
        )
        return ranked[: max(0, n)]

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self._items
