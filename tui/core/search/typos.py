"""Typo tolerance: the words of the corpus that a mistyped term was meant to be.

fzf has no typo tolerance; Obsidian's Omnisearch does, and users miss it. We keep
the set of ASCII words (4+ letters) seen in the notes and let rapidfuzz's C
implementation of edit distance pick the close ones (a dropped, added, changed or
swapped letter is one edit), allowing one edit for
words of 5–7 letters and two for longer ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_WORD = re.compile(r"[a-z][a-z0-9]{3,}")
_CHUNK = 4_000_000


def words_of(folded_text: str) -> set[str]:
    """The distinct ASCII words (4+ characters) of a folded text."""
    return set(_WORD.findall(folded_text))


def allowed_edits(word: str) -> int:
    """How many edits a term of this length may be away from a corpus word."""
    if len(word) < 5:
        return 0
    return 1 if len(word) < 8 else 2


class Vocabulary:
    """Distinct words of a corpus, searchable by edit distance."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = sorted(set(words))

    def near(self, term: str, limit: int = 5) -> list[tuple[str, int]]:
        """Corpus words within the allowed edits of `term` (not `term` itself), closest first."""
        edits = allowed_edits(term)
        if not edits or not self.words:
            return []
        from rapidfuzz import process  # ~25 ms: only a typo's look-up pays it
        from rapidfuzz.distance import OSA

        found = process.extract(
            term,
            self.words,
            scorer=OSA.distance,
            score_cutoff=edits,
            limit=limit + 1,
        )
        return [(word, int(dist)) for word, dist, _ in found if word != term][:limit]
