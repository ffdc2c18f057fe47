"""The persistent index: entries and an FTS5 trigram index in one SQLite file.

Search must stay fast at a million entries (hundreds of MB of text), which no
per-keystroke Python scan can do. SQLite's FTS5 with the trigram tokenizer finds
substrings (CJK included) in C, ranks with bm25, counts, and releases the GIL
while it works. Entries are stored as `marshal`ed tuples and loaded only when a
result shows them, so a warm start reads no entry at all. Every source (a note
file or an X archive) is stored with its (mtime_ns, size) signature, so a second
run on an unchanged tree parses nothing. The file is a cache: when it cannot be
used, the index lives in memory instead and nothing else changes.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import re
import sqlite3
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui.core import cachefile
from tui.core.cachefile import write_transaction
from tui.core.entry import Entry
from tui.core.textfold import HAN_CLASS

# Bump when parsers or the schema change what is stored, so old caches are rebuilt.
STORE_VERSION = "8"
ENTRY_CACHE_SIZE = 20_000
ROWID_TABLES = 6  # temp rowid sets kept between searches (each up to a few MB at 1M entries)
NUMERIC_COLUMNS = ("likes", "retweets", "replies", "quotes")

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)",
    "CREATE TABLE IF NOT EXISTS sources "
    "(key TEXT PRIMARY KEY, signature TEXT NOT NULL, warnings BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS entries ("
    " rowid INTEGER PRIMARY KEY, source TEXT NOT NULL, eid TEXT NOT NULL,"
    " kind TEXT NOT NULL, path TEXT NOT NULL, path_lower TEXT NOT NULL, line INTEGER NOT NULL,"
    " title_f TEXT NOT NULL, title_cf TEXT NOT NULL, tags TEXT NOT NULL, author TEXT,"
    " date TEXT, likes, retweets, replies, quotes)",
    # Payloads apart from the narrow filter columns, so scans of titles stay small.
    "CREATE TABLE IF NOT EXISTS payloads (rowid INTEGER PRIMARY KEY, payload BLOB NOT NULL)",
    "CREATE INDEX IF NOT EXISTS entries_source ON entries(source)",
    "CREATE INDEX IF NOT EXISTS entries_title ON entries(title_f)",
    "CREATE INDEX IF NOT EXISTS entries_eid ON entries(eid)",
    "CREATE INDEX IF NOT EXISTS entries_kind_path ON entries(kind, path, line)",
    "CREATE INDEX IF NOT EXISTS entries_path ON entries(path, line)",
    # `@author` filters look up the few matching names here instead of scanning.
    "CREATE INDEX IF NOT EXISTS entries_author ON entries(author)",
    "CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(title, body, path, tokenize='trigram')",
    # Folded titles alone: "title hits first" without reading every body's hits.
    "CREATE VIRTUAL TABLE IF NOT EXISTS titles USING fts5(title, tokenize='trigram')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS pinyin USING fts5(py, tokenize='trigram')",
    # Words and Han bigrams as tokens: what 1–2 character terms are looked up in.
    "CREATE VIRTUAL TABLE IF NOT EXISTS tokens USING fts5(text, "
    "tokenize='unicode61 remove_diacritics 0', prefix='2')",
    # Typo suggestions: every word ever seen. Never pruned: a stale word only
    # suggests a variant that matches nothing.
    "CREATE TABLE IF NOT EXISTS words (word TEXT PRIMARY KEY) WITHOUT ROWID",
)
_TABLES = ("meta", "sources", "entries", "payloads", "fts", "titles", "pinyin", "tokens",
           "words")
_HAN_RUN = re.compile(f"[{HAN_CLASS}]{{2,}}")


def token_text(folded: str) -> str:
    """Folded text with every Han run spelled as its bigrams, for the `tokens` table.

    unicode61 keeps a Han run as one token; as bigrams, a two-character word
    (`开源`) becomes a token that can be found anywhere in the run. The run's
    last character also stands alone, so a one-character prefix query (`猫*`)
    finds every place the character is, the end of a run (`我的猫`) included.
    """
    return _HAN_RUN.sub(
        lambda m: " " + " ".join(m[0][i : i + 2] for i in range(len(m[0]) - 1))
        + f" {m[0][-1]} ", folded
    )


@dataclass(slots=True)
class PreparedSource:
    """A parsed source with everything the store indexes, computed off the main thread."""

    signature: str
    entries: list[Entry]
    titles: list[str]  # folded titles
    bodies: list[str]  # folded texts (same length as the texts: offsets line up)
    pinyin: list[str]  # "full|initials" for entries with Han characters, else ""
    words: list[str]  # distinct ASCII words, for typo tolerance
    warnings: list[str]


def default_cache_dir() -> Path:
    """`$XDG_CACHE_HOME/notesift`, else `~/.cache/notesift`."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "notesift"


def cache_path_for(root: Path, cache_dir: Path | None = None) -> Path:
    """One database per notes root, named by a hash of its absolute path."""
    digest = hashlib.sha1(str(root).encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return (cache_dir or default_cache_dir()) / f"index-{digest}.sqlite"


def _plain(value: Any) -> Any:
    """Meta values as marshal-safe plain data (dates become ISO strings)."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def pack_entry(e: Entry) -> bytes:
    return marshal.dumps(
        (e.id, e.kind, e.title, e.path, e.line, e.end_line, e.text, tuple(e.tags),
         e.breadcrumb, _plain(e.meta))
    )


def unpack_entry(payload: bytes) -> Entry:
    r = marshal.loads(payload)
    return Entry(id=r[0], kind=r[1], title=r[2], path=r[3], line=r[4], end_line=r[5], text=r[6],
                 tags=tuple(r[7]), breadcrumb=r[8], meta=r[9])


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


class IndexStore:
    """Thread-safe access to one index database (or an in-memory one)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.problem: str | None = None
        self.lock = threading.RLock()  # the writer connection
        self.read_lock = threading.RLock()  # the reader connection (and the caches)
        self._entries: OrderedDict[int, Entry] = OrderedDict()
        self._vocabulary: list[str] | None = None
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
        self.db = self._connect()
        # With WAL, a second connection reads the last commit while a batch is being
        # written, so searching never waits for indexing. In memory there is one.
        self.reader = self.db
        if self.path is not None:
            with contextlib.suppress(sqlite3.Error):
                self.reader = cachefile.connect(self.path)
                self.reader.execute("PRAGMA cache_size=-262144")
                self.reader.execute("PRAGMA temp_store=MEMORY")
        if self.reader is self.db:
            self.read_lock = self.lock
        self._data_version = self._read_data_version()

    # -- opening -------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        if self.path is not None:
            for attempt in range(2):
                try:
                    db = self._open(str(self.path))
                    self.identity = cachefile.file_identity(self.path)
                    return db
                except (sqlite3.Error, OSError) as exc:
                    if attempt or not cachefile.is_damage(exc):
                        # Busy for long, unwritable…: never delete a live database.
                        self.problem = (f"{self.path}: index cache unusable ({exc}); "
                                        "indexing in memory")
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
        try:
            if target != ":memory:":
                db.execute("PRAGMA journal_mode=WAL")
                # A cache: losing the last writes to a power cut costs a re-parse, and a
                # damaged file is detected and rebuilt, so durability is not bought.
                db.execute("PRAGMA synchronous=OFF")
            db.execute("PRAGMA cache_size=-262144")
            db.execute("PRAGMA temp_store=MEMORY")
            if _stored_version(db) == STORE_VERSION:
                return db  # a warm start writes nothing (other processes read on)
            # One process at a time decides whether the format changed: a second one
            # starting alongside must not drop the tables the first is filling.
            with write_transaction(db):
                if _stored_version(db) != STORE_VERSION:
                    for table in _TABLES:
                        db.execute(f"DROP TABLE IF EXISTS {table}")
                had_titles = db.execute(
                    "SELECT 1 FROM sqlite_master WHERE name='titles'"
                ).fetchone() is not None
                for statement in _SCHEMA:
                    db.execute(statement)
                if not had_titles:
                    # A cache from before the titles index: fill it from what is stored
                    # (seconds) rather than re-parsing every note (minutes).
                    db.execute(
                        "INSERT INTO titles (rowid, title) SELECT rowid, title_f FROM entries"
                    )
                # Fewer, larger segment merges: ~20% faster bulk indexing.
                db.execute("INSERT INTO fts(fts, rank) VALUES('automerge', 16)")
                db.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (STORE_VERSION,))
        except sqlite3.Error:
            db.close()
            raise
        return db

    def _read_data_version(self) -> int:
        with contextlib.suppress(sqlite3.Error):
            return cachefile.data_version(self.reader)
        return -1

    def changed_elsewhere(self) -> bool:
        """True (once) when another connection committed since the last look.

        Another notesift process sharing the cache wrote: cached entries, counts
        and rowid tables may be stale, so the generation moves on.
        """
        if self.reader is self.db and self.path is None:
            return False
        with self.read_lock:
            version = self._read_data_version()
            if version == self._data_version:
                return False
            self._data_version = version
            self._entries.clear()
            self._vocabulary = None
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

    def replace_sources(self, sources: dict[str, PreparedSource], removed: Iterable[str]) -> None:
        """Store new parses of `sources` and forget `removed`, in one transaction."""
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
            entry_rows, fts_rows, pinyin_rows, token_rows, payload_rows = [], [], [], [], []
            new_words: set[str] = set()
            for key, source in sources.items():
                for i, entry in enumerate(source.entries):
                    rowid = next_id
                    next_id += 1
                    columns = _filter_columns(_with_tags(entry, self.sidecar.get(entry.id, ())))
                    entry_rows.append(
                        (rowid, key, entry.id, *columns[:4], source.titles[i], *columns[4:])
                    )
                    payload_rows.append((rowid, pack_entry(entry)))
                    fts_rows.append((rowid, source.titles[i], source.bodies[i], entry.path.lower()))
                    token_rows.append(
                        (rowid, token_text(f"{source.titles[i]}\n{source.bodies[i]}"))
                    )
                    if source.pinyin[i]:
                        pinyin_rows.append((rowid, source.pinyin[i]))
                new_words.update(source.words)
                self.db.execute(
                    "INSERT OR REPLACE INTO sources VALUES (?, ?, ?)",
                    (key, source.signature, marshal.dumps(list(source.warnings))),
                )
            self.db.executemany(
                "INSERT INTO entries (rowid, source, eid, kind, path, path_lower, line, "
                "title_f, title_cf, tags, author, date, likes, retweets, replies, quotes) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                entry_rows,
            )
            self.db.executemany("INSERT INTO payloads VALUES (?, ?)", payload_rows)
            self.db.executemany("INSERT INTO fts (rowid, title, body, path) VALUES (?, ?, ?, ?)",
                                fts_rows)
            self.db.executemany("INSERT INTO titles (rowid, title) VALUES (?, ?)",
                                ((row[0], row[1]) for row in fts_rows))
            self.db.executemany("INSERT INTO pinyin (rowid, py) VALUES (?, ?)", pinyin_rows)
            self.db.executemany("INSERT INTO tokens (rowid, text) VALUES (?, ?)", token_rows)
            self.db.executemany(
                "INSERT OR IGNORE INTO words VALUES (?)", ((w,) for w in new_words)
            )
            self.db.execute(
                "INSERT OR REPLACE INTO meta VALUES ('next_rowid', ?)", (str(next_id),)
            )
        # After the commit, so readers never cache old data under the new generation.
        with self.read_lock:
            for rowid in range(first_new, next_id):
                self._entries.pop(rowid, None)
            self.generation += 1
            if new_words:
                self._vocabulary = None

    def _delete(self, key: str) -> None:
        ids = [r[0] for r in self.db.execute("SELECT rowid FROM entries WHERE source=?", (key,))]
        if ids:
            for chunk in range(0, len(ids), 500):
                part = ids[chunk : chunk + 500]
                marks = ",".join("?" * len(part))
                self.db.execute(f"DELETE FROM fts WHERE rowid IN ({marks})", part)
                self.db.execute(f"DELETE FROM titles WHERE rowid IN ({marks})", part)
                self.db.execute(f"DELETE FROM pinyin WHERE rowid IN ({marks})", part)
                self.db.execute(f"DELETE FROM tokens WHERE rowid IN ({marks})", part)
                self.db.execute(f"DELETE FROM payloads WHERE rowid IN ({marks})", part)
                for rowid in part:
                    self._entries.pop(rowid, None)
            self.db.execute("DELETE FROM entries WHERE source=?", (key,))
        self.db.execute("DELETE FROM sources WHERE key=?", (key,))

    # -- reading -------------------------------------------------------------------

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.read_lock:
            return self.reader.execute(sql, params).fetchall()

    def token_table(self, match: str) -> str:
        """A temp table (`id` = rowid) of the entries whose `tokens` match `match`.

        A 1–2 letter term matches a large share of entries; read once into a
        table keyed by rowid, every statement of a search (and the next
        keystroke) looks rows up in it instead of re-reading the term's list.
        """
        table = self.rowid_table("SELECT rowid FROM tokens WHERE tokens MATCH ?", [match])
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
                sql = f"SELECT rowid, payload FROM payloads WHERE rowid IN ({marks})"
                for rowid, payload in self.reader.execute(sql, part):
                    entry = unpack_entry(payload)
                    entry = _with_tags(entry, self.sidecar.get(entry.id, ()))
                    found[rowid] = entry
                    self._entries[rowid] = entry
            while len(self._entries) > ENTRY_CACHE_SIZE:
                self._entries.popitem(last=False)
        return found

    def folded(self, rowids: Sequence[int]) -> dict[int, tuple[str, str]]:
        """Folded (title, body) by rowid: what highlighting and best-line search read."""
        found: dict[int, tuple[str, str]] = {}
        with self.read_lock:
            for chunk in range(0, len(rowids), 900):
                part = list(rowids[chunk : chunk + 900])
                marks = ",".join("?" * len(part))
                sql = f"SELECT rowid, title, body FROM fts WHERE rowid IN ({marks})"
                for rowid, title, body in self.reader.execute(sql, part):
                    found[rowid] = (title, body)
        return found

    def vocabulary(self) -> list[str]:
        with self.read_lock:
            if self._vocabulary is None:
                rows = self.reader.execute("SELECT word FROM words").fetchall()
                self._vocabulary = [r[0] for r in rows]
            return self._vocabulary

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
                "SELECT p.payload FROM entries e JOIN payloads p ON p.rowid = e.rowid "
                "ORDER BY e.path, e.line, e.rowid"
            )
            unpacked = (unpack_entry(p) for (p,) in rows)
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
        rowids = [r[0] for r in self.query(
            "SELECT rowid FROM entries WHERE path=? ORDER BY line, rowid", (path,))]
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
                rows = self.db.execute(
                    "SELECT e.rowid, p.payload FROM entries e JOIN payloads p ON p.rowid = e.rowid "
                    "WHERE e.eid=?",
                    (entry_id,),
                ).fetchall()
                for rowid, payload in rows:
                    entry = _with_tags(unpack_entry(payload), self.sidecar.get(entry_id, ()))
                    self.db.execute("UPDATE entries SET tags=? WHERE rowid=?",
                                    (_tags_column(entry.tags), rowid))
                    touched.append(rowid)
        with self.read_lock:  # after the commit, as in `replace_sources`
            for rowid in touched:
                self._entries.pop(rowid, None)
            self.generation += 1
        return True

    def find_id(self, entry_id: str) -> Entry | None:
        rows = self.query(
            "SELECT p.payload FROM entries e JOIN payloads p ON p.rowid = e.rowid "
            "WHERE e.eid=? LIMIT 1",
            (entry_id,),
        )
        if not rows:
            return None
        entry = unpack_entry(rows[0][0])
        return _with_tags(entry, self.sidecar.get(entry.id, ()))
