"""The persistent index: entries and a word-level FTS5 index in one SQLite file.

Search must stay fast at a million entries, and the first build must stay near
the cost of reading the notes once. Schema (index format 11), every text once:

* `entries`: one row per entry with the narrow columns field filters and
  ordering read (kind, path, line, folded title, tags, author, date, counts).
  The id, lower-case path and case-folded title are generated columns over
  what is stored (an id is its path plus a tail; most paths are lower case).
* `payloads`: the entries themselves as `marshal`ed tuples, their text
  included, zlib-packed PAYLOAD_CHUNK entries of one source a blob: the ONLY
  copy of any text. A section is its own line range of its note (the parser
  makes disjoint chunks), never a second copy. Read only when a result shows
  an entry; folded text for ranking and highlighting is folded from it.
* `fts`: contentless FTS5 over (title, body, path), `unicode61` words of the
  folded text, Han runs as overlapping bigrams (`fts_terms.index_text`),
  `detail=column`. No text is stored in it; a delete re-derives the indexed
  text from the payload. `titles` is the same for titles alone (tiny), so
  "title hits first" never reads a body word's whole list.
* `vocab` + `vocab_tri`: the distinct non-Han words (3+ characters) and a
  trigram index over them: a substring inside a word is looked up among tens of
  thousands of words, then found in `fts` as those words (`fts_terms`). The
  vocabulary doubles as the typo-tolerance word list.
* `han`: the distinct Han bigrams, which pinyin is spelled against at query
  time (no pinyin is stored).
* `sources`: each note file or X archive with its (mtime_ns, size) signature, so
  a second run on an unchanged tree parses nothing.

Rows of one batch go in together, in rowid order, in one transaction. The file
is a cache: when it cannot be used, the index lives in memory instead.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import sqlite3
import threading
import zlib
from collections import Counter, OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui.core.index import cachefile
from tui.core.index.cachefile import write_transaction
from tui.core.index.fts_terms import (
    VOCAB_MIN,
    HanVocabulary,
    han_tokens_of,
    index_text,
    words_of,
)
from tui.core.ingest.entry import Entry
from tui.core.text.fold import fold
from tui.core.text.table_cache import cached_table

# Bump when parsers or the schema change what is stored, so old caches are rebuilt.
STORE_VERSION = "11"
ENTRY_CACHE_SIZE = 20_000
# Entries a payload blob holds (a source's rowids start at a multiple of it, so an
# entry's blob is at `rowid & -PAYLOAD_CHUNK`): zlib over 8 neighbours packs text to
# ~0.5 (one entry alone: ~0.73; 16: ~0.47 but twice the ~100 µs a cold read inflates).
PAYLOAD_CHUNK = 8
PAYLOAD_LEVEL = 1  # zlib level: 6 packs a few % tighter for twice the workers' time
CHUNK_CACHE_SIZE = 512  # inflated blobs kept (a scan or a ranking reads neighbours)
ENDING_MAX = 400  # words ending with a short piece (`c` of `c++`) that a query lists
ROWID_TABLES = 6  # temp rowid sets kept between searches (each up to a few MB at 1M entries)
NUMERIC_COLUMNS = ("likes", "retweets", "replies", "quotes")
VOCAB_INLINE_ROWS = 2000  # a batch this small adds its words itself; a larger one (a first
# build) leaves the vocabulary to one `sync_vocabulary` pass at the end
# `is_han` in SQL, on a term's first character (the blocks of textfold.HAN_CLASS).
_HAN_SQL = " OR ".join(
    f"unicode(term) BETWEEN {lo} AND {hi}"
    for lo, hi in ((0x3007, 0x3007), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF),
                   (0x20000, 0x323AF))
)
_WORDS = "tokenize='unicode61 remove_diacritics 0', content='', detail=column"

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)",
    # A source's entries are the rowids first_rowid <= rowid < end_rowid (written together).
    "CREATE TABLE IF NOT EXISTS sources (key TEXT PRIMARY KEY, signature TEXT NOT NULL,"
    " warnings BLOB NOT NULL, first_rowid INTEGER NOT NULL, end_rowid INTEGER NOT NULL)",
    # `eid`, `path_lower` and `title_cf` are computed from what is stored: most ids are
    # their path plus a tail, most paths and titles are already lower case (NULL costs
    # nothing). Nothing looks up by id often enough to pay for an index of ids.
    "CREATE TABLE IF NOT EXISTS entries ("
    " rowid INTEGER PRIMARY KEY, eid_tail TEXT, eid_own TEXT,"
    " kind TEXT NOT NULL, path TEXT NOT NULL, pl TEXT, line INTEGER NOT NULL,"
    " title_f TEXT NOT NULL, tcf TEXT, tags TEXT NOT NULL, author TEXT,"
    " date TEXT, likes, retweets, replies, quotes,"
    " eid TEXT GENERATED ALWAYS AS (coalesce(eid_own, path || coalesce(eid_tail, ''))) VIRTUAL,"
    " path_lower TEXT GENERATED ALWAYS AS (coalesce(pl, path)) VIRTUAL,"
    " title_cf TEXT GENERATED ALWAYS AS (coalesce(tcf, title_f)) VIRTUAL)",
    # Payloads apart from the narrow filter columns, so scans of titles stay small:
    # one zlib blob per PAYLOAD_CHUNK entries of a source (`pack_chunk`).
    "CREATE TABLE IF NOT EXISTS payloads (rowid INTEGER PRIMARY KEY, payload BLOB NOT NULL)",
    "CREATE INDEX IF NOT EXISTS entries_title ON entries(title_f)",
    "CREATE INDEX IF NOT EXISTS entries_kind_path ON entries(kind, path, line)",
    # `@author` filters look up the few matching names here instead of scanning.
    "CREATE INDEX IF NOT EXISTS entries_author ON entries(author)",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(title, body, path, {_WORDS})",
    # Titles alone: "title hits first" without reading every body's hits.
    f"CREATE VIRTUAL TABLE IF NOT EXISTS titles USING fts5(title, {_WORDS})",
    # Distinct words, for substrings inside a word and for typo suggestions. Never
    # pruned: a stale word only finds nothing.
    "CREATE TABLE IF NOT EXISTS vocab (id INTEGER PRIMARY KEY, word TEXT NOT NULL UNIQUE)",
    "CREATE VIRTUAL TABLE IF NOT EXISTS vocab_tri USING fts5(word, content='vocab', "
    "content_rowid='id', tokenize='trigram')",
    "CREATE TABLE IF NOT EXISTS han (token TEXT PRIMARY KEY) WITHOUT ROWID",
)
_TABLES = ("meta", "sources", "entries", "payloads", "fts", "titles", "vocab", "vocab_tri",
           "han", "pinyin", "tokens", "words")


@dataclass(slots=True)
class PreparedSource:
    """A parsed source as the store writes it, computed off the main thread.

    Everything per entry is in parallel lists; `indexed` is what `fts` tokenizes
    (folded title, body and path, Han runs as bigrams).
    """

    signature: str
    eids: list[str]
    columns: list[tuple[Any, ...]]  # _filter_columns of each entry (parsed tags)
    tags: list[tuple[str, ...]]  # each entry's parsed tags (sidecar tags join these)
    chunks: list[bytes]  # the entries' records, PAYLOAD_CHUNK a blob (`pack_chunk`)
    indexed: list[tuple[str, str, str]]
    warnings: list[str]

    @property
    def entries(self) -> list[Entry]:
        records = [r for blob in self.chunks for r in unpack_chunk(blob)]
        return [unpack_entry((eid, c[0], c[1], c[3]), r)
                for eid, c, r in zip(self.eids, self.columns, records, strict=True)]


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


_PLAIN_TYPES = frozenset((str, int, float, bool, type(None)))


def _plain(value: Any) -> Any:
    """Meta values as marshal-safe plain data (dates become ISO strings)."""
    if type(value) in _PLAIN_TYPES:  # the usual case, without the checks below
        return value
    if isinstance(value, dict) and all(type(v) in _PLAIN_TYPES and type(k) is str
                                       for k, v in value.items()):
        return value
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def entry_record(e: Entry) -> tuple[Any, ...]:
    """What `entries` does not hold of an entry (its id, kind, path and line are there)."""
    return (e.title, e.end_line, e.text, tuple(e.tags), e.breadcrumb, _plain(e.meta))


def pack_chunk(records: Sequence[tuple[Any, ...]]) -> bytes:
    """Up to PAYLOAD_CHUNK consecutive entries' records as one payload blob.

    Each record is marshalled apart, so reading one entry inflates the blob
    (fast) but unmarshals only that entry.
    """
    return zlib.compress(marshal.dumps([marshal.dumps(r) for r in records]), PAYLOAD_LEVEL)


def _packed_records(blob: bytes) -> list[bytes]:
    return marshal.loads(zlib.decompress(blob))  # type: ignore[no-any-return]


def unpack_chunk(blob: bytes) -> list[tuple[Any, ...]]:
    """Every record of a payload blob."""
    return [marshal.loads(r) for r in _packed_records(blob)]


def chunk_of(rowid: int) -> int:
    """The rowid of the payload blob that holds entry `rowid`."""
    return rowid & -PAYLOAD_CHUNK


# The `entries` columns that, with the payload record, make an entry (`unpack_entry`).
ENTRY_HEAD = "e.eid, e.kind, e.path, e.line"
# An entry's payload blob, joined to `entries e` (its record: `rowid % PAYLOAD_CHUNK`).
PAYLOAD_JOIN = f"JOIN payloads p ON p.rowid = (e.rowid & -{PAYLOAD_CHUNK})"


def unpack_entry(head: Sequence[Any], r: Sequence[Any]) -> Entry:
    """The entry from its `ENTRY_HEAD` columns and its payload record."""
    return Entry(id=head[0], kind=head[1], title=r[0], path=head[2], line=head[3], end_line=r[1],
                 text=r[2], tags=tuple(r[3]), breadcrumb=r[4], meta=r[5])


def contains_sql() -> str:
    """SQL for 'entry `e`'s folded title, text or path holds the `?` needle' (a scan
    for text with no word to look up; reads the entry's payload blob)."""
    return (f"EXISTS (SELECT 1 FROM payloads p WHERE p.rowid = (e.rowid & -{PAYLOAD_CHUNK}) "
            "AND nsift_holds(p.rowid, p.payload, e.rowid, e.path_lower, ?))")


def _number(value: Any) -> int | float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value


def _tags_column(tags: Iterable[str]) -> str:
    return "|" + "|".join(t.lstrip("#").lower() for t in tags) + "|"


def _with_tags(entry: Entry, extra: Sequence[str]) -> Entry:
    """`entry` with sidecar tags added (after its own, without repeats)."""
    if not extra:
        return entry
    own = {t.lower() for t in entry.tags}
    added = tuple(t for t in extra if t.lower() not in own)
    if not added:
        return entry
    return Entry(entry.id, entry.kind, entry.title, entry.path, entry.line, entry.end_line,
                 entry.text, entry.tags + added, entry.breadcrumb, entry.meta)


def _filter_columns(e: Entry) -> tuple[Any, ...]:
    author = e.meta.get("author")
    date = e.meta.get("date")
    tags = _tags_column(e.tags)
    return (
        e.kind, e.path, e.path.lower(), e.line, e.title.casefold(), tags,
        author.lstrip("@").lower() if isinstance(author, str) else None,
        date.strip() if isinstance(date, str) and date.strip() else None,
        *(_number(e.meta.get(c)) for c in NUMERIC_COLUMNS),
    )


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


def folded_pair(entry: Entry) -> tuple[str, str]:
    """An entry's folded title and text (same lengths as the originals: offsets line up)."""
    # FTS5 stops reading a text at NUL; U+FFFD keeps the length.
    return (fold(entry.title).replace("\x00", "\ufffd"),
            fold(entry.text).replace("\x00", "\ufffd"))


def indexed_columns(entry: Entry) -> tuple[str, str, str]:
    """The (title, body, path) text `fts` tokenizes for an entry."""
    title, body = folded_pair(entry)
    return index_text(title), index_text(body), index_text(entry.path.lower())


def text_only(match: str) -> str:
    """An `fts` MATCH limited to titles and texts (not paths)."""
    return "{title body} : (" + match + ")"


def prepare_source(signature: str, entries: list[Entry], warnings: list[str]) -> PreparedSource:
    """Everything the store writes for one parsed source (runs in worker processes)."""
    indexed = []
    columns_of = []
    paths: dict[str, str] = {}  # a source's entries share one path (or a few)
    for e in entries:
        title, body = folded_pair(e)
        path = paths.get(e.path)
        if path is None:
            path = paths[e.path] = index_text(e.path.lower())
        indexed.append((index_text(title), index_text(body), path))
        c = _filter_columns(e)
        columns_of.append((*c[:4], title, *c[4:]))
    records = [entry_record(e) for e in entries]
    chunks = [pack_chunk(records[i : i + PAYLOAD_CHUNK])
              for i in range(0, len(records), PAYLOAD_CHUNK)]
    return PreparedSource(signature, [e.id for e in entries], columns_of,
                          [tuple(e.tags) for e in entries], chunks, indexed, warnings)


def _entry_row(rowid: int, eid: str, columns: Sequence[Any]) -> tuple[Any, ...]:
    """An `entries` row: what the generated columns compute is stored as NULL."""
    kind, path, path_lower, line, title_f, title_cf = columns[:6]
    if eid == path:
        tail = own = None
    elif eid.startswith(path):
        tail, own = eid[len(path):], None
    else:
        tail, own = None, eid
    return (rowid, tail, own, kind, path, None if path_lower == path else path_lower, line,
            title_f, None if title_cf == title_f else title_cf, *columns[6:])


class _Chunks:
    """Inflated payload blobs by rowid, the few most recently read (one per connection).

    Rowids are never reused in a cache file and a blob is never rewritten (a
    changed source gets new rowids), so a blob read once stays what it was.
    """

    def __init__(self) -> None:
        self._records: OrderedDict[tuple[int, int], list[bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def _packed(self, rowid: int, blob: bytes) -> list[bytes]:
        key = (rowid, len(blob))
        with self._lock:
            found = self._records.get(key)
            if found is not None:
                self._records.move_to_end(key)
                return found
        found = _packed_records(blob)
        with self._lock:
            self._records[key] = found
            while len(self._records) > CHUNK_CACHE_SIZE:
                self._records.popitem(last=False)
        return found

    def record(self, rowid: int, blob: bytes) -> tuple[Any, ...]:
        """Entry `rowid`'s record from its blob (`blob` is the payload at chunk_of(rowid))."""
        start = chunk_of(rowid)
        return marshal.loads(self._packed(start, blob)[rowid - start])  # type: ignore[no-any-return]

    def clear(self) -> None:
        with self._lock:
            self._records.clear()


def _add_functions(db: sqlite3.Connection, chunks: _Chunks) -> None:
    def holds(_chunk: int, blob: bytes, rowid: int, path_lower: str, needle: str) -> bool:
        """SQL `nsift_holds`: the entry's folded title, text or path holds `needle`."""
        if needle in path_lower:
            return True
        try:
            title, _, text = chunks.record(rowid, blob)[:3]
        except (ValueError, EOFError, TypeError, IndexError, zlib.error):
            return False
        return needle in fold(title).replace("\x00", "\ufffd") or (
            needle in fold(text).replace("\x00", "\ufffd"))

    db.create_function("nsift_holds", 5, holds, deterministic=True)


class IndexStore:
    """Thread-safe access to one index database (or an in-memory one)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.problem: str | None = None
        self.lock = threading.RLock()  # the writer connection
        self.read_lock = threading.RLock()  # the reader connection (and the caches)
        self._entries: OrderedDict[int, Entry] = OrderedDict()
        # Folded (title, text) of recently ranked entries: every keystroke re-reads them.
        self._folded: OrderedDict[int, tuple[str, str]] = OrderedDict()
        self._vocabulary: list[str] | None = None
        self._words_with: dict[str, list[str]] = {}
        self._han: HanVocabulary | None = None
        self.sidecar: dict[str, list[str]] = {}  # entry id → tags kept beside the notes
        self.generation = 0
        self._count: tuple[int, int] | None = None
        self._authors: tuple[int, list[str]] | None = None
        self._rowid_tables: OrderedDict[tuple[int, str, tuple[Any, ...]], str] = OrderedDict()
        self._rowid_serial = 0
        self._rowid_sizes: dict[str, int] = {}
        self._too_large: set[tuple[int, str, tuple[Any, ...]]] = set()
        self._pins: Counter[str] = Counter()  # rowid table → searches still using it
        self._orphans: set[str] = set()  # forgotten tables a search still holds
        self._search_local = threading.local()
        self._warnings: tuple[int, list[str]] | None = None
        self.healed: str | None = None  # one line when a damaged cache was moved aside
        self.identity: tuple[int, int] | None = None  # (dev, inode) of the file opened
        self._chunks = _Chunks()
        self.db = self._connect()
        # With WAL, a second connection reads the last commit while a batch is being
        # written, so searching never waits for indexing. In memory there is one.
        self.reader = self.db
        if self.path is not None:
            with contextlib.suppress(sqlite3.Error):
                self.reader = cachefile.connect(self.path)
                self.reader.execute("PRAGMA cache_size=-262144")
                self.reader.execute("PRAGMA temp_store=MEMORY")
                _add_functions(self.reader, self._chunks)
        if self.reader is self.db:
            self.read_lock = self.lock
        self._data_version = self._read_data_version()

    # -- opening -------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        if self.path is not None and self.path.is_file() and _immutable(self.path):
            # SQLite would open it read-only and fail at the first write, mid-refresh.
            self.problem = (f"cache unavailable: the cache file is read-only ({self.path}); "
                            "indexing in memory")
            self.path = None
        if self.path is not None:
            for attempt in range(2):
                try:
                    db = self._open(str(self.path))
                    self.identity = cachefile.file_identity(self.path)
                    return db
                except (sqlite3.Error, OSError) as exc:
                    if attempt or not cachefile.is_damage(exc):
                        # Busy for long, unwritable…: never delete a live database.
                        self.problem = (f"cache unavailable: {unavailable_reason(self.path, exc)}"
                                        f" ({self.path}); indexing in memory")
                        break
                    # Damaged: it holds nothing we cannot rebuild. Kept aside, started anew.
                    self.healed = heal_notice(exc, cachefile.move_aside(self.path))
        self.path = None
        return self._open(":memory:")

    def _open(self, target: str) -> sqlite3.Connection:
        if target != ":memory:":
            Path(target).parent.mkdir(parents=True, exist_ok=True)
        # Searches and index updates run on worker threads; `self.lock` serialises them.
        db = cachefile.connect(target)
        _add_functions(db, self._chunks)
        try:
            if target != ":memory:":
                # Segment merges of a build free a sixth of the file; `_release_free_pages`
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
                db.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (STORE_VERSION,))
            if reformatted and db.execute("PRAGMA auto_vacuum").fetchone()[0] != 2:
                # An older format's file: emptied just now, so rewriting it is quick.
                with contextlib.suppress(sqlite3.OperationalError):
                    db.execute("VACUUM")
        except sqlite3.Error:
            db.close()
            raise
        return db

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
            self._vocabulary = None
            self._han = None
            self._words_with.clear()
            self.generation += 1
            return True

    def close(self) -> None:
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
            self._warnings = (self.generation, found)
            return list(found)

    def replace_sources(
        self, sources: dict[str, PreparedSource], removed: Iterable[str], *, bulk: bool = False
    ) -> None:
        """Store new parses of `sources` and forget `removed`, in one transaction.

        `bulk` (one of many batches): the words are left to `sync_vocabulary`.
        """
        with self.lock, write_transaction(self.db):
            # Under the write lock: another process may have stored the same parse
            # since we compared signatures; storing it again would list it twice.
            stored = {key: self.db.execute("SELECT signature FROM sources WHERE key=?",
                                           (key,)).fetchone() for key in sources}
            sources = {key: source for key, source in sources.items()
                       if stored[key] is None or stored[key][0] != source.signature}
            with self.read_lock:
                for key in [*removed, *sources]:
                    self._delete(key)
            # Rowids are never reused: a reader may have cached an entry under an old one.
            row = self.db.execute("SELECT value FROM meta WHERE key='next_rowid'").fetchone()
            highest = self.db.execute("SELECT max(rowid) FROM entries").fetchone()[0] or 0
            next_id = max(int(row[0]) if row else 1, highest + 1)
            first_new = next_id
            entry_rows, fts_rows, payload_rows = [], [], []
            for key, source in sources.items():
                # Each source starts a payload blob (see PAYLOAD_CHUNK).
                next_id = first_of_source = -(-next_id // PAYLOAD_CHUNK) * PAYLOAD_CHUNK
                payload_rows.extend((first_of_source + i * PAYLOAD_CHUNK, blob)
                                    for i, blob in enumerate(source.chunks))
                for eid, columns, tags, indexed in zip(
                    source.eids, source.columns, source.tags, source.indexed, strict=True
                ):
                    extra = self.sidecar.get(eid)
                    if extra:
                        own = {t.lower() for t in tags}
                        merged = (*tags, *(t for t in extra if t.lower() not in own))
                        columns = (*columns[:6], _tags_column(merged), *columns[7:])
                    entry_rows.append(_entry_row(next_id, eid, columns))
                    fts_rows.append((next_id, *indexed))
                    next_id += 1
                self.db.execute(
                    "INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?, ?)",
                    (key, source.signature, marshal.dumps(list(source.warnings)),
                     first_of_source, next_id),
                )
            self.db.executemany(
                "INSERT INTO entries (rowid, eid_tail, eid_own, kind, path, pl, line, "
                "title_f, tcf, tags, author, date, likes, retweets, replies, quotes) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                entry_rows,
            )
            self.db.executemany("INSERT INTO payloads VALUES (?, ?)", payload_rows)
            self.db.executemany("INSERT INTO fts (rowid, title, body, path) VALUES (?, ?, ?, ?)",
                                fts_rows)
            self.db.executemany("INSERT INTO titles (rowid, title) VALUES (?, ?)",
                                ((row[0], row[1]) for row in fts_rows))
            new_words: set[str] = set()
            new_han: set[str] = set()
            vocabulary_grew = False
            if not bulk and len(fts_rows) <= VOCAB_INLINE_ROWS:
                for row in fts_rows:
                    for text in row[1:]:
                        new_words |= words_of(text)
                        new_han |= han_tokens_of(text)
                changes = self.db.total_changes
                self._add_words(new_words)
                self.db.executemany("INSERT OR IGNORE INTO han VALUES (?)",
                                    ((t,) for t in new_han))
                vocabulary_grew = self.db.total_changes != changes
            elif fts_rows:
                self.db.execute("INSERT OR REPLACE INTO meta VALUES ('vocabulary', 'stale')")
            self.db.execute(
                "INSERT OR REPLACE INTO meta VALUES ('next_rowid', ?)", (str(next_id),)
            )
        # After the commit, so readers never cache old data under the new generation.
        with self.read_lock:
            for rowid in range(first_new, next_id):
                self._entries.pop(rowid, None)
            self.generation += 1
            if vocabulary_grew:  # an edit rarely brings new words: keep what was built
                self._vocabulary = None
                self._han = None
                self._words_with.clear()

    def vocabulary_stale(self) -> bool:
        """Whether large batches were written since the vocabulary was last brought up
        to date (kept in the file: a build cut short still gets it later)."""
        with self.lock:
            row = self.db.execute("SELECT value FROM meta WHERE key='vocabulary'").fetchone()
        return bool(row) and row[0] == "stale"

    def sync_vocabulary(self, *, build_done: bool = True) -> None:
        """Fill the vocabulary and the Han bigrams from the index's own term list.

        A first build writes thousands of entries a batch; collecting their
        words in Python costs more than this one pass over the distinct terms.
        With `build_done`, the pages the build freed go back too (mid-build, the
        next batches reuse them).
        """
        with self.lock, write_transaction(self.db):
            self.db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_terms "
                            "USING fts5vocab(main, fts, row)")
            before = self.db.execute("SELECT coalesce(max(id), 0) FROM vocab").fetchone()[0]
            # Han runs are indexed as bigrams and single characters, so every term of
            # 3+ characters is a word; the Han ones are 1-2 characters from Han blocks.
            self.db.execute(
                "INSERT OR IGNORE INTO vocab (word) SELECT term FROM temp.fts_terms "
                f"WHERE length(term) >= {VOCAB_MIN}"
            )
            self.db.execute(
                "INSERT INTO vocab_tri (rowid, word) SELECT id, word FROM vocab WHERE id > ?",
                (before,),
            )
            self.db.execute("INSERT OR IGNORE INTO han SELECT term FROM temp.fts_terms "
                            f"WHERE length(term) <= 2 AND ({_HAN_SQL})")
            self.db.execute("DELETE FROM meta WHERE key='vocabulary'")
        if build_done:
            self._release_free_pages()
        with self.read_lock:
            self.generation += 1
            self._vocabulary = None
            self._han = None
            self._words_with.clear()

    def _release_free_pages(self) -> None:
        """Shrink the file by the pages a build's segment merges freed (auto_vacuum)."""
        with contextlib.suppress(sqlite3.OperationalError):  # busy: the next build does it
            # It frees one page a step, and execute() steps once: a script runs it out.
            self.db.executescript("PRAGMA incremental_vacuum;")

    def _add_words(self, words: set[str]) -> None:
        """Add the words the vocabulary lacks, and index those alone by trigram."""
        before = self.db.execute("SELECT coalesce(max(id), 0) FROM vocab").fetchone()[0]
        self.db.executemany("INSERT OR IGNORE INTO vocab (word) VALUES (?)",
                            ((w,) for w in sorted(words)))
        self.db.execute(
            "INSERT INTO vocab_tri (rowid, word) SELECT id, word FROM vocab WHERE id > ?",
            (before,),
        )

    def _delete(self, key: str) -> None:
        span = self.db.execute(
            "SELECT first_rowid, end_rowid FROM sources WHERE key=?", (key,)
        ).fetchone()
        if span is None:
            return
        rows = self.db.execute(
            f"SELECT e.rowid, {ENTRY_HEAD}, p.rowid, p.payload FROM entries e "
            f"{PAYLOAD_JOIN} WHERE e.rowid >= ? AND e.rowid < ?", span
        ).fetchall()
        if rows:
            # Contentless FTS tables forget a row given the text they indexed for it.
            forget = [(row[0], *indexed_columns(unpack_entry(
                row[1:5], self._chunks.record(row[0], row[6]))))
                for row in rows]
            self.db.executemany(
                "INSERT INTO fts (fts, rowid, title, body, path) VALUES ('delete', ?, ?, ?, ?)",
                forget,
            )
            self.db.executemany(
                "INSERT INTO titles (titles, rowid, title) VALUES ('delete', ?, ?)",
                ((f[0], f[1]) for f in forget),
            )
            self.db.execute("DELETE FROM payloads WHERE rowid >= ? AND rowid < ?", span)
            self.db.execute("DELETE FROM entries WHERE rowid >= ? AND rowid < ?", span)
            for row in rows:
                self._entries.pop(row[0], None)
        self.db.execute("DELETE FROM sources WHERE key=?", (key,))

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
        table = self.rowid_table("SELECT rowid FROM fts WHERE fts MATCH ?", [text_only(match)])
        assert table is not None  # no size limit asked for
        return table

    def rowid_table(
        self, select: str, params: Sequence[Any], max_rows: int | None = None
    ) -> str | None:
        """A temp table (`id` = rowid) of the rowids `select` returns, kept per generation.

        For sets that stay the same while a user types on (a short term, the
        field filters in front of a word): built once, then probed by rowid.
        With `max_rows`, a larger set is not built (None; remembered too).
        """
        with self.read_lock:
            key = (self.generation, select, tuple(params))
            name = self._rowid_tables.get(key)
            if name is not None:
                self._rowid_tables.move_to_end(key)
                self._pin(name)
                return name
            if key in self._too_large:
                return None
            self._rowid_serial += 1
            name = f"temp.rowids_{self._rowid_serial}"
            self.reader.execute(f"CREATE TABLE {name} (id INTEGER PRIMARY KEY)")
            limited = select if max_rows is None else f"{select} LIMIT {max_rows + 1}"
            cursor = self.reader.execute(f"INSERT INTO {name} {limited}", list(params))
            size = max(0, cursor.rowcount)
            if max_rows is not None and size > max_rows:
                self.reader.execute(f"DROP TABLE {name}")
                self.reader.commit()
                if len(self._too_large) > 1000:
                    self._too_large.clear()
                self._too_large.add(key)
                return None
            self._rowid_sizes[name] = size
            self.reader.commit()  # never hold a read snapshot of the index open
            self._rowid_tables[key] = name
            self._pin(name)
            self._trim_rowid_tables()
            return name

    @contextlib.contextmanager
    def holding_rowid_tables(self) -> Iterator[None]:
        """Keep every rowid table made or reused inside the block until it ends.

        One search can use more tables than are kept between searches (seven
        short words), and a search on another thread (the next keystroke, or one
        after the index changed) makes its own: neither may drop a table this
        search will still read. Nested blocks share the outermost one's hold.
        """
        if getattr(self._search_local, "held", None) is not None:
            yield
            return
        held: list[str] = []
        self._search_local.held = held
        try:
            yield
        finally:
            self._search_local.held = None
            with self.read_lock:
                for name in held:
                    self._pins[name] -= 1
                    if self._pins[name] <= 0:
                        del self._pins[name]
                # A store closed under a running search must not hide why it ended.
                with contextlib.suppress(sqlite3.Error):
                    for name in [n for n in self._orphans if self._pins[n] <= 0]:
                        self._orphans.discard(name)
                        self._rowid_sizes.pop(name, None)
                        self.reader.execute(f"DROP TABLE IF EXISTS {name}")
                    self._trim_rowid_tables()

    def _pin(self, name: str) -> None:
        held = getattr(self._search_local, "held", None)
        if held is not None and name not in held:
            held.append(name)
            self._pins[name] += 1

    def _trim_rowid_tables(self) -> None:
        """Drop the least recently used tables no running search holds."""
        excess = len(self._rowid_tables) - ROWID_TABLES
        for key, name in list(self._rowid_tables.items()):
            if excess <= 0:
                break
            if self._pins[name] > 0:
                continue
            del self._rowid_tables[key]
            self._pins.pop(name, None)
            self._rowid_sizes.pop(name, None)
            self.reader.execute(f"DROP TABLE IF EXISTS {name}")
            excess -= 1

    def forget_rowid_tables(self) -> None:
        """Forget every rowid table (after one went missing): the next use builds anew.

        A table another search still holds is only forgotten; it is dropped when
        that search ends.
        """
        with self.read_lock:
            for name in self._rowid_tables.values():
                if self._pins[name] > 0:
                    self._orphans.add(name)
                    continue
                self._rowid_sizes.pop(name, None)
                with contextlib.suppress(sqlite3.Error):
                    self.reader.execute(f"DROP TABLE IF EXISTS {name}")
            self._rowid_tables.clear()
            self._too_large.clear()

    def rowid_table_size(self, name: str) -> int:
        """Rows in a table made by `rowid_table` (a large number if it is gone)."""
        return self._rowid_sizes.get(name, 1 << 62)

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
                    entry = _with_tags(entry, self.sidecar.get(entry.id, ()))
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
                    "SELECT word FROM vocab_tri WHERE vocab_tri MATCH ?",
                    ['"' + piece.replace('"', '""') + '"'],
                ).fetchall()
                found = [r[0] for r in rows if piece in r[0]]
                if len(self._words_with) > 2000:
                    self._words_with.clear()
                self._words_with[piece] = found
            return found

    def words_ending(self, piece: str) -> list[str] | None:
        """Vocabulary words ending with `piece` (any length), or None when there are
        more than a query can list (then only a scan of the texts finds them)."""
        key = "\x00" + piece
        with self.read_lock:
            if key not in self._words_with:
                pattern = "*" + "".join(f"[{ch}]" if ch in "*?[]" else ch for ch in piece)
                rows = self.reader.execute(
                    f"SELECT word FROM vocab WHERE word GLOB ? LIMIT {ENDING_MAX + 1}",
                    [pattern],
                ).fetchall()
                self._words_with[key] = [r[0] for r in rows]
            found = self._words_with[key]
        return None if len(found) > ENDING_MAX else found

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
                        [r[0] for r in self.reader.execute("SELECT token FROM han")]
                    ).plain()

                if self.path is None:
                    self._han = HanVocabulary.from_plain(build())
                else:
                    count = self.reader.execute("SELECT count(*) FROM han").fetchone()[0]
                    self._han = HanVocabulary.from_plain(cached_table(
                        f"{self.path.name}.han", [], build, folder=self.path.parent,
                        stamp=f"{self.identity}:{count}"))
            return self._han

    def count(self) -> int:
        """Number of entries (cached until the next write: a full scan at 1M entries)."""
        with self.read_lock:
            if self._count is None or self._count[0] != self.generation:
                total = int(self.reader.execute("SELECT count(*) FROM entries").fetchone()[0])
                self._count = (self.generation, total)
            return self._count[1]

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
            return [_with_tags(e, self.sidecar.get(e.id, ())) for e in unpacked]

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

    def set_sidecar(self, sidecar: dict[str, list[str]]) -> bool:
        """Apply sidecar tags (`.notesift/tags.json`); True when any entry changed.

        Payloads keep the parsed tags; the `tags` column and loaded entries get
        the sidecar's added, so `#tag` filters and the tags panel see both.
        """
        changed_ids = {
            i for i in set(self.sidecar) | set(sidecar) if self.sidecar.get(i) != sidecar.get(i)
        }
        if not changed_ids:
            return False
        touched: list[int] = []
        with self.lock, write_transaction(self.db), self.read_lock:
            self.sidecar = {k: list(v) for k, v in sidecar.items()}
            for entry_id in changed_ids:
                for row in _rows_with_id(self.db, entry_id):
                    rowid = row[0]
                    entry = _with_tags(unpack_entry(row[1:5], self._chunks.record(rowid, row[5])),
                                       self.sidecar.get(entry_id, ()))
                    self.db.execute("UPDATE entries SET tags=? WHERE rowid=?",
                                    (_tags_column(entry.tags), rowid))
                    touched.append(rowid)
        with self.read_lock:  # after the commit, as in `replace_sources`
            for rowid in touched:
                self._entries.pop(rowid, None)
            self.generation += 1
        return True

    def find_id(self, entry_id: str) -> Entry | None:
        with self.read_lock:
            rows = _rows_with_id(self.reader, entry_id)
            self.reader.commit()  # never hold a read snapshot open
        if not rows:
            return None
        row = min(rows)
        entry = unpack_entry(row[1:5], self._chunks.record(row[0], row[5]))
        return _with_tags(entry, self.sidecar.get(entry.id, ()))


def _rows_with_id(db: sqlite3.Connection, entry_id: str) -> list[tuple[Any, ...]]:
    """(rowid, ENTRY_HEAD…, payload) of the entries with this id.

    Every id starts with its source's key (a note's path, an X archive's
    folder), so the sources whose key starts like the id up to its first `#`
    narrow the look-up to their rowids (no index of ids or paths is kept).
    """
    prefix = entry_id.split("#", 1)[0]
    return db.execute(
        f"SELECT e.rowid, {ENTRY_HEAD}, p.payload FROM sources s CROSS JOIN entries e "
        f"ON e.rowid >= s.first_rowid AND e.rowid < s.end_rowid {PAYLOAD_JOIN} "
        "WHERE s.key >= ? AND s.key < ? AND +e.eid = ?",
        (prefix, prefix + "\U0010ffff", entry_id),
    ).fetchall()
