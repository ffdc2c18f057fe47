"""A first build shows its first note at once: the first parsed source is committed alone.

With parse workers, sources come back in chunks; the first chunk holds a single
source, and it is committed (and searchable) before any other is waited for, so a
new user's list fills and the progress moves within one file's parse.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from tui.core.index import parsing
from tui.core.index.parsing import PARALLEL_THRESHOLD
from tui.core.search.searchable import SearchableIndex


def test_the_first_progress_after_the_start_is_one_searchable_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The build's clock stands still: only counts and "the first source" flush a batch.
    monkeypatch.setattr(parsing, "time", SimpleNamespace(monotonic=lambda: 0.0))
    root = tmp_path / "notes"
    root.mkdir()
    total = PARALLEL_THRESHOLD + 16  # enough for the worker processes
    for i in range(total):
        (root / f"n{i:03d}.md").write_text(f"# Note {i}\n\nharbour lights {i}\n", "utf-8")
    index = SearchableIndex(root, cache_dir=tmp_path / "cache", jobs=2)
    seen: list[tuple[int, int, int]] = []

    def progress(done: int, of: int) -> None:
        seen.append((done, of, len(index.engine.search("harbour", limit=0).hits)))

    try:
        index.refresh(progress=progress)
    finally:
        index.close()
    assert seen[0][:2] == (0, total)
    assert seen[1] == (1, total, 1)  # one note committed, and a search finds it
    assert seen[-1][:2] == (total, total)
