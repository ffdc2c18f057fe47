"""The persistent index: `IndexStore`, the one object the index and search layers hold.

Its file format and opening are `store_schema`'s (the format is described
there); it keeps the connections, their locks and what readers cached.
About 530 lines: every read and write goes through this one object, which
hands the SQL and the formats to the modules named above.
"""

from __future__ import annotations

import contextlib
import json
import marshal
import sqlite3
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from tui.core.index import cachefile
from tui.core.index.cachefile import write_transaction
from tui.core.index.fts_terms import HanVocabulary
from tui.core.index.payloads import (
    ENTRY_HEAD,
    PAYLOAD_JOIN,
    ChunkCache,
    PayloadDictionary,
    dictionary_in_file,
    folded_pair,
    id_exists,
    learn_dictionary,
    rows_with_id,
    stored_dictionary,
    unpack_entry,
    with_tags,
)
from tui.core.index.prepared import PreparedSource
from tui.core.index.store_rowids import RowidTables
from tui.core.index.store_schema import configure_reader, open_cache
from tui.core.index.store_writer import (
    Written,
    release_free_pages,
    vocabulary_stale,
    write_sidecar_tags,
    write_sources,
)
from tui.core.index.vocabulary import VocabularyCache, make_late_indexes, sync_from_terms
from tui.core.ingest.entry import Entry

ENTRY_CACHE_SIZE = 20_000


_TOKEN_ROWIDS = "SELECT rowid FROM fts WHERE fts MATCH ?"


def text_only(match: str) -> str:
    """An `fts` MATCH limited to titles and texts (not paths)."""
    return "{body} : (" + match + ")"  # the body column holds the titles too


def _applied_sidecar(db: sqlite3.Connection) -> dict[str, list[str]]:
    """The sidecar tags the cache's `tags` column holds (kept in `meta`)."""
    with contextlib.suppress(sqlite3.Error, ValueError):
        row = db.execute("SELECT value FROM meta WHERE key='sidecar'").fetchone()
        if row is not None:
            return {k: list(v) for k, v in json.loads(row[0]).items()}
    return {}


class IndexStore:
    """Thread-safe access to one index database (or an in-memory one).

    Opening is `store_schema`'s, writing `store_writer`'s, the vocabulary
    `vocabulary`'s and the searches' rowid tables `store_rowids`'; this object
    holds the connections, their locks and what readers cached.
    """

    def __init__(self, path: Path | None) -> None:
        self.lock = threading.RLock()  # the writer connection
        self.read_lock = threading.RLock()  # the reader connection (and the caches)
        self._entries: OrderedDict[int, Entry] = OrderedDict()
        # Folded (title, text) of recently ranked entries: every keystroke re-reads them.
        self._folded: OrderedDict[int, tuple[str, str]] = OrderedDict()
        self.sidecar: dict[str, list[str]] = {}  # entry id → tags kept beside the notes
        self.generation = 0
        self._count: tuple[int, int] | None = None
        self._title_index: tuple[int, str] | None = None
        self._authors: tuple[int, list[str]] | None = None
        self._warnings: tuple[int, list[str]] | None = None
        self._chunks = ChunkCache()
        self._batches: list[Written] | None = None  # `write_batch`'s open transaction
        # Both connections bound to one file and its WAL: a rebuild's `swap_in` waits.
        with cachefile.OpenLock(path):
            opened = open_cache(path, self._chunks)
            self.path = opened.path
            self.problem = opened.problem
            self.healed = opened.healed  # one line when a damaged cache was moved aside
            self.identity = opened.identity  # (dev, inode) of the file opened
            self.db = opened.db
            # With WAL, a second connection reads the last commit while a batch is being
            # written, so searching never waits for indexing. In memory there is one.
            self.reader = self.db
            if self.path is not None:
                with contextlib.suppress(sqlite3.Error):
                    reader = cachefile.connect(self.path)
                    configure_reader(reader, self._chunks)
                    reader.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()  # bind
                    self.reader = reader
        if self.reader is self.db:
            self.read_lock = self.lock
        self._vocab = VocabularyCache(self.reader, self.read_lock, self.path, self.identity)
        self._rowids = RowidTables(self.reader, self.read_lock)
        self._data_version = self._read_data_version()
        if self.path is not None:
            self._chunks.load_dictionary = partial(dictionary_in_file, self.path)
        with self.lock:
            self._dictionary = stored_dictionary(self.db)
            self.sidecar = _applied_sidecar(self.db)

    def payload_dictionary(self) -> PayloadDictionary | None:
        """What new payload blobs are packed with (`payloads.packing_with`)."""
        return self._dictionary

    # -- opening -------------------------------------------------------------------

    def _read_data_version(self) -> int:
        """The writer connection's data version: it moves only for other connections'
        commits (another process), never for this store's own writes."""
        with contextlib.suppress(sqlite3.Error):
            return cachefile.data_version(self.db)
        return -1

    def changed_elsewhere(self) -> bool:
        """True (once) when another process committed to the cache since the last look.

        Cached entries, counts, vocabularies and rowid tables may be stale, so
        the generation moves on. This store's own writes do not count: they
        already moved it.
        """
        if self.path is None:
            return False
        with self.lock:
            version = self._read_data_version()
        if version == self._data_version:
            return False
        with self.read_lock:
            self._data_version = version
            self._entries.clear()
            self._folded.clear()
            self._chunks.clear()
            self._vocab.forget()
            self.generation += 1
            return True

    def close(self) -> None:
        with self.lock, contextlib.suppress(sqlite3.Error):
            self._commit_batches()  # a build's last batches stay
        with self.lock, self.read_lock:
            if self.reader is not self.db:
                self.reader.close()
            self.db.close()

    # -- sources -------------------------------------------------------------------

    def signatures(self) -> dict[str, str]:
        with self.lock:
            return dict(self.db.execute("SELECT key, signature FROM sources"))

    def signature(self, key: str) -> str | None:
        """The stored signature of one source (the watcher's path: one row, not all)."""
        with self.lock:
            row = self.db.execute("SELECT signature FROM sources WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def warnings(self) -> list[str]:
        """Every source's warnings (cached until the next write; the status line asks often)."""
        with self.read_lock:
            if self._warnings is not None and self._warnings[0] == self.generation:
                return list(self._warnings[1])
            rows = self.reader.execute(
                "SELECT warnings FROM sources WHERE length(warnings) > 5 ORDER BY key"
            ).fetchall()
            found: list[str] = []
            for (blob,) in rows:
                with contextlib.suppress(ValueError, EOFError, TypeError):
                    found.extend(marshal.loads(blob))
            # Tags kept beside the notes for entries gone (a renamed note, a new heading):
            # said, not silently lost.
            gone = [i for i in sorted(self.sidecar) if not id_exists(self.reader, self._chunks, i)]
            if gone:
                found.append(f".notesift/tags.json: the tags of {len(gone)} entries no note "
                             f"holds any more (renamed?): {', '.join(gone[:3])}"
                             + (" …" if len(gone) > 3 else ""))
            self._warnings = (self.generation, found)
            return list(found)

    # -- writing -------------------------------------------------------------------

    def replace_sources(
        self, sources: dict[str, PreparedSource], removed: Iterable[str], *, bulk: bool = False
    ) -> None:
        """Store new parses of `sources` and forget `removed`, in one transaction.

        `bulk` (one of many batches): the words are left to `sync_vocabulary`.
        """
        with self._writing():
            learnt = (learn_dictionary(self.db, [b for s in sources.values() for b in s.chunks])
                      if bulk and not self._dictionary else None)
            written = write_sources(self.db, self._chunks, self.sidecar, sources, removed,
                                    bulk=bulk, read_lock=self.read_lock, cached=self._entries)
            if not bulk:  # a small write: no build's end to wait for
                make_late_indexes(self.db)
        if learnt is not None:  # committed: blobs may name it now
            self._dictionary = learnt
        # After the commit, so readers never cache old data under the new generation.
        with self.read_lock:
            for rowid in range(written.first_new, written.next_id):
                self._entries.pop(rowid, None)
            self.generation += 1
            if written.vocabulary_grew:  # an edit rarely brings new words: keep what was built
                self._vocab.forget()

    def write_batch(self, sources: dict[str, PreparedSource]) -> None:
        """One of a build's batches, in a transaction left open for the next ones
        until `commit_batches` (which searches then see).

        Each commit leaves a segment in the word indexes, which the build's end merges
        again: a 100k build that committed every 2 s spent ~1.5 of its writer's CPU-s
        more. Batches still go in every 2 s (memory stays flat); commits come further
        apart (`parsing.MAX_COMMIT_SECONDS`). Any other write commits them first (it
        never joins them), and so does `close`. In memory, where searches read this
        connection, each batch commits at once.
        """
        if self.reader is self.db:
            self.replace_sources(sources, [], bulk=True)
            return
        with self.lock:
            if self._batches is None:
                self.db.execute("BEGIN IMMEDIATE")
                self._batches = []
            try:
                if not self._dictionary:  # later batches pack with it (this transaction's)
                    self._dictionary = learn_dictionary(
                        self.db, [b for s in sources.values() for b in s.chunks])
                self._batches.append(write_sources(
                    self.db, self._chunks, self.sidecar, sources, [], bulk=True,
                    read_lock=self.read_lock, cached=self._entries))
            except BaseException:
                self._drop_batches()
                raise

    def commit_batches(self) -> None:
        """Commit what `write_batch` left uncommitted."""
        with self.lock:
            self._commit_batches()

    def _commit_batches(self) -> None:
        """`commit_batches`, under the writer lock."""
        batches = self._batches
        if batches is None:
            return
        try:
            self.db.commit()
        except BaseException:
            self._drop_batches()
            raise
        self._batches = None
        with self.read_lock:  # after the commit, as `replace_sources`
            for written in batches:
                for rowid in range(written.first_new, written.next_id):
                    self._entries.pop(rowid, None)
            self.generation += 1

    def _drop_batches(self) -> None:
        """Roll back the batches left uncommitted (a write of them failed)."""
        self._batches = None
        with contextlib.suppress(sqlite3.Error):
            self.db.rollback()
            self._dictionary = stored_dictionary(self.db)  # one learnt with them is gone

    @contextlib.contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """The writer lock and a transaction of this write's own (a build's
        uncommitted batches are committed first)."""
        with self.lock:
            self._commit_batches()
            with write_transaction(self.db):
                yield self.db

    def vocabulary_stale(self) -> bool:
        """Whether large batches were written since the vocabulary was last brought up
        to date (kept in the file: a build cut short still gets it later)."""
        with self.lock:
            return vocabulary_stale(self.db)

    def sync_vocabulary(self, *, build_done: bool = True) -> None:
        """Fill the vocabulary and the Han bigrams from the index's own term list
        (anew after many removals: `vocabulary.sync_from_terms`).

        A first build writes thousands of entries a batch; collecting their
        words in Python costs more than this one pass over the distinct terms.
        With `build_done`, the pages the build freed go back too (mid-build, the
        next batches reuse them).
        """
        with self._writing():
            sync_from_terms(self.db, build_done=build_done)
        if build_done:
            release_free_pages(self.db)
            if self.path is not None:
                with self.lock:
                    cachefile.fold_wal_in(self.db)
        with self.read_lock:
            self.generation += 1
            self._vocab.forget()

    def set_sidecar(self, sidecar: dict[str, list[str]]) -> bool:
        """Apply sidecar tags (`.notesift/tags.json`); True when any entry changed.

        Payloads keep the parsed tags; the `tags` column and loaded entries get
        the sidecar's added, so `#tag` filters and the tags panel see both.
        """
        if sidecar == self.sidecar:
            with self.lock:  # a cheap read: another process may have applied another one
                if sidecar == _applied_sidecar(self.db):
                    return False
        with self._writing(), self.read_lock:
            # What the file holds now (another process may have applied another sidecar).
            applied = _applied_sidecar(self.db)
            changed_ids = {
                i for i in set(applied) | set(sidecar) if applied.get(i) != sidecar.get(i)
            }
            self.sidecar = {k: list(v) for k, v in sidecar.items()}
            if not changed_ids:
                return False
            touched = write_sidecar_tags(self.db, self._chunks, self.sidecar, changed_ids)
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('sidecar', ?)",
                            (json.dumps(self.sidecar, sort_keys=True),))
        with self.read_lock:  # after the commit, as in `replace_sources`
            for rowid in touched:
                self._entries.pop(rowid, None)
            self.generation += 1
        return True

    # -- reading -------------------------------------------------------------------

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.read_lock:
            return self.reader.execute(sql, params).fetchall()

    def token_table(self, match: str) -> str:
        """A temp table (`id` = rowid) of the entries whose title or text words match `match`.

        A 1–2 letter term matches a large share of entries; read once into a
        table keyed by rowid, every statement of a search (and the next
        keystroke) looks rows up in it instead of re-reading the term's list.
        """
        table = self.rowid_table(_TOKEN_ROWIDS, [text_only(match)])
        assert table is not None  # no size limit asked for
        return table

    def kept_token_table(self, match: str) -> str | None:
        """The `token_table` of `match` if a search made it and it is still kept, else None
        (nothing is built)."""
        with self.read_lock:
            return self._rowids.kept(self.generation, _TOKEN_ROWIDS, [text_only(match)])

    def rowid_table(
        self, select: str, params: Sequence[Any], max_rows: int | None = None
    ) -> str | None:
        """A temp table (`id` = rowid) of the rowids `select` returns, kept per generation.

        For sets that stay the same while a user types on (a short term, the
        field filters in front of a word): built once, then probed by rowid.
        With `max_rows`, a larger set is not built (None; remembered too).
        """
        with self.read_lock:
            return self._rowids.table(self.generation, select, params, max_rows)

    def holding_rowid_tables(self) -> contextlib.AbstractContextManager[None]:
        """Keep every rowid table made or reused inside the block until it ends
        (`RowidTables.holding`)."""
        return self._rowids.holding()

    def forget_rowid_tables(self) -> None:
        """Forget every rowid table (after one went missing): the next use builds anew."""
        self._rowids.forget()

    def rowid_table_size(self, name: str) -> int:
        """Rows in a table made by `rowid_table` (a large number if it is gone)."""
        return self._rowids.size(name)

    def entries(self, rowids: Sequence[int]) -> dict[int, Entry]:
        """Entries by rowid, from memory when recently used."""
        found: dict[int, Entry] = {}
        missing = []
        with self.read_lock:
            for rowid in rowids:
                entry = self._entries.get(rowid)
                if entry is None:
                    missing.append(rowid)
                else:
                    found[rowid] = entry
            for chunk in range(0, len(missing), 900):
                part = missing[chunk : chunk + 900]
                marks = ",".join("?" * len(part))
                sql = (f"SELECT e.rowid, {ENTRY_HEAD}, p.rowid, p.payload FROM entries e "
                       f"{PAYLOAD_JOIN} WHERE e.rowid IN ({marks})")
                for row in self.reader.execute(sql, part):
                    rowid = row[0]
                    entry = unpack_entry(row[1:5], self._chunks.record(rowid, row[6]))
                    entry = with_tags(entry, self.sidecar.get(entry.id, ()))
                    found[rowid] = entry
                    self._entries[rowid] = entry
            while len(self._entries) > ENTRY_CACHE_SIZE:
                self._entries.popitem(last=False)
        return found

    def folded(self, rowids: Sequence[int]) -> dict[int, tuple[str, str]]:
        """Folded (title, body) by rowid: what ranking, checks and highlighting read.

        Folded from the payloads (the one stored copy of the text): folding is a
        `str.translate`, cheaper than storing and reading a second copy.
        """
        found: dict[int, tuple[str, str]] = {}
        with self.read_lock:
            missing = []
            for rowid in rowids:
                pair = self._folded.get(rowid)
                if pair is None:
                    missing.append(rowid)
                else:
                    found[rowid] = pair
            for rowid, entry in self.entries(missing).items():
                found[rowid] = self._folded[rowid] = folded_pair(entry)
            while len(self._folded) > ENTRY_CACHE_SIZE:
                self._folded.popitem(last=False)
        return found

    def vocabulary(self) -> list[str]:
        """The ASCII words (4+ characters) of the index, for typo suggestions."""
        return self._vocab.vocabulary()

    def words_with(self, piece: str) -> list[str]:
        """Vocabulary words containing `piece` (3+ characters), kept per generation."""
        return self._vocab.words_with(piece)

    def words_holding(self, piece: str) -> list[str] | None:
        """Vocabulary words containing a 1-2 character `piece`, or None when there are
        more than a query can list (then the piece is common: a capped scan finds it)."""
        return self._vocab.words_holding(piece)

    def words_ending(self, piece: str) -> list[str] | None:
        """Vocabulary words ending with `piece` (any length), or None when there are
        more than a query can list (then only a scan of the texts finds them)."""
        return self._vocab.words_ending(piece)

    def han_vocabulary(self) -> HanVocabulary:
        """The Han bigrams of the index (cached until the next write), for pinyin."""
        return self._vocab.han_vocabulary()

    def count(self) -> int:
        """Number of entries (cached until the next write: a full scan at 1M entries)."""
        with self.read_lock:
            if self._count is None or self._count[0] != self.generation:
                total = int(self.reader.execute("SELECT count(*) FROM entries").fetchone()[0])
                self._count = (self.generation, total)
            return self._count[1]

    def title_index(self) -> str:
        """`INDEXED BY entries_title ` once the title index exists, else "" (a first
        build makes it at its end: `store_schema.LATE_INDEXES`); checked once per write."""
        with self.read_lock:
            if self._title_index is None or self._title_index[0] != self.generation:
                found = self.reader.execute(
                    "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'entries_title'"
                ).fetchone()
                self._title_index = (self.generation, "INDEXED BY entries_title " if found else "")
            return self._title_index[1]

    def highest_rowid(self) -> int:
        """The largest rowid in use (rowids only grow: the span matches were drawn from)."""
        with self.read_lock:
            row = self.reader.execute("SELECT max(rowid) FROM entries").fetchone()
            return int(row[0] or 0)

    def authors(self) -> list[str]:
        """Distinct author handles (cached until the next write), for `@x` lookups."""
        with self.read_lock:
            if self._authors is None or self._authors[0] != self.generation:
                rows = self.reader.execute(
                    "SELECT DISTINCT author FROM entries WHERE author IS NOT NULL"
                ).fetchall()
                self._authors = (self.generation, [r[0] for r in rows])
            return self._authors[1]

    def all_entries(self) -> list[Entry]:
        """Every entry in (path, line) order; for small trees, tests and exports."""
        with self.read_lock:
            rows = self.reader.execute(
                f"SELECT e.rowid, {ENTRY_HEAD}, p.payload FROM entries e {PAYLOAD_JOIN} "
                "ORDER BY e.path, e.line, e.rowid"
            )
            unpacked = (unpack_entry(row[1:5], self._chunks.record(row[0], row[5]))
                        for row in rows)
            return [with_tags(e, self.sidecar.get(e.id, ())) for e in unpacked]

    def tag_counts(self) -> Counter[str]:
        counts: Counter[str] = Counter()
        for (tags,) in self.query("SELECT tags FROM entries WHERE tags != '||'"):
            counts.update(t for t in tags.strip("|").split("|") if t)
        return counts

    def notes(self) -> list[Entry]:
        rowids = [r[0] for r in self.query(
            "SELECT rowid FROM entries WHERE kind='note' ORDER BY path")]
        found = self.entries(rowids)
        return [found[r] for r in rowids if r in found]

    def entries_of_path(self, path: str) -> list[Entry]:
        # The file's source (an X archive: a folder above it) holds its rowids.
        parts = path.split("/")
        keys = [*("/".join(parts[:n]) for n in range(len(parts), 0, -1)), "."]  # ".": the root
        marks = ",".join("?" * len(keys))
        rowids = [r[0] for r in self.query(
            f"SELECT e.rowid FROM sources s CROSS JOIN entries e ON e.rowid >= s.first_rowid "
            f"AND e.rowid < s.end_rowid WHERE s.key IN ({marks}) AND e.path = ? "
            "ORDER BY e.line, e.rowid", (*keys, path))]
        found = self.entries(rowids)
        return [found[r] for r in rowids if r in found]

    def find_id(self, entry_id: str) -> Entry | None:
        with self.read_lock:
            rows = rows_with_id(self.reader, self._chunks, entry_id)
            self.reader.commit()  # never hold a read snapshot open
        if not rows:
            return None
        row = min(rows)
        entry = unpack_entry(row[1:5], self._chunks.record(row[0], row[5]))
        return with_tags(entry, self.sidecar.get(entry.id, ()))
