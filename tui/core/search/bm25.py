"""The coarse ranker: bm25 as FTS5 computes it (same column weights), computed here.

FTS5 cannot rank a contentless word index, and its bm25() first counts the
entries holding each phrase, a second pass over every phrase's whole list. Here
the count stops at IDF_COUNT_CAP (and is kept for the next keystrokes): past
that a term is common, and how common barely matters.
"""

from __future__ import annotations

import json
import math

from tui.core.index.store import IndexStore
from tui.core.search.lookup import WordLookup
from tui.core.search.term_plan import TermPlan
from tui.core.text.table_cache import cached_table

BM25_WEIGHTS = (10.0, 1.0, 0.3)  # title, text, path: as in BM25
BM25_K1, BM25_B = 1.2, 0.75  # FTS5's constants
IDF_COUNT_CAP = 2000  # a term in more entries than this has its count estimated
TYPICAL_IDF = 4.0  # the weight of a lone term, so scores sit where FTS5's would
AVERAGE_SAMPLE = 2000  # entries whose lengths give the column averages

Rows = list[tuple[int, float]]


def _term_score(score: float, text: str, needles: list[str], weights: dict[str, float],
                column_weight: float, average: float) -> float:
    """`score` plus the bm25 of `needles` in one column (added in order, as FTS5 does)."""
    norm = BM25_K1 * (1 - BM25_B + BM25_B * len(text) / average)
    for needle in needles:
        tf = text.count(needle)
        if tf:
            score += weights[needle] * column_weight * tf * (BM25_K1 + 1) / (tf + norm)
    return score


class Bm25Ranker:
    """Ranks candidate rowids by bm25 over their folded title, text and path."""

    def __init__(self, store: IndexStore, lookup: WordLookup) -> None:
        self.store = store
        self.lookup = lookup
        self._average_lengths: tuple[float, float, float] | None = None

    def rank(self, rowids: list[int], term_groups: list[list[TermPlan]]) -> Rows:
        """The matches of a query ranked by bm25; ranking reads each match's text, so it
        also drops candidates that hold a term's words but not the term."""
        groups = [[n for p in g for n in (p.folded, *p.variants)] for g in term_groups
                  if all(p.long and not p.extra_rowids for p in g)]
        return self.scored(rowids, groups, every=True)

    def scored(self, rowids: list[int], groups: list[list[str]], *, every: bool) -> Rows:
        """`rowids` holding a needle of `every` group (else of any), ranked by bm25."""
        needles = [n for g in groups for n in g]
        weights = self.idf(needles)
        holds = all if every else any
        texts = self.store.folded(rowids)
        places = {row[0]: row[1:] for row in self.store.query(
            "SELECT rowid, path_lower, path, line FROM entries "
            "WHERE rowid IN (SELECT value FROM json_each(?))", [json.dumps(rowids)])}
        averages = self.column_averages()
        ranked = []
        for rowid in rowids:
            if rowid not in texts or rowid not in places:
                continue
            path_lower, path, line = places[rowid]
            title, body = texts[rowid]
            if not holds(any(n in title or n in body or n in path_lower for n in g)
                         for g in groups):
                continue  # its words are there, the term is not
            score = 0.0
            for text, weight, average in zip((title, body, path_lower), BM25_WEIGHTS,
                                             averages, strict=True):
                score = _term_score(score, text, needles, weights, weight, average)
            ranked.append((-score, path, line, rowid))
        ranked.sort()
        return [(rowid, rank) for rank, _, _, rowid in ranked]

    def titles_ranked(self, rowids: list[int], needles: list[str]) -> Rows:
        """Title hits ranked by bm25 over their titles alone (x10, the title weight)."""
        weights = self.idf(needles)
        average = self.column_averages()[0]
        distinct = list(dict.fromkeys(needles))
        ranked = []
        for rowid, title in self.store.query(
            "SELECT e.rowid, e.title_f FROM json_each(?) j CROSS JOIN entries e "
            "ON e.rowid = j.value", [json.dumps(rowids)]
        ):
            score = _term_score(0.0, title, distinct, weights, BM25_WEIGHTS[0], average)
            ranked.append((-score, rowid))
        ranked.sort()
        return [(rowid, rank) for rank, rowid in ranked]

    def idf(self, needles: list[str]) -> dict[str, float]:
        """FTS5's term rarity weight for each needle (one needle: a typical weight, since
        a weight shared by every match cannot change their order)."""
        distinct = list(dict.fromkeys(needles))
        if len(distinct) < 2:
            return dict.fromkeys(distinct, TYPICAL_IDF)
        total = self.store.count()
        weights = {}
        for needle in distinct:
            holding = self.entries_estimate(needle)
            weights[needle] = max(1e-6, math.log((total - holding + 0.5) / (holding + 0.5)))
        return weights

    def entries_estimate(self, needle: str) -> float:
        """How many entries hold `needle`: counted up to IDF_COUNT_CAP, extrapolated above.

        Matches come in rowid order, so the rowid of the last one read tells what
        share of the index the first IDF_COUNT_CAP came from: one capped read, not
        the pass over the term's whole list that an exact count costs.
        """
        read, last = self.lookup.capped_matches(needle, IDF_COUNT_CAP)
        if read < IDF_COUNT_CAP or not last:
            return float(read)
        return max(float(read), read * self.store.highest_rowid() / last)

    def column_averages(self) -> tuple[float, float, float]:
        """Average title, text and path lengths (a sample: they only normalise).

        Kept beside the cache for the next process, under the sampled rowids (a
        changed entry gets new rowids): reading 2,000 entries was ~40% of a warm
        one-shot search.
        """
        if self._average_lengths is None:
            rowids = [r for (r,) in self.store.query(
                f"SELECT rowid FROM entries LIMIT {AVERAGE_SAMPLE}")]
            path = self.store.path
            if path is None:
                self._average_lengths = self._averages_of(rowids)
            else:
                self._average_lengths = tuple(cached_table(  # type: ignore[assignment]
                    f"{path.name}.averages", [], lambda: self._averages_of(rowids),
                    folder=path.parent, stamp=f"{self.store.identity}:{rowids}"))
        return self._average_lengths  # type: ignore[return-value]

    def _averages_of(self, rowids: list[int]) -> tuple[float, float, float]:
        entries = self.store.entries(rowids).values()
        count = max(1, len(entries))
        return (
            max(1.0, sum(len(e.title) for e in entries) / count),
            max(1.0, sum(len(e.text) for e in entries) / count),
            max(1.0, sum(len(e.path) for e in entries) / count),
        )
