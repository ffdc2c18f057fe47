"""How much is parsed ahead of the writer: enough to keep the workers busy through a
write, never so much that big notes pile up in memory (REVIEW3 #6: 384 notes of 2 MB
each held 1.3 GB)."""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest

from tui.core.index import parsing
from tui.core.index.sources import SourceRef, sign, size_of


class _CountingPool:
    """Runs each task at once, and records the most notes' bytes handed out and not
    yet taken back by the writer."""

    most_bytes = 0

    def __init__(self, *args: object, **kwargs: object) -> None:
        self.out: dict[int, int] = {}

    def __enter__(self) -> _CountingPool:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def submit(self, fn: Callable[..., bytes], root: Path, chunk: list[SourceRef],
               *args: Any) -> Future[bytes]:
        future: Future[bytes] = Future()
        weight = sum(size_of(ref.signature) for ref in chunk)
        self.out[id(future)] = weight
        _CountingPool.most_bytes = max(_CountingPool.most_bytes, sum(self.out.values()))
        result = fn(root, chunk, *args)
        original = future.result

        def taken(timeout: float | None = None) -> bytes:
            self.out.pop(id(future), None)
            return original(timeout)

        future.set_result(result)
        future.result = taken  # type: ignore[method-assign]
        return future


def test_parsing_ahead_stops_at_a_byte_budget_and_still_parses_everything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "notes"
    root.mkdir()
    refs = []
    for i in range(60):
        path = root / f"big{i:02}.md"
        path.write_text(f"# Big {i}\n\n" + "granite meadow lantern " * 3000, encoding="utf-8")
        ref = SourceRef(path.name, path, False)
        assert sign(ref)
        refs.append(ref)
    one = size_of(refs[0].signature)
    monkeypatch.setattr(parsing, "AHEAD_BYTES", 8 * one)
    monkeypatch.setattr(parsing, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", _CountingPool)
    _CountingPool.most_bytes = 0
    parsed = list(parsing._parse_stream(root, refs, 2, lambda: None))
    assert [p.eids[0] for p in parsed] == [r.key for r in refs], "all of them, in order"
    # Within the budget, give or take the one chunk that crossed it.
    assert _CountingPool.most_bytes <= 8 * one + parsing.PARSE_CHUNK * one
    assert _CountingPool.most_bytes < 60 * one
