"""Entries as the cache stores them (payload records in zlib blobs), in one place.

The worker processes that prepare sources, the writer and the readers share
this one definition of the format.

A blob is a zlib stream (first byte 0x78), or, once the cache has a payload
dictionary, `0x01`, the dictionary's 4-byte id and raw deflate primed with it:
eight records alone share few strings, and a 32 KB sample of the collection's
own records (its words, its labels, its meta keys) packs them about a fifth
tighter (bench 100k: payloads 41.4 -> 34.0 MB) for no more CPU (the primed
compressor is copied, not primed again, per blob) and a faster inflate.
"""

from __future__ import annotations

import contextlib
import marshal
import sqlite3
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui.core.index.fts_terms import index_text
from tui.core.ingest.entry import Entry
from tui.core.text.fold import fold, fold_path

# Entries a payload blob holds (a source's rowids start at a multiple of it, so an
# entry's blob is at `rowid & -PAYLOAD_CHUNK`): zlib over 8 neighbours packs text to
# ~0.5 (one entry alone: ~0.73; 16: ~0.47 but twice the ~100 µs a cold read inflates).
PAYLOAD_CHUNK = 8
# zlib level: with the dictionary, 2 packs 3% tighter than 1 for about the same
# time, 3 another 3% (bench 100k: 32.5 -> 31.5 MB, +0.6 CPU-s in the parse workers;
# 5: 31.0 MB for +1.7 s; 6 and up: no smaller, twice the time).
PAYLOAD_LEVEL = 3
CHUNK_CACHE_SIZE = 512  # inflated blobs kept (a scan or a ranking reads neighbours)
DICTIONARY_BYTES = 32 << 10  # deflate's window: a dictionary longer than this is cut
# A dictionary is learnt from a batch with at least this much record text: less
# says too little about the collection (and a small collection needs none).
DICTIONARY_SAMPLE_MIN = 64 << 10
_DICTIONARY_BLOBS = 128  # blobs a dictionary is learnt from, evenly spread over the batch
_WITH_DICTIONARY = 1  # a blob's first byte: raw deflate primed with a dictionary

# The `entries` columns that, with the payload record, make an entry (`unpack_entry`).
ENTRY_HEAD = "e.eid, e.kind, e.path, e.line"
# An id's tail (what follows its path: `#Heading/Sub@2`, `#status/17…`) as `entries`
# keeps it (`stored_tail`): tails were 3.0 of its 18.4 MB at 100k entries.
_STATUS = "#status/"
_CRUMB_SEP = " › "  # note_parser.BREADCRUMB_SEP: a section's breadcrumb spells its id
# An entry's payload blob, joined to `entries e` (its record: `rowid % PAYLOAD_CHUNK`).
PAYLOAD_JOIN = f"JOIN payloads p ON p.rowid = (e.rowid & -{PAYLOAD_CHUNK})"

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


@dataclass(frozen=True, slots=True)
class PayloadDictionary:
    """A cache's preset dictionary for payload blobs; `ident` is its CRC-32, which
    each blob packed with it names (so any process can tell which one it needs)."""

    ident: int
    data: bytes

    @classmethod
    def of(cls, data: bytes) -> PayloadDictionary:
        return cls(zlib.crc32(data), data)


# Dictionaries by id, of every cache this process has read or written: an id is the
# content's checksum, so one table serves every store (and the parse workers).
_KNOWN: dict[int, bytes] = {}
_PRIMED: dict[int, Any] = {}  # a compressor primed with each dictionary, copied per blob
_packing = threading.local()  # the dictionary this thread packs with (`packing_with`)


def remember(dictionary: PayloadDictionary) -> None:
    """Make `dictionary` known to this process's readers."""
    _KNOWN.setdefault(dictionary.ident, dictionary.data)


@contextlib.contextmanager
def packing_with(dictionary: PayloadDictionary | None) -> Iterator[None]:
    """`pack_chunk` in this thread packs with `dictionary` (None: plain zlib)."""
    before = getattr(_packing, "dictionary", None)
    _packing.dictionary = dictionary
    try:
        yield
    finally:
        _packing.dictionary = before


def pack_chunk(records: Sequence[tuple[Any, ...]]) -> bytes:
    """Up to PAYLOAD_CHUNK consecutive entries' records as one payload blob.

    Each record is marshalled apart, so reading one entry inflates the blob
    (fast) but unmarshals only that entry.
    """
    raw = marshal.dumps([marshal.dumps(r) for r in records])
    dictionary: PayloadDictionary | None = getattr(_packing, "dictionary", None)
    if dictionary is None:
        return zlib.compress(raw, PAYLOAD_LEVEL)
    primed = _PRIMED.get(dictionary.ident)
    if primed is None:
        remember(dictionary)
        primed = _PRIMED[dictionary.ident] = zlib.compressobj(
            PAYLOAD_LEVEL, zlib.DEFLATED, -15, zdict=dictionary.data)
    packer = primed.copy()
    return (bytes((_WITH_DICTIONARY,)) + dictionary.ident.to_bytes(4, "big")
            + packer.compress(raw) + packer.flush())


DictionaryLoader = Callable[[int], "bytes | None"]


def _packed_records(blob: bytes, load: DictionaryLoader | None = None) -> list[bytes]:
    """The marshalled records of a blob. A blob that cannot be read (its dictionary
    missing or damaged, its bytes garbled) is a damaged cache: a `DatabaseError`,
    which the index heals by rebuilding, not an error on every search."""
    try:
        if blob[0] != _WITH_DICTIONARY:
            return marshal.loads(zlib.decompress(blob))  # type: ignore[no-any-return]
        ident = int.from_bytes(blob[1:5], "big")
        data = _KNOWN.get(ident)
        if data is None and load is not None:
            data = load(ident)
            if data is not None and zlib.crc32(data) == ident:
                _KNOWN[ident] = data
            else:
                data = None
        if data is None:
            raise sqlite3.DatabaseError(f"payload dictionary {ident:08x} is missing")
        inflater = zlib.decompressobj(-15, zdict=data)
        return marshal.loads(inflater.decompress(blob[5:]))  # type: ignore[no-any-return]
    except (zlib.error, ValueError, EOFError, TypeError, IndexError) as exc:
        raise sqlite3.DatabaseError(f"entry payload damaged: {exc}") from None


def unpack_chunk(blob: bytes) -> list[tuple[Any, ...]]:
    """Every record of a payload blob (its dictionary, if any, known to this process)."""
    return [marshal.loads(r) for r in _packed_records(blob)]


def learn_dictionary(db: sqlite3.Connection, blobs: Sequence[bytes]) -> PayloadDictionary | None:
    """The cache's payload dictionary, learnt from a build's batch of `blobs` when it
    has none (inside the batch's write transaction); None when they hold too little."""
    found = stored_dictionary(db)  # another process may have learnt one
    if found is None:
        found = _learnt(blobs)
        if found is None:
            return None
        db.execute("INSERT INTO zdicts VALUES (?, ?)", (found.ident, found.data))
    remember(found)
    return found


def stored_dictionary(db: sqlite3.Connection) -> PayloadDictionary | None:
    """The cache's payload dictionary, if one was learnt."""
    row = db.execute("SELECT data FROM zdicts LIMIT 1").fetchone()
    if row is None:
        return None
    dictionary = PayloadDictionary.of(bytes(row[0]))
    remember(dictionary)
    return dictionary


def dictionary_in_file(path: Any, ident: int) -> bytes | None:
    """Dictionary `ident` of the cache file at `path` (a `ChunkCache.load_dictionary`:
    another process learnt it since this one opened the file). Read on a connection
    of its own: it may be wanted in the middle of a query on either of the store's."""
    try:  # read-only: a cache removed meanwhile is not created empty
        db = sqlite3.connect(f"{Path(path).absolute().as_uri()}?mode=ro", uri=True,
                             timeout=10.0)
    except sqlite3.Error:
        return None
    try:
        row = db.execute("SELECT data FROM zdicts WHERE id=?", (ident,)).fetchone()
    finally:
        db.close()
    return None if row is None else bytes(row[0])


def _learnt(blobs: Sequence[bytes]) -> PayloadDictionary | None:
    """A dictionary from a batch's payload blobs (DICTIONARY_BYTES of records evenly
    spread over it), or None when they hold too little text."""
    records = [r for blob in blobs[:: max(1, len(blobs) // _DICTIONARY_BLOBS)]
               for r in _packed_records(blob)]
    size = sum(map(len, records))
    if size * max(1, len(blobs) // _DICTIONARY_BLOBS) < DICTIONARY_SAMPLE_MIN:
        return None
    step = max(1, size // DICTIONARY_BYTES)
    sample = b"".join(records[::step])
    while len(sample) < DICTIONARY_BYTES and step > 1:  # the whole window: closer steps
        step -= 1
        sample = b"".join(records[::step])
    return PayloadDictionary.of(sample[-DICTIONARY_BYTES:])


def chunk_of(rowid: int) -> int:
    """The rowid of the payload blob that holds entry `rowid`."""
    return rowid & -PAYLOAD_CHUNK


def unpack_entry(head: Sequence[Any], r: Sequence[Any]) -> Entry:
    """The entry from its `ENTRY_HEAD` columns and its payload record."""
    eid = head[0] if head[0] is not None else head[2] + section_tail(r)
    return Entry(id=eid, kind=head[1], title=r[0], path=head[2], line=head[3], end_line=r[1],
                 text=r[2], tags=tuple(r[3]), breadcrumb=r[4], meta=r[5])


def section_tail(record: Sequence[Any]) -> str:
    """The id tail a section's record spells: `#` + its headings + `@part` after the
    first part (what `note_parser` names most sections; `stored_tail` checks)."""
    crumb, meta = record[4], record[5]
    part = meta.get("part", 1) if isinstance(meta, dict) else 1
    headings = "/".join(crumb.split(_CRUMB_SEP)[1:]) if isinstance(crumb, str) else ""
    return f"#{headings}" + ("" if part == 1 else f"@{part}")


def tail_mark(tail: str) -> bytes:
    """What `entries.eid_tail` holds for a tail its record spells: a checksum that
    an id look-up finds it by (the record then says whether it is the one)."""
    return zlib.crc32(tail.encode("utf-8", "surrogatepass")).to_bytes(4, "big")


def stored_tail(path: str, tail: str, record: Sequence[Any]) -> str | int | bytes:
    """`entries.eid_tail` for an id `path + tail`: `#status/<n>` as the integer n
    (the `eid` column spells it again), a tail the record spells as its `tail_mark`
    (`unpack_entry` spells it), any other as it is."""
    if tail.startswith(_STATUS):
        digits = tail[len(_STATUS):]
        if digits.isascii() and digits.isdigit() and len(digits) <= 19 and (
                str(int(digits)) == digits and int(digits) < 1 << 63):  # SQLite's integers
            return int(digits)
    if "#" not in path and tail == section_tail(record):  # look-ups split ids at a `#`
        return tail_mark(tail)
    return tail


def contains_sql() -> str:
    """SQL for 'entry `e`'s folded title, text or path holds the `?` needle' (a scan
    for text with no word to look up; reads the entry's payload blob)."""
    return (f"EXISTS (SELECT 1 FROM payloads p WHERE p.rowid = (e.rowid & -{PAYLOAD_CHUNK}) "
            "AND nsift_holds(p.rowid, p.payload, e.rowid, e.path_lower, ?))")


def tags_column(tags: Iterable[str]) -> str:
    """The `entries.tags` column: `|tag|tag|`, lower case, without `#`."""
    return "|" + "|".join(t.lstrip("#").lower() for t in tags) + "|"


def with_tags(entry: Entry, extra: Sequence[str]) -> Entry:
    """`entry` with sidecar tags added (after its own, without repeats)."""
    if not extra:
        return entry
    own = {t.lower() for t in entry.tags}
    added = tuple(t for t in extra if t.lower() not in own)
    if not added:
        return entry
    return Entry(entry.id, entry.kind, entry.title, entry.path, entry.line, entry.end_line,
                 entry.text, entry.tags + added, entry.breadcrumb, entry.meta)


def folded_pair(entry: Entry) -> tuple[str, str]:
    """An entry's folded title and text (same lengths as the originals: offsets line up)."""
    # FTS5 stops reading a text at NUL; U+FFFD keeps the length.
    return (fold(entry.title).replace("\x00", "\ufffd"),
            fold(entry.text).replace("\x00", "\ufffd"))


def indexed_columns(entry: Entry) -> tuple[str, str, str]:
    """The (title, body, path) text `titles` and `fts` tokenize for an entry."""
    title, body = folded_pair(entry)
    return (*indexed_title_body(title, body), index_text(fold_path(entry.path)))


def indexed_title_body(title: str, body: str) -> tuple[str, str]:
    """The indexed title (`titles`) and text (`fts` body: the title too, unless the
    text holds it as words already; most texts begin with their heading)."""
    title, body = index_text(title), index_text(body)
    return title, (body if _holds_as_words(body, title) else f"{title}\n{body}")


def _holds_as_words(text: str, part: str) -> bool:
    """`part` is in `text` with no word character joined to either end (every word
    of it is a word of the text, so indexing it again would add nothing)."""
    if not part.strip():
        return True
    at = text.find(part)
    if at < 0:
        return False
    end = at + len(part)
    return not ((at and text[at - 1].isalnum() and part[0].isalnum())
                or (end < len(text) and text[end].isalnum() and part[-1].isalnum()))


def rows_with_id(db: sqlite3.Connection, chunks: ChunkCache,
                 entry_id: str) -> list[tuple[Any, ...]]:
    """(rowid, ENTRY_HEAD…, payload) of the entries with this id.

    Every id starts with its source's key (a note's path, an X archive's
    folder), so the sources whose key starts like the id up to its first `#`
    narrow the look-up to their rowids (no index of ids or paths is kept).
    A tail kept as its mark is checked against the record that spells it.
    """
    prefix, mark = entry_id.split("#", 1)[0], None
    if prefix != entry_id:
        mark = tail_mark(entry_id[len(prefix):])
    rows = db.execute(
        f"SELECT e.rowid, {ENTRY_HEAD}, p.payload FROM sources s CROSS JOIN entries e "
        f"ON e.rowid >= s.first_rowid AND e.rowid < s.end_rowid {PAYLOAD_JOIN} "
        "WHERE s.key >= ? AND s.key < ? AND (+e.eid = ? OR +e.eid_tail = ?)",
        (prefix, prefix + "\U0010ffff", entry_id, mark),
    ).fetchall()
    found = []
    for row in rows:
        if row[1] is None:  # its tail by its mark: spelled by its record
            row = (row[0], row[3] + section_tail(chunks.record(row[0], row[5])), *row[2:])
        if row[1] == entry_id:
            found.append(row)
    return found


def id_exists(db: sqlite3.Connection, chunks: ChunkCache, entry_id: str) -> bool:
    """Whether an entry has this id (`rows_with_id`)."""
    return bool(rows_with_id(db, chunks, entry_id))


class ChunkCache:
    """Inflated payload blobs by rowid, the few most recently read (one per store).

    Rowids are never reused in a cache file and a blob is never rewritten (a
    changed source gets new rowids), so a blob read once stays what it was.
    """

    def __init__(self) -> None:
        self._records: OrderedDict[tuple[int, int], list[bytes]] = OrderedDict()
        self._lock = threading.Lock()
        # Reads a dictionary this process has not met from the cache file (another
        # process learnt it); None in memory, where every blob is this process's.
        self.load_dictionary: DictionaryLoader | None = None

    def _packed(self, rowid: int, blob: bytes) -> list[bytes]:
        key = (rowid, len(blob))
        with self._lock:
            found = self._records.get(key)
            if found is not None:
                self._records.move_to_end(key)
                return found
        found = _packed_records(blob, self.load_dictionary)
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
