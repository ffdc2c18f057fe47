"""Reading what an index made of a tree: which paths a query finds, what it warned about."""

from __future__ import annotations

from tui.core.ingest.entry import Entry
from tui.core.search.searchable import SearchableIndex


def found_paths(index: SearchableIndex, query: str) -> set[str]:
    """The paths of the entries `query` finds."""
    return {hit.entry.path for hit in index.engine.search(query).hits}


def warnings_about(index: SearchableIndex, name: str) -> list[str]:
    """Every warning that names `name`."""
    return [w for w in index.warnings if name in w]


def one_warning(index: SearchableIndex, name: str) -> str:
    """The single warning about `name` (repeats of the same text are tolerated here;
    test_decode_warnings_are_reported_once checks the repeats)."""
    distinct = set(warnings_about(index, name))
    assert len(distinct) == 1, index.warnings
    return distinct.pop()


def entries_of(index: SearchableIndex, name: str) -> list[Entry]:
    """The entries indexed from the file `name`."""
    return [e for e in index.entries if e.path == name]
