"""Looking text up in the word index: the FTS MATCH for a substring, and how many hold it.

Shared by the candidate finder, the bm25 ranker and the widener: each asks
"which words hold this piece" and "how common is it" at every keystroke, so the
counts are kept while the index is unchanged.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from tui.core.index.fts_terms import NOTHING, Needle, needle_query
from tui.core.index.store import IndexStore

FREQUENCIES_KEPT = 1000  # counts kept between keystrokes (cleared past this)


class WordLookup:
    """FTS MATCH expressions and capped match counts over one store."""

    def __init__(self, store: IndexStore) -> None:
        self.store = store
        self._frequencies: dict[tuple[int, str, int], tuple[int, int]] = {}
        self._lock = threading.Lock()  # searches overlap on threads

    def match(self, needles: Sequence[str]) -> str | None:
        """The `fts` MATCH for 'holds any of `needles`' (substrings of folded text),
        or None when one has no word to look up (only a scan can find it)."""
        parts = []
        for needle in dict.fromkeys(needles):
            expression = self.needle(needle).expression
            if expression is None:
                return None
            parts.append(expression)
        return " OR ".join(parts) if parts else None

    def needle(self, needle: str) -> Needle:
        return needle_query(needle, self.store.words_with, self.store.words_ending)

    def exact(self, needles: Sequence[str]) -> bool:
        """Whether every entry the `match` of `needles` finds surely holds one of them."""
        return all(self.needle(n).exact for n in needles)

    def count(self, needle: str, cap: int) -> int:
        """How many entries hold `needle` (up to `cap`)."""
        return self.capped_matches(needle, cap)[0]

    def capped_matches(self, needle: str, cap: int) -> tuple[int, int]:
        """Entries holding `needle`, read up to `cap`, and the last rowid read; kept while
        the index is unchanged, since the same words are counted at every keystroke."""
        key = (self.store.generation, needle, cap)
        with self._lock:
            found = self._frequencies.get(key)
        if found is not None:
            return found
        count, last = self.store.query(
            "SELECT count(*), max(r) FROM "
            f"(SELECT rowid AS r FROM fts WHERE fts MATCH ? LIMIT {cap})",
            [self.match([needle]) or NOTHING],
        )[0]
        found = (int(count), int(last or 0))
        with self._lock:
            if len(self._frequencies) > FREQUENCIES_KEPT:
                self._frequencies.clear()
            self._frequencies[key] = found
        return found
