"""Scale without timings: a 1% change costs 1% of the work, and leaves the index exact.

How long things take is measured in `bench/` (see bench/incremental.py); here we
count what a refresh does, which is what makes it proportional to the change.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bench.generate import generate_tree
from tui.core.search.searchable import SearchableIndex

pytestmark = pytest.mark.slow


def _stored(index: SearchableIndex) -> list[tuple[str, str, str, int]]:
    return sorted((e.id, e.path, e.kind, e.line) for e in index.store.all_entries())


def test_one_percent_of_files_changed_reparses_only_those(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    generate_tree(root, entries=10_000, seed=7)
    index = SearchableIndex(root, cache_dir=tmp_path / "cache")
    cold = index.refresh()
    assert cold.parsed == cold.sources > 150
    next_rowid = int(index.store.query("SELECT value FROM meta WHERE key='next_rowid'")[0][0])

    notes = sorted(p for p in root.rglob("*") if p.suffix in {".md", ".txt"})
    changed = random.Random(1).sample(notes, max(1, len(notes) // 100))
    for n, path in enumerate(changed):
        with path.open("a", encoding="utf-8") as f:
            f.write(f"\n\nappended marker zzscale{n}x\n")
    changed_keys = {p.relative_to(root).as_posix() for p in changed}
    entries_of_changed = sum(
        1 for _, path, _, _ in _stored(index) if path in changed_keys
    )

    warm = index.refresh()
    assert warm.parsed == len(changed)  # nothing else is read again
    written = int(index.store.query(
        "SELECT count(*) FROM entries WHERE rowid >= ?", (next_rowid,))[0][0])
    # Only the changed files' entries were rewritten (new rowids), give or take the
    # entries the appended line added.
    assert entries_of_changed <= written <= entries_of_changed + len(changed)
    for n in range(len(changed)):
        hits = index.engine.search(f"zzscale{n}x").hits
        assert hits and hits[0].entry.path in changed_keys

    fresh = SearchableIndex(root, cache_dir=tmp_path / "fresh-cache")
    fresh.refresh()
    assert _stored(index) == _stored(fresh)
    index.close()
    fresh.close()
