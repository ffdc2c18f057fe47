"""The entries a pinyin term finds: Han strings it may spell, looked up by their bigrams.

Spelled against the Han bigrams of the index (`fts_terms.pinyin_spellings`, most
written first), found by those bigrams and checked on the folded text (the
bigrams alone may lie apart). A broad term reads a bounded share of rows, best
first; a narrow one reads every row, and while it grows key by key the next
answer is filtered from the last one instead of asked of the index again.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from tui.core.index.fts_terms import pinyin_spellings, spelled_in_syllables, spelling_query
from tui.core.index.store import IndexStore, text_only

PINYIN_ROWS = 240  # pinyin hits read per keystroke: titles first, then a share per spelling
PINYIN_ALONE = 6  # the likeliest spellings: looked up one by one, PINYIN_EACH rows each
PINYIN_EACH = 40
PINYIN_CHUNKS = (34, 120)  # then the rest, together, most written first


@dataclass(frozen=True, slots=True)
class _Spelled:
    """The last keystroke's answer: `rows` hold every entry holding one of `spellings`
    when `complete`, found among at most `reads` entries holding their bigrams."""

    needle: str
    generation: int
    rows: list[int]
    complete: bool
    spellings: frozenset[str]
    reads: int


class PinyinRows:
    """Entries holding a Han spelling of a pinyin term, for the `Widener`."""

    def __init__(self, store: IndexStore) -> None:
        self.store = store
        # Replaced whole, so overlapping searches see one answer or the other.
        self._last: _Spelled | None = None
        # Folded titles of the entries the last `rows` checked, for `titles_spelled`.
        self._titles: dict[int, str] = {}

    def rows(self, needle: str) -> list[int]:
        """Entries whose text holds a Han string pinyin `needle` may stand for.

        While the term grows, what a longer term finds is among what its start
        found (the last syllable may be cut short): when the last answer was
        complete, its rows are checked for the spellings that extend its own, and
        only the other spellings are looked up (`tstqj` after `tstq`: 46 of 120).
        The answer is the one a fresh look-up gives: the reuse is taken only when
        the two parts together read no more entries than the exact answer may.
        """
        spellings = pinyin_spellings(needle, self.store.han_vocabulary())
        generation = self.store.generation
        prior = self._last
        self._titles = {}
        if (prior is not None and prior.complete and prior.generation == generation
                and needle.startswith(prior.needle)):
            rest = [s for s in spellings if not _starts_with_any(s, prior.spellings)]
            answer = self._grown(prior, spellings, rest) if len(rest) < len(spellings) else None
        else:
            answer = None
        found, complete, reads = answer or self._spelled_rows(spellings)
        self._last = _Spelled(needle, generation, found, complete, frozenset(spellings), reads)
        return found

    def _grown(self, prior: _Spelled, spellings: list[str], rest: list[str]
               ) -> tuple[list[int], bool, int] | None:
        """The answer from `prior`'s rows plus a look-up of `rest` (the spellings that do
        not extend one of prior's), or None when a fresh look-up might answer otherwise."""
        found, complete, reads = self._spelled_rows(rest) if rest else ([], True, 0)
        if not complete or prior.reads + reads > PINYIN_ROWS:
            return None
        seen = set(found)
        return (self._checked(spellings, [r for r in prior.rows if r not in seen]) + found,
                True, prior.reads + reads)

    def words(self, needle: str) -> tuple[str, ...]:
        """The Han strings `needle` spells in whole syllables (none for initials)."""
        han = self.store.han_vocabulary()
        if not spelled_in_syllables(needle, han):
            return ()
        return tuple(pinyin_spellings(needle, han))

    def titles_spelled(self, needle: str, rowids: set[int]) -> set[int]:
        """Those of `rowids` whose title holds a Han spelling of pinyin `needle`.

        Candidates without a word as typed are read shortest title first, which
        put a note titled with the very word behind 80 sections named 资源.
        """
        if not rowids:
            return set()
        spellings = pinyin_spellings(needle, self.store.han_vocabulary())
        # The titles the text checks just folded are at hand (`entries.title_f` is the
        # same fold); the others are read.
        checked = self._titles  # (another search may start meanwhile: it makes a new one)
        titles: list[tuple[int, str]] = []
        unread = []
        for rowid in rowids:
            title = checked.get(rowid)
            if title is None:
                unread.append(rowid)
            else:
                titles.append((rowid, title))
        if unread:
            titles += self.store.query(
                "SELECT rowid, title_f FROM entries WHERE rowid IN "
                "(SELECT value FROM json_each(?))", [json.dumps(sorted(unread))])
        holds = _holding_check(spellings, len(titles))
        return {rowid for rowid, title in titles if holds(title)}

    def _spelled_rows(self, spellings: list[str]) -> tuple[list[int], bool, int]:
        """Up to PINYIN_ROWS entries holding a spelling, whether that is all of them, and
        how many entries holding their bigrams were read (all of them when complete).

        The spellings come most written first, and the first few are what the term
        means (`rgzn` → 人工智能): every title holding one of them comes first, then
        each of them gets a share of the rows, then the rest together; so rows that
        merely hold the bigrams of a rare spelling apart (read in rowid order, and
        checked on the text) cannot crowd them out, and a broad term reads a few
        hundred texts, not thousands (the rest together read no more than
        PINYIN_ROWS + 1 entries in all). When at most PINYIN_ROWS entries hold the
        spellings' bigrams, every one is read: the exact answer.

        Whether that is so is asked first only when the bigrams' entry counts say it
        may be: a broad term goes straight to the shares, and asks only if they were
        cut short while reading no more than PINYIN_ROWS entries (the count alone was
        one query over every spelling, 9-20 ms at 100k entries).
        """
        expression = spelling_query(spellings)
        if expression is None:
            return [], True, 0
        shares = None
        if _bigram_bound(spellings, self.store.han_vocabulary().docs) > PINYIN_ROWS:
            shares = self._shares(spellings)
            found, read, cut = shares
            if len(read) >= PINYIN_ROWS:
                # As many as an exact answer reads, or more: the shares. (With exactly
                # PINYIN_ROWS read, an exact answer would be these same rows: they hold
                # the bigrams, and no more than PINYIN_ROWS entries would then; only
                # whether it is complete is unknown, so the next key asks afresh.)
                return found, False, len(read)
            if not cut:
                return found, True, len(read)  # every entry holding the bigrams was read
        every = [r for (r,) in self.store.query(
            f"SELECT rowid FROM fts WHERE fts MATCH ? LIMIT {PINYIN_ROWS + 1}",
            [text_only(expression)])]
        if len(every) <= PINYIN_ROWS:  # few enough to read them all: the exact answer
            return self._holding(spellings, every), True, len(every)
        found, read, _ = shares or self._shares(spellings)
        return found, False, max(len(read), len(every))

    def _shares(self, spellings: list[str]) -> tuple[list[int], set[int], bool]:
        """The entries holding a spelling: titles of the likeliest first, then a share of
        the rows per spelling (see `_spelled_rows`); with the rowids read (before the
        text check) and whether any look-up was cut short by its limit."""
        found, titled = self._titled(spellings[:PINYIN_ALONE])
        read = set(titled)
        cut = len(titled) >= PINYIN_ROWS
        groups = [[s] for s in spellings[:PINYIN_ALONE]]  # each of the likeliest gets room
        start = PINYIN_ALONE
        for size in PINYIN_CHUNKS:
            groups.append(spellings[start : start + size])
            start += size
        cut |= start < len(spellings)
        for i, chunk in enumerate(groups):
            expression = spelling_query(chunk)
            # The likeliest each get their share of the answer; the rest, together,
            # what is left of PINYIN_ROWS + 1 entries read (one more than an exact
            # answer reads: then no count is needed to tell it is not one, and the
            # next chunk is not asked for the one row left, ~8 ms for rare spellings).
            if i < PINYIN_ALONE:
                room = PINYIN_ROWS - len(found)
                limit = min(room, PINYIN_EACH)
            else:
                room = limit = PINYIN_ROWS + 1 - len(read)
            if room <= 0:
                return found, read, True
            if expression is None:
                continue
            if i < PINYIN_ALONE:
                rowids = [r for (r,) in self.store.query(
                    f"SELECT rowid FROM fts WHERE fts MATCH ? LIMIT {limit}",
                    [text_only(expression)])]
            else:  # only rows not read yet: a cut look-up has read PINYIN_ROWS + 1
                rowids = [r for (r,) in self.store.query(
                    "SELECT rowid FROM fts WHERE fts MATCH ? AND rowid NOT IN "
                    f"(SELECT value FROM json_each(?)) LIMIT {limit}",
                    [text_only(expression), json.dumps(sorted(read))])]
            cut |= len(rowids) >= limit
            seen = set(found)
            read.update(rowids)
            found.extend(self._holding(chunk, [r for r in rowids if r not in seen]))
        return found, read, cut

    def _titled(self, spellings: list[str]) -> tuple[list[int], list[int]]:
        """Entries whose title holds one of the likeliest spellings: all of them, whatever
        else the text holds (a note titled 人工智能 is what `rgzn` asks for first); and
        the rowids read to find them."""
        expression = spelling_query(spellings)
        if expression is None:
            return [], []
        rowids = [r for (r,) in self.store.query(
            f"SELECT rowid FROM titles WHERE titles MATCH ? LIMIT {PINYIN_ROWS}", [expression])]
        return self._holding(spellings, rowids), rowids

    def _holding(self, spellings: list[str], rowids: list[int]) -> list[int]:
        """Those of `rowids` whose text holds a spelling (bigrams alone may lie apart)."""
        if all(len(s) <= 2 for s in spellings):
            return rowids  # one character or one bigram: the index alone is exact
        return self._checked(spellings, rowids)

    def _checked(self, spellings: list[str], rowids: list[int]) -> list[int]:
        """Those of `rowids` whose folded title or text holds a spelling."""
        holds = holding_any(spellings)
        folded = self.store.folded(rowids)
        self._titles.update((rowid, title) for rowid, (title, _) in folded.items())
        return [rowid for rowid, (title, body) in folded.items() if holds(title) or holds(body)]


def _holding_check(spellings: list[str], texts: int) -> Callable[[str], bool]:
    """Whether a short text (a title) holds any of `spellings`: for a few texts, each
    spelling looked for in turn; for more, the alternations `_shares` compiled for
    its groups of spellings (one alternation of all 120 costs ~1.5 ms to compile)."""
    if texts * len(spellings) <= 4000:
        return lambda text: any(s in text for s in spellings)
    singles = spellings[:PINYIN_ALONE]
    groups, start = [], PINYIN_ALONE
    for size in PINYIN_CHUNKS:
        groups.append(spellings[start : start + size])
        start += size
    groups.append(spellings[start:])
    searches = [_alternation(frozenset(g)).search for g in groups if g]
    return lambda text: (any(s in text for s in singles)
                         or any(search(text) is not None for search in searches))


def _starts_with_any(text: str, starts: frozenset[str]) -> bool:
    """Whether `text` begins with one of `starts`: an entry holding `text` was found
    by that start. (A letter more may spell anew: `xianglian` reads 象力广, 广 being
    also `an`, while `xianglia` stopped at 向量.)"""
    return any(text[:k] in starts for k in range(1, len(text) + 1))


def holding_any(spellings: list[str]) -> Callable[[str], bool]:
    """Whether a text holds any of these strings: one regex alternation, searched in C,
    where `s in text` for each of 300 pinyin spellings reads the text 300 times."""
    search = _alternation(frozenset(spellings)).search
    return lambda text: search(text) is not None


@functools.lru_cache(maxsize=64)
def _alternation(spellings: frozenset[str]) -> re.Pattern[str]:
    """The compiled alternation (compiling 120 spellings costs ~1.3 ms, and one keystroke
    asks for the same list up to three times)."""
    return re.compile("|".join(map(re.escape, sorted(spellings, key=len, reverse=True))))


def spelling_spans(spellings: tuple[str, ...], text: str, limit: int = 64
                   ) -> list[tuple[int, int]]:
    """Where `text` holds one of the spellings (the longest at each place), in order."""
    spans = []
    for m in _alternation(frozenset(spellings)).finditer(text):
        spans.append(m.span())
        if len(spans) == limit:
            break
    return spans


def _bigram_bound(spellings: list[str], docs: Mapping[str, int]) -> int:
    """At most how many entries hold these spellings' bigrams, by the index's counts: the
    rarest bigram of each spelling, summed (a bigram the counts lack counts as one)."""
    total = 0
    for text in spellings:
        if len(text) == 1:
            total += docs.get(text, 1)
        else:
            total += min(docs.get(text[j : j + 2], 1) for j in range(len(text) - 1))
    return total
