"""The cache file's schema, format version and opening: entries and a word FTS5 index.

Search must stay fast at a million entries, and the first build must stay near
the cost of reading the notes once. Schema (index format 17), every text once:

* `entries`: one row per entry with the narrow columns field filters and
  ordering read (kind, path, line, folded title, tags, author, date, counts).
  The id, lower-case path and case-folded title are generated columns over
  what is stored (an id is its path plus a tail; most paths are lower case).
  A tail the entry's record spells (a section's headings) is kept as a
  4-byte mark, a tweet's `#status/<n>` as the number n (`payloads.stored_tail`).
* `payloads`: the entries themselves as `marshal`ed tuples, their text
  included, zlib-packed PAYLOAD_CHUNK entries of one source a blob (primed
  with a dictionary learnt from the collection, kept in `zdicts`): the ONLY
  copy of any text. A section is its own line range of its note (the parser
  makes disjoint chunks), never a second copy. Read only when a result shows
  an entry; folded text for ranking and highlighting is folded from it.
* `fts`: contentless FTS5 over (body, path), `unicode61` words of the folded
  text (its title first when the text does not hold it: most begin with their
  heading), Han runs as overlapping bigrams (`fts_terms.index_text`),
  `detail=column` (`{path}:` filters), no column sizes (ranking reads the
  texts). No text is stored in it; a delete re-derives the indexed text from
  the payload. `titles` is the same for titles alone (tiny), so "title hits
  first" never reads a body word's whole list. A build's commits each leave a
  segment in both; its end merges them into one (`vocabulary.pack_indexes`).
* `vocab` + `vocab_tri`: the distinct non-Han words (3+ characters) and a
  trigram index over them (numbers are scanned instead): a substring inside a
  word is looked up among tens of thousands of words, then found in `fts` as
  those words (`fts_terms`). The vocabulary doubles as the typo-tolerance
  word list.
* `zdicts`: the payloads' dictionary.
* `han`: the distinct Han bigrams, which pinyin is spelled against at query
  time (no pinyin is stored).
* `sources`: each note file or X archive with its (mtime_ns, size) signature, so
  a second run on an unchanged tree parses nothing.

Rows of one batch go in together, in rowid order, in one transaction (`store_writer`).
The file is a cache: when it cannot be used, the index lives in memory instead,
and a damaged one is moved aside and rebuilt (`open_cache`).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import zlib
from dataclasses import dataclass
from pathlib import Path

from tui.core.index import cachefile
from tui.core.index.cachefile import write_transaction
from tui.core.index.payloads import ChunkCache
from tui.core.text.fold import fold, has_han, join_marked_han

# Bump when parsers or the schema change what is stored, so old caches are rebuilt.
STORE_VERSION = "22"
# No column sizes: ranking reads the texts themselves (`bm25`), never FTS5's counts.
_WORDS = "tokenize='unicode61 remove_diacritics 0', content='', detail=column, columnsize=0"
# A new file's pages: payload blobs are 2-4 KB, and 4 KB pages held one each (a quarter
# of the payload pages was slack); 16 KB pages left a tenth slack, 32 KB a twentieth
# (bench 100k: -1.4 MB; searches read as fast).
PAGE_SIZE = 32768
FTS_HASH_BYTES = 64 << 20
# The word indexes' merge settings (automerge, crisismerge): as made, and while a build
# holds its segments for the one merge at its end (`hold_merges`).
_MERGES = {"fts": (16, 16), "titles": (4, 16)}  # titles: FTS5's defaults
_HELD_MERGES = (0, 400)

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)",
    # A source's entries are the rowids first_rowid <= rowid < end_rowid (written together).
    "CREATE TABLE IF NOT EXISTS sources (key TEXT PRIMARY KEY, signature TEXT NOT NULL,"
    " warnings BLOB NOT NULL, first_rowid INTEGER NOT NULL, end_rowid INTEGER NOT NULL)",
    # `eid`, `path_lower` and `title_cf` are computed from what is stored: most ids are
    # their path plus a tail, most paths and titles are already lower case (NULL costs
    # nothing). Nothing looks up by id often enough to pay for an index of ids.
    "CREATE TABLE IF NOT EXISTS entries ("
    " rowid INTEGER PRIMARY KEY, eid_tail, eid_own TEXT,"  # a tail may be a number or a mark
    " kind TEXT NOT NULL, path TEXT NOT NULL, pl TEXT, line INTEGER NOT NULL,"
    " title_f TEXT NOT NULL, tcf TEXT, tags TEXT NOT NULL, author TEXT,"
    " date TEXT, likes, retweets, replies, quotes,"
    # NULL where the tail is kept as a mark (`payloads.stored_tail`): the record spells it.
    " eid TEXT GENERATED ALWAYS AS (CASE WHEN typeof(eid_tail) = 'blob' THEN NULL ELSE"
    " coalesce(eid_own, path || CASE typeof(eid_tail) WHEN 'integer' THEN '#status/' || eid_tail"
    " ELSE coalesce(eid_tail, '') END) END) VIRTUAL,"
    " path_lower TEXT GENERATED ALWAYS AS (coalesce(pl, path)) VIRTUAL,"
    " title_cf TEXT GENERATED ALWAYS AS (coalesce(tcf, title_f)) VIRTUAL)",
    # Payloads apart from the narrow filter columns, so scans of titles stay small:
    # one zlib blob per PAYLOAD_CHUNK entries of a source (`pack_chunk`).
    "CREATE TABLE IF NOT EXISTS payloads (rowid INTEGER PRIMARY KEY, payload BLOB NOT NULL)",
    # The body column holds the title too, unless the text has it as words already.
    f"CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(body, path, {_WORDS})",
    # Titles alone: "title hits first" without reading every body's hits.
    f"CREATE VIRTUAL TABLE IF NOT EXISTS titles USING fts5(title, {_WORDS})",
    # Distinct words, for substrings inside a word and for typo suggestions. Rebuilt
    # once a tenth of the entries went (`store_writer._prune_due`): till then a
    # removed file's words only find nothing.
    # No index of the words: scans find them (`vocabulary._add_words`).
    "CREATE TABLE IF NOT EXISTS vocab (id INTEGER PRIMARY KEY, word TEXT NOT NULL)",
    "CREATE VIRTUAL TABLE IF NOT EXISTS vocab_tri USING fts5(word, content='vocab', "
    "content_rowid='id', tokenize='trigram', columnsize=0)",
    "CREATE TABLE IF NOT EXISTS han (token TEXT PRIMARY KEY) WITHOUT ROWID",
    # Payload dictionaries by id (`payloads.PayloadDictionary`): learnt once, from a
    # first build's early batch, and never changed (blobs name the one they need).
    "CREATE TABLE IF NOT EXISTS zdicts (id INTEGER PRIMARY KEY, data BLOB NOT NULL)",
)
# Made once a first build's rows are in (`vocabulary.make_late_indexes`), or by the first
# small write: sorted in one go they fill their pages (row by row, a fifth was slack),
# and a build does not update them row by row. Searches meanwhile scan `entries`.
LATE_INDEXES = (
    # Titles in order (title scans, "title hits first"): kept up row by row, it was 0.4 of
    # the 1.0 CPU-s a 100k build spent writing `entries`; made at the end, 0.1 s.
    "CREATE INDEX IF NOT EXISTS entries_title ON entries(title_f)",
    "CREATE INDEX IF NOT EXISTS entries_kind_path ON entries(kind, path, line)",
    # `@author` filters look up the few matching names here instead of scanning.
    "CREATE INDEX IF NOT EXISTS entries_author ON entries(author)",
)
_TABLES = ("meta", "sources", "entries", "payloads", "fts", "titles", "vocab", "vocab_tri",
           "han", "zdicts", "pinyin", "tokens", "words")


def default_cache_dir() -> Path:
    """`$XDG_CACHE_HOME/notesift`, else `~/.cache/notesift`."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "notesift"


def cache_path_for(root: Path, cache_dir: Path | None = None) -> Path:
    """One database per notes root, named by a hash of its absolute path."""
    try:  # the builtin module: hashlib's import loads OpenSSL (~10 ms a process)
        from _sha1 import sha1
    except ImportError:
        from hashlib import sha1
    digest = sha1(str(root).encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return (cache_dir or default_cache_dir()) / f"index-{digest}.sqlite"


def unavailable_reason(path: Path, exc: BaseException) -> str:
    """Why the cache file cannot be used, in words (SQLite only says "unable to open")."""
    if path.is_dir():
        return "a directory is in the way of the cache file"
    if path.exists() and not os.access(path, os.W_OK):
        return "the cache file is read-only"
    if not os.access(path.parent, os.W_OK) or (path.exists() and _immutable(path)):
        return "the cache directory is not writable"
    if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc).lower():
        return "another notesift holds it locked for too long"
    return str(exc) or type(exc).__name__


def _immutable(path: Path) -> bool:
    """chattr +i: even root cannot write it, though access() says yes."""
    try:
        with open(path, "r+b"):
            return False
    except PermissionError:
        return True
    except OSError:
        return False


def heal_notice(exc: BaseException, moved: Path | None) -> str:
    """The one line a user sees when a damaged cache was replaced."""
    where = f"; the old one is at {moved}" if moved else ""
    return f"index cache was damaged ({exc}): rebuilt it{where}"


def _stored_version(db: sqlite3.Connection) -> str | None:
    try:
        row = db.execute("SELECT value FROM meta WHERE key='version'").fetchone()
    except sqlite3.OperationalError:  # no meta table: a new (or foreign) file
        return None
    return row[0] if row else None


def add_functions(db: sqlite3.Connection, chunks: ChunkCache) -> None:
    """The SQL functions the store's queries call (`nsift_holds`, see `contains_sql`)."""
    def holds(_chunk: int, blob: bytes, rowid: int, path_lower: str, needle: str) -> bool:
        """SQL `nsift_holds`: the entry's folded title, text or path holds `needle`."""
        if needle in path_lower:
            return True
        try:
            title, _, text = chunks.record(rowid, blob)[:3]
        except (ValueError, EOFError, TypeError, IndexError, zlib.error):
            return False
        folded = (fold(title).replace("\x00", "\ufffd"), fold(text).replace("\x00", "\ufffd"))
        if any(needle in f for f in folded):
            return True
        # `进入社区` in `进入**社区插件**`: the phrase as the reader sees it (as indexed).
        return has_han(needle) and any(needle in join_marked_han(f) for f in folded)

    db.create_function("nsift_holds", 5, holds, deterministic=True)


@dataclass(slots=True)
class OpenedCache:
    """The writer connection and what opening the cache file found out."""

    db: sqlite3.Connection
    path: Path | None  # None: the index lives in memory
    identity: tuple[int, int] | None = None  # (dev, inode) of the file opened
    problem: str | None = None  # why the file could not be used
    healed: str | None = None  # one line when a damaged cache was moved aside


def open_cache(path: Path | None, chunks: ChunkCache) -> OpenedCache:
    """The cache file at `path`, healed if damaged, or an in-memory one when unusable."""
    problem = healed = None
    if path is not None and path.is_file() and _immutable(path):
        # SQLite would open it read-only and fail at the first write, mid-refresh.
        problem = f"cache unavailable: the cache file is read-only ({path}); indexing in memory"
        path = None
    if path is not None:
        for attempt in range(2):
            try:
                db = _open(str(path), chunks)
                return OpenedCache(db, path, cachefile.file_identity(path), problem, healed)
            except (sqlite3.Error, OSError) as exc:
                if attempt or not cachefile.is_damage(exc):
                    # Busy for long, unwritable…: never delete a live database.
                    problem = (f"cache unavailable: {unavailable_reason(path, exc)}"
                               f" ({path}); indexing in memory")
                    break
                # Damaged: it holds nothing we cannot rebuild. Kept aside, started anew.
                healed = heal_notice(exc, cachefile.move_aside(path))
    return OpenedCache(_open(":memory:", chunks), None, None, problem, healed)


def configure_reader(reader: sqlite3.Connection, chunks: ChunkCache) -> None:
    """Set up the searches' own connection (a large page cache, the SQL functions)."""
    reader.execute("PRAGMA cache_size=-262144")
    reader.execute("PRAGMA temp_store=MEMORY")
    add_functions(reader, chunks)


def _open(target: str, chunks: ChunkCache) -> sqlite3.Connection:
    if target != ":memory:":
        Path(target).parent.mkdir(parents=True, exist_ok=True)
    fresh = target != ":memory:" and (not os.path.exists(target) or os.path.getsize(target) == 0)
    # Searches and index updates run on worker threads; the store's lock serialises them.
    db = cachefile.connect(target)
    if fresh:  # before anything reads the file: an existing file keeps its page size
        db.execute(f"PRAGMA page_size={PAGE_SIZE}")
    add_functions(db, chunks)
    try:
        if target != ":memory:":
            # Segment merges of a build free a sixth of the file; `release_free_pages`
            # gives that back. Set in a new file only (before WAL and any table): on
            # another process's file even a no-op setting waits for its write lock.
            if db.execute("PRAGMA page_count").fetchone()[0] == 0:
                db.execute("PRAGMA auto_vacuum=INCREMENTAL")
            db.execute("PRAGMA journal_mode=WAL")
            # A cache: losing the last writes to a power cut costs a re-parse, and a
            # damaged file is detected and rebuilt, so durability is not bought.
            db.execute("PRAGMA synchronous=OFF")
        # The writer's page cache: a bulk build touches each page about once, and
        # every MB here is resident for the life of the process.
        db.execute("PRAGMA cache_size=-32768")
        db.execute("PRAGMA temp_store=MEMORY")
        if _stored_version(db) == STORE_VERSION:
            return db  # a warm start writes nothing (other processes read on)
        _format(db)
    except sqlite3.Error:
        db.close()
        raise
    return db


def hold_merges(db: sqlite3.Connection, held: bool) -> None:
    """Stop (or restart) the word indexes' own merging (inside the caller's write
    transaction). A build's commits each leave a segment, and its end merges them
    all into one (`vocabulary.pack_indexes`); merges meanwhile would rewrite the
    same lists once more (at 1M entries, 16 commits' segments at a time: about
    the cost of the final merge again). Searches meanwhile read up to 400
    segments; FTS5 merges at once beyond that."""
    for table, settings in _MERGES.items():
        automerge, crisismerge = _HELD_MERGES if held else settings
        db.execute(f"INSERT INTO {table}({table}, rank) VALUES('automerge', {automerge})")
        db.execute(f"INSERT INTO {table}({table}, rank) VALUES('crisismerge', {crisismerge})")


def _format(db: sqlite3.Connection) -> None:
    """Create the tables, dropping an older format's first."""
    # One process at a time decides whether the format changed: a second one
    # starting alongside must not drop the tables the first is filling.
    reformatted = False
    with write_transaction(db):
        if _stored_version(db) != STORE_VERSION:
            reformatted = _stored_version(db) is not None
            for table in _TABLES:
                db.execute(f"DROP TABLE IF EXISTS {table}")
        for statement in _SCHEMA:
            db.execute(statement)
        # Fewer, larger segment merges: faster bulk indexing.
        db.execute("INSERT INTO fts(fts, rank) VALUES('automerge', 16)")
        with contextlib.suppress(sqlite3.OperationalError):  # an SQLite without the option
            # Terms held in memory before a segment is written (1 MB by default): each
            # segment lists every distinct term again, and Han bigrams are 170,000 of
            # them at 100k entries; 16 MB cut the index's build time by a quarter, and
            # 64 MB holds a first build's 2 s batch whole (one segment a commit; the
            # writer's CPU at 100k -15%). Memory held only while a batch is written.
            db.execute(f"INSERT INTO fts(fts, rank) VALUES('hashsize', {FTS_HASH_BYTES})")
        db.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (STORE_VERSION,))
    if reformatted and db.execute("PRAGMA auto_vacuum").fetchone()[0] != 2:
        # An older format's file: emptied just now, so rewriting it is quick.
        with contextlib.suppress(sqlite3.OperationalError):
            db.execute("VACUUM")
