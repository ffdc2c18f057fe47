"""The distinct words and Han bigrams of the index: how they are filled and read.

Apart from the store because they are derived tables with their own upkeep
(inline for small writes, one pass over the index's terms after a build) and
their own caches (typo words, words inside words, the pinyin bigrams).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path

from tui.core.index.fts_terms import (
    HAN_VOCABULARY_FORMAT,
    VOCAB_MIN,
    HanVocabulary,
    han_tokens_of,
    is_han_token,
    words_of,
)
from tui.core.index.store_schema import LATE_INDEXES, hold_merges
from tui.core.text.table_cache import cached_table

ENDING_MAX = 400  # words ending with a short piece (`c` of `c++`) that a query lists
# Words of ASCII digits alone are left out of the trigram index: a collection's ids,
# counts and dates are most of its distinct words (bench 100k: 81,600 of 88,000)
# and their trigrams 94% of the index, each trigram of digits listing thousands of
# them. A piece of digits finds them by a scan of the words instead (`words_with`).
_NOT_NUMBER = "word GLOB '*[^0-9]*'"
# `is_han` in SQL, on a term's first character (the blocks of textfold.HAN_CLASS).
_HAN_SQL = " OR ".join(
    f"unicode(term) BETWEEN {lo} AND {hi}"
    for lo, hi in ((0x3007, 0x3007), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF),
                   (0x20000, 0x323AF))
)


def add_rows_words(db: sqlite3.Connection, fts_rows: Iterable[tuple[int, str, str, str]]) -> bool:
    """Add the words and Han bigrams of a few `fts` rows; True when the tables grew."""
    new_words: set[str] = set()
    new_han: set[str] = set()
    for row in fts_rows:
        for text in row[1:]:
            new_words |= words_of(text)
            new_han |= han_tokens_of(text)
    changes = db.total_changes
    _add_words(db, new_words)
    db.executemany("INSERT OR IGNORE INTO han VALUES (?)", ((t,) for t in new_han))
    return db.total_changes != changes


def _add_words(db: sqlite3.Connection, words: set[str]) -> None:
    """Add the words the vocabulary lacks, and index those alone by trigram."""
    if not words:
        return
    before = db.execute("SELECT coalesce(max(id), 0) FROM vocab").fetchone()[0]
    # No index of the words (it was a sixth of the word tables): a write of a few
    # files reads them all once (10 ms at 88,000 words) to add only the new ones.
    listed = {r[0] for r in db.execute(
        "SELECT word FROM vocab WHERE word IN (SELECT value FROM json_each(?))",
        (json.dumps(sorted(words)),))}
    db.executemany("INSERT INTO vocab (word) VALUES (?)",
                   ((w,) for w in sorted(words - listed)))
    _index_trigrams(db, before)


def _index_trigrams(db: sqlite3.Connection, before: int) -> None:
    """Index by trigram the words added after id `before`, but numbers (`_NOT_NUMBER`)."""
    db.execute(f"INSERT INTO vocab_tri (rowid, word) SELECT id, word FROM vocab "
               f"WHERE id > ? AND {_NOT_NUMBER}", (before,))


def fill_from_terms(db: sqlite3.Connection) -> None:
    """Fill the vocabulary and the Han bigrams from the index's own term list
    (inside the caller's write transaction)."""
    db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_terms "
               "USING fts5vocab(main, fts, row)")
    before = db.execute("SELECT coalesce(max(id), 0) FROM vocab").fetchone()[0]
    # The term list is read once: each read of `fts_terms` walks every term's entries
    # (0.5-0.7 s at 100k), and this pass is most of a first build's last second.
    db.execute("DROP TABLE IF EXISTS temp.index_terms")
    db.execute("CREATE TEMP TABLE index_terms AS SELECT term FROM temp.fts_terms")
    try:
        # Han runs are indexed as bigrams and single characters, so every term of
        # 3+ characters is a word; the Han ones are 1-2 characters from Han blocks.
        db.execute(
            "INSERT INTO vocab (word) SELECT term FROM temp.index_terms "
            f"WHERE length(term) >= {VOCAB_MIN} AND term NOT IN (SELECT word FROM vocab)"
        )
        _index_trigrams(db, before)
        db.execute("INSERT OR IGNORE INTO han SELECT term FROM temp.index_terms "
                   f"WHERE length(term) <= 2 AND ({_HAN_SQL})")
    finally:
        db.execute("DROP TABLE temp.index_terms")
    db.execute("DELETE FROM meta WHERE key='vocabulary'")


def sync_from_terms(db: sqlite3.Connection, *, build_done: bool = True) -> None:
    """Bring the vocabulary up to date with the index's terms (inside the caller's
    write transaction): anew when many entries went (`store_writer._prune_due`),
    else by adding what is new. With `build_done`, the indexes a build leaves
    to its end are made too (`make_late_indexes`).

    The word indexes are merged into one segment first after many removals (a
    contentless delete only adds a marker, and the removed entries' lists stayed
    in the file until segments merged: a folder emptied and refilled with 300 of
    its 419 files: 25.7 MB against 17.2 MB fresh), and at the end of a build that
    wrote a large share of the entries (`_merge_due`).
    """
    pruning = db.execute("SELECT 1 FROM meta WHERE key='prune'").fetchone() is not None
    if pruning or (build_done and _merge_due(db)):
        pack_indexes(db)
    if pruning:
        rebuild_vocabulary(db)
    else:
        fill_from_terms(db)
    if build_done:
        make_late_indexes(db)
        if db.execute("DELETE FROM meta WHERE key='merge'").rowcount:
            # A build's end, merged or not (a few changed files: their segments are
            # left to the indexes' own merging, which starts again).
            hold_merges(db, False)


def _merge_due(db: sqlite3.Connection) -> bool:
    """Whether the large batches written since the last merge hold a quarter of the
    entries or more (a first build: all of them; a build cut short adds up).

    Each commit of a build is a segment of its own (its commits came every 2 s, so
    how many depended on the machine's speed: 100k entries left 3 to 15), and every
    prefix query reads each segment's terms. One segment is 7% smaller (every
    segment lists its terms again) and faster to search: keystroke p95 at 100k
    39.5 ms CPU with 13 segments, 34.8 with one. A few changed files leave their
    one or two segments to `automerge`.
    """
    row = db.execute("SELECT value FROM meta WHERE key='merge'").fetchone()
    if row is None:
        return False
    entries = db.execute("SELECT coalesce(sum(end_rowid - first_rowid), 0) FROM sources"
                         ).fetchone()[0]
    return int(row[0]) * 4 >= entries


def pack_indexes(db: sqlite3.Connection) -> None:
    """Merge the word indexes into one segment each, and make the title index anew
    (inside the caller's write transaction); before the words are read from the
    index's terms, which is cheaper from one segment. Titles came in no order, so
    the title index's pages were about two thirds full (-0.55 MB at 100k, 0.13 s)."""
    db.execute("INSERT INTO fts (fts) VALUES ('optimize')")
    db.execute("INSERT INTO titles (titles) VALUES ('optimize')")
    if db.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'entries_title'"
                  ).fetchone():  # a first build makes it after this (`make_late_indexes`)
        db.execute("REINDEX entries_title")


def make_late_indexes(db: sqlite3.Connection) -> None:
    """The indexes a build leaves to its end (`store_schema.LATE_INDEXES`), unless
    made already (by the first small write, or a build cut short)."""
    for statement in LATE_INDEXES:
        db.execute(statement)


def rebuild_vocabulary(db: sqlite3.Connection) -> None:
    """The vocabulary and the Han bigrams anew from the index's terms (inside the
    caller's write transaction): words no entry holds any more are gone. The
    epoch tells the bigram counts kept beside the cache that they are stale."""
    db.execute("DELETE FROM meta WHERE key='prune'")
    db.execute("DELETE FROM vocab")
    db.execute("INSERT INTO vocab_tri (vocab_tri) VALUES ('delete-all')")
    db.execute("DELETE FROM han")
    fill_from_terms(db)
    db.execute("INSERT OR REPLACE INTO meta VALUES ('vocabulary_epoch', ?)",
               (str(_epoch(db) + 1),))


def _epoch(db: sqlite3.Connection) -> int:
    row = db.execute("SELECT value FROM meta WHERE key='vocabulary_epoch'").fetchone()
    return int(row[0]) if row else 0


class VocabularyCache:
    """What searches read of the vocabulary and the Han bigrams, kept until it grows."""

    def __init__(self, reader: sqlite3.Connection, read_lock: threading.RLock,
                 path: Path | None, identity: tuple[int, int] | None) -> None:
        self.reader = reader
        self.read_lock = read_lock
        self.path = path
        self.identity = identity
        self._vocabulary: list[str] | None = None
        self._words_with: dict[str, list[str]] = {}
        self._han: HanVocabulary | None = None

    def forget(self) -> None:
        """Drop what was read (the tables grew, or another process wrote)."""
        with self.read_lock:
            self._vocabulary = None
            self._han = None
            self._words_with.clear()

    def vocabulary(self) -> list[str]:
        """The ASCII words (4+ characters) of the index, for typo suggestions."""
        with self.read_lock:
            if self._vocabulary is None:
                rows = self.reader.execute(
                    "SELECT word FROM vocab WHERE length(word) >= 4 "
                    "AND word GLOB '[a-z]*' AND NOT word GLOB '*[^a-z0-9]*'"
                ).fetchall()
                self._vocabulary = [r[0] for r in rows]
            return self._vocabulary

    def words_with(self, piece: str) -> list[str]:
        """Vocabulary words containing `piece` (3+ characters), kept per generation."""
        with self.read_lock:
            found = self._words_with.get(piece)
            if found is None:
                rows = self.reader.execute(
                    "SELECT rowid, word FROM vocab_tri WHERE vocab_tri MATCH ?",
                    ['"' + piece.replace('"', '""') + '"'],
                ).fetchall()
                if piece.isascii() and piece.isdigit():  # numbers, in id order as the rest
                    rows = sorted({*rows, *self.reader.execute(
                        f"SELECT id, word FROM vocab WHERE instr(word, ?) AND NOT {_NOT_NUMBER}",
                        [piece])})
                found = [r[1] for r in rows if piece in r[1]]
                if len(self._words_with) > 2000:
                    self._words_with.clear()
                self._words_with[piece] = found
            return found

    def words_holding(self, piece: str) -> list[str] | None:
        """Vocabulary words containing a 1-2 character `piece` (too short for the
        trigrams), or None when there are more than a query can list."""
        return self._listed("\x01" + piece, "instr(word, ?)", piece)

    def words_ending(self, piece: str) -> list[str] | None:
        """Vocabulary words ending with `piece` (any length), or None when there are
        more than a query can list (then only a scan of the texts finds them)."""
        pattern = "*" + "".join(f"[{ch}]" if ch in "*?[]" else ch for ch in piece)
        return self._listed("\x00" + piece, "word GLOB ?", pattern)

    def _listed(self, key: str, condition: str, value: str) -> list[str] | None:
        """The vocabulary words meeting `condition` (kept per generation under `key`),
        or None past ENDING_MAX of them."""
        with self.read_lock:
            if key not in self._words_with:
                rows = self.reader.execute(
                    f"SELECT word FROM vocab WHERE {condition} LIMIT {ENDING_MAX + 1}", [value],
                ).fetchall()
                self._words_with[key] = [r[0] for r in rows]
            found = self._words_with[key]
        return None if len(found) > ENDING_MAX else found

    def _han_docs(self) -> dict[str, int]:
        """Entries holding each Han bigram, for ranking pinyin spellings.

        Counted once per cache file and vocabulary epoch (one pass over the Han
        terms: 0.8 s at 100k entries) and kept beside it; bigrams added later
        count as rare, which for a ranking is close enough.
        """
        def count() -> dict[str, int]:
            try:
                self.reader.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.han_terms "
                                    "USING fts5vocab(main, fts, row)")
                rows = self.reader.execute(
                    "SELECT term, doc FROM temp.han_terms WHERE term >= ?", ["\u3007"])
                return {term: docs for term, docs in rows
                        if len(term) == 2 and is_han_token(term)}
            except sqlite3.Error:
                return {}  # no ranking is better than no pinyin

        if self.path is None:
            return count()
        return cached_table(f"{self.path.name}.handocs", [], count, folder=self.path.parent,
                            stamp=f"{self.identity}:{_epoch(self.reader)}", keep=bool)

    def han_vocabulary(self) -> HanVocabulary:
        """The Han bigrams of the index (cached until the next write), for pinyin.

        Also kept in a file beside the cache for the next process (a one-shot
        search of an unknown word spent most of its time building it), under
        the cache file's identity and the number of bigrams: the table only grows.
        """
        with self.read_lock:
            if self._han is None:
                def build() -> tuple[object, ...]:
                    return HanVocabulary.of(
                        [r[0] for r in self.reader.execute("SELECT token FROM han")],
                        self._han_docs(),
                    ).plain()

                if self.path is None:
                    self._han = HanVocabulary.from_plain(build())
                else:
                    count = self.reader.execute("SELECT count(*) FROM han").fetchone()[0]
                    self._han = HanVocabulary.from_plain(cached_table(
                        f"{self.path.name}.han", [], build, folder=self.path.parent,
                        stamp=f"{self.identity}:{count}:{_epoch(self.reader)}:{HAN_VOCABULARY_FORMAT}"))
            return self._han
