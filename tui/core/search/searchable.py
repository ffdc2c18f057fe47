"""A notes index that can be searched: the index layer's `NoteIndex` plus an engine.

The index knows nothing of searching; this is where the two meet, so one-shot
commands and the app get one object that keeps the engine on the live store
(a healed cache gets a new store, and with it a new engine).
"""

from __future__ import annotations

from typing import Any

from tui.core.index.note_index import NoteIndex
from tui.core.search.engine import SearchEngine, SearchResult


class SearchableIndex(NoteIndex):
    """`NoteIndex` with `search()`; every search heals a damaged cache on the way."""

    engine: SearchEngine

    def _open_store(self) -> None:
        super()._open_store()
        self.engine = SearchEngine(self.store)

    def search(self, query: str, **options: Any) -> SearchResult:
        """`SearchEngine.search` on the current store, healing a damaged cache first."""
        return self.guarded(lambda: self.engine.search(query, **options))
