"""The store's writes: new parses of sources in, old ones out, in one transaction each.

Plain functions over the writer connection, inside the transaction the store
opens; the store forgets what its readers cached once they have committed.
"""

from __future__ import annotations

import contextlib
import marshal
import sqlite3
import threading
from collections.abc import Iterable, MutableMapping
from dataclasses import dataclass

from tui.core.index.payloads import (
    ENTRY_HEAD,
    PAYLOAD_CHUNK,
    PAYLOAD_JOIN,
    ChunkCache,
    indexed_columns,
    rows_with_id,
    tags_column,
    unpack_entry,
    with_tags,
)
from tui.core.index.prepared import TAGS_AT, PreparedSource
from tui.core.index.store_schema import hold_merges
from tui.core.index.vocabulary import add_rows_words
from tui.core.ingest.entry import Entry

VOCAB_INLINE_ROWS = 2000  # a batch this small adds its words itself; a larger one (a first
# build) leaves the vocabulary to one `sync_vocabulary` pass at the end
# Entries removed (deleted or re-parsed files) before the vocabulary is rebuilt from the
# index's terms: their words stay listed until then. A tenth of the entries (at least
# this many) bounds what a churned cache holds more than a fresh one; a rebuild costs
# about 11 µs an entry (1.1 s at 100k): about 0.1 ms per entry removed.
VOCAB_PRUNE_MIN = 20


@dataclass(slots=True)
class Written:
    """What `write_sources` wrote: rowids `first_new` up to `next_id`."""

    first_new: int
    next_id: int
    vocabulary_grew: bool


def write_sources(
    db: sqlite3.Connection,
    chunks: ChunkCache,
    sidecar: dict[str, list[str]],
    sources: dict[str, PreparedSource],
    removed: Iterable[str],
    *,
    bulk: bool,
    read_lock: threading.RLock,
    cached: MutableMapping[int, Entry],
) -> Written:
    """Store new parses of `sources` and forget `removed` (see `IndexStore.replace_sources`).

    Deleted rows leave `cached` (the readers' entries) under `read_lock`.
    """
    # Under the write lock: another process may have stored the same parse
    # since we compared signatures; storing it again would list it twice.
    stored = {key: db.execute("SELECT signature FROM sources WHERE key=?",
                              (key,)).fetchone() for key in sources}
    sources = {key: source for key, source in sources.items()
               if stored[key] is None or stored[key][0] != source.signature}
    with read_lock:
        gone = sum(_delete(db, chunks, key, cached) for key in [*removed, *sources])
    # Rowids are never reused: a reader may have cached an entry under an old one.
    row = db.execute("SELECT value FROM meta WHERE key='next_rowid'").fetchone()
    highest = db.execute("SELECT max(rowid) FROM entries").fetchone()[0] or 0
    next_id = max(int(row[0]) if row else 1, highest + 1)
    first_new = next_id
    entry_rows, fts_rows, payload_rows = [], [], []
    for key, source in sources.items():
        # Each source starts a payload blob (see PAYLOAD_CHUNK).
        next_id = first_of_source = -(-next_id // PAYLOAD_CHUNK) * PAYLOAD_CHUNK
        payload_rows.extend((first_of_source + i * PAYLOAD_CHUNK, blob)
                            for i, blob in enumerate(source.chunks))
        for eid, row, tags, indexed in zip(
            source.eids, source.rows, source.tags, source.indexed, strict=True
        ):
            extra = sidecar.get(eid)
            if extra:
                own = {t.lower() for t in tags}
                merged = (*tags, *(t for t in extra if t.lower() not in own))
                row = (*row[:TAGS_AT], tags_column(merged), *row[TAGS_AT + 1:])
            entry_rows.append((next_id, *row))
            fts_rows.append((next_id, *indexed))
            next_id += 1
        db.execute(
            "INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?, ?)",
            (key, source.signature, marshal.dumps(list(source.warnings)),
             first_of_source, next_id),
        )
    db.executemany(
        "INSERT INTO entries (rowid, eid_tail, eid_own, kind, path, pl, line, "
        "title_f, tcf, tags, author, date, likes, retweets, replies, quotes) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        entry_rows,
    )
    db.executemany("INSERT INTO payloads VALUES (?, ?)", payload_rows)
    db.executemany("INSERT INTO fts (rowid, body, path) VALUES (?, ?, ?)",
                   ((row[0], row[2], row[3]) for row in fts_rows))
    db.executemany("INSERT INTO titles (rowid, title) VALUES (?, ?)",
                   ((row[0], row[1]) for row in fts_rows))
    vocabulary_grew = False
    if not bulk and len(fts_rows) <= VOCAB_INLINE_ROWS:
        vocabulary_grew = add_rows_words(db, fts_rows)
    elif fts_rows:
        db.execute("INSERT OR REPLACE INTO meta VALUES ('vocabulary', 'stale')")
        # Each commit leaves a segment of its own in the word indexes: counted, so the
        # build's end merges them (`vocabulary.sync_from_terms`), and not merged before.
        if db.execute("SELECT 1 FROM meta WHERE key='merge'").fetchone() is None:
            hold_merges(db, True)
        db.execute("INSERT INTO meta VALUES ('merge', ?) ON CONFLICT(key) DO UPDATE "
                   "SET value = value + excluded.value", (len(fts_rows),))
    if gone and _prune_due(db, gone):
        db.execute("INSERT OR REPLACE INTO meta VALUES ('prune', '1')")
    db.execute("INSERT OR REPLACE INTO meta VALUES ('next_rowid', ?)", (str(next_id),))
    return Written(first_new, next_id, vocabulary_grew)


def _prune_due(db: sqlite3.Connection, gone: int) -> bool:
    """Count `gone` removed entries; True when the vocabulary is due to be rebuilt
    (then the count starts again): a cache after churn lists the words of its
    files, not of every file it ever held. The rebuild is left to the next
    `sync_vocabulary` (after the parses of a refresh or a watcher batch), so a
    batch removed in many transactions is pruned once."""
    row = db.execute("SELECT value FROM meta WHERE key='removed'").fetchone()
    removed = (int(row[0]) if row else 0) + gone
    entries = db.execute("SELECT coalesce(sum(end_rowid - first_rowid), 0) FROM sources"
                         ).fetchone()[0]
    due = removed > max(VOCAB_PRUNE_MIN, entries // 10)
    db.execute("INSERT OR REPLACE INTO meta VALUES ('removed', ?)", (str(0 if due else removed),))
    return due


def _delete(db: sqlite3.Connection, chunks: ChunkCache, key: str,
            cached: MutableMapping[int, Entry]) -> int:
    """Forget source `key`; the number of its entries."""
    span = db.execute(
        "SELECT first_rowid, end_rowid FROM sources WHERE key=?", (key,)
    ).fetchone()
    if span is None:
        return 0
    rows = db.execute(
        f"SELECT e.rowid, {ENTRY_HEAD}, p.rowid, p.payload FROM entries e "
        f"{PAYLOAD_JOIN} WHERE e.rowid >= ? AND e.rowid < ?", span
    ).fetchall()
    if rows:
        # Contentless FTS tables forget a row given the text they indexed for it.
        forget = [(row[0], *indexed_columns(unpack_entry(row[1:5], chunks.record(row[0], row[6]))))
                  for row in rows]
        db.executemany(
            "INSERT INTO fts (fts, rowid, body, path) VALUES ('delete', ?, ?, ?)",
            ((f[0], f[2], f[3]) for f in forget),
        )
        db.executemany(
            "INSERT INTO titles (titles, rowid, title) VALUES ('delete', ?, ?)",
            ((f[0], f[1]) for f in forget),
        )
        db.execute("DELETE FROM payloads WHERE rowid >= ? AND rowid < ?", span)
        db.execute("DELETE FROM entries WHERE rowid >= ? AND rowid < ?", span)
        for row in rows:
            cached.pop(row[0], None)
    db.execute("DELETE FROM sources WHERE key=?", (key,))
    return len(rows)


def vocabulary_stale(db: sqlite3.Connection) -> bool:
    """Whether large batches were written, or many entries removed, since the
    vocabulary was last brought up to date (kept in the file: a build cut short
    still gets it later)."""
    rows = db.execute("SELECT key, value FROM meta WHERE key IN ('vocabulary', 'prune', 'merge')")
    return any(key == "merge" or value in ("stale", "1") for key, value in rows)


def release_free_pages(db: sqlite3.Connection) -> None:
    """Shrink the file by the pages a build's segment merges freed (auto_vacuum)."""
    with contextlib.suppress(sqlite3.OperationalError):  # busy: the next build does it
        # It frees one page a step, and execute() steps once: a script runs it out.
        db.executescript("PRAGMA incremental_vacuum;")


def write_sidecar_tags(db: sqlite3.Connection, chunks: ChunkCache,
                       sidecar: dict[str, list[str]], changed_ids: Iterable[str]) -> list[int]:
    """Rewrite the `tags` column of the entries whose sidecar tags changed; their rowids."""
    touched: list[int] = []
    for entry_id in changed_ids:
        for row in rows_with_id(db, chunks, entry_id):
            rowid = row[0]
            entry = with_tags(unpack_entry(row[1:5], chunks.record(rowid, row[5])),
                              sidecar.get(entry_id, ()))
            db.execute("UPDATE entries SET tags=? WHERE rowid=?", (tags_column(entry.tags), rowid))
            touched.append(rowid)
    return touched
