"""Entries are found by id and by file without an index of either (format 11:
look-ups go through each source's span of rowids)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.core.search.searchable import SearchableIndex


@pytest.mark.parametrize("where", ["notes folder", "archive as the root"])
def test_every_entry_is_found_by_its_id_and_by_its_file(
    example_notes: Path, tmp_path: Path, where: str
) -> None:
    root = example_notes if where == "notes folder" else example_notes / "x-archive"
    index = SearchableIndex(root, cache_dir=tmp_path / "cache")
    index.refresh()
    entries = index.entries
    kinds = {e.kind for e in entries}
    assert "tweet" in kinds and (where != "notes folder" or {"note", "section"} <= kinds)
    for entry in entries:
        found = index.store.find_id(entry.id)
        assert found is not None and found.id == entry.id and found.text == entry.text
        assert entry.id in {e.id for e in index.store.entries_of_path(entry.path)}
    assert index.store.find_id("no/such/note.md#Nothing") is None
    index.close()
