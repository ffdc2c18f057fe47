"""A parsed source turned into the rows the store writes, computed in worker processes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tui.core.index.fts_terms import index_text
from tui.core.index.payloads import (
    PAYLOAD_CHUNK,
    entry_record,
    folded_pair,
    indexed_title_body,
    pack_chunk,
    stored_tail,
    tags_column,
    unpack_chunk,
    unpack_entry,
)
from tui.core.ingest.entry import Entry
from tui.core.text.fold import fold_path

NUMERIC_COLUMNS = ("likes", "retweets", "replies", "quotes")


@dataclass(slots=True)
class PreparedSource:
    """A parsed source as the store writes it, computed off the main thread.

    Everything per entry is in parallel lists; `indexed` is what `titles` and `fts`
    tokenize (folded title, text with the title, path; Han runs as bigrams).
    """

    signature: str
    eids: list[str]
    rows: list[tuple[Any, ...]]  # each entry's `entries` row but its rowid (`entry_row`)
    tags: list[tuple[str, ...]]  # each entry's parsed tags (sidecar tags join these)
    chunks: list[bytes]  # the entries' records, PAYLOAD_CHUNK a blob (`pack_chunk`)
    indexed: list[tuple[str, str, str]]
    warnings: list[str]

    @property
    def entries(self) -> list[Entry]:
        records = [r for blob in self.chunks for r in unpack_chunk(blob)]
        return [unpack_entry((eid, row[2], row[3], row[5]), r)
                for eid, row, r in zip(self.eids, self.rows, records, strict=True)]


def _number(value: Any) -> int | float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value


def filter_columns(e: Entry) -> tuple[Any, ...]:
    """The narrow `entries` columns field filters and ordering read."""
    author = e.meta.get("author")
    date = e.meta.get("date")
    tags = tags_column(e.tags)
    return (
        e.kind, e.path, fold_path(e.path), e.line, e.title.casefold(), tags,
        author.lstrip("@").lower() if isinstance(author, str) else None,
        date.strip() if isinstance(date, str) and date.strip() else None,
        *(_number(e.meta.get(c)) for c in NUMERIC_COLUMNS),
    )


TAGS_AT = 8  # the tags column in an `entry_row`


def entry_row(eid: str, columns: Sequence[Any], record: Sequence[Any]) -> tuple[Any, ...]:
    """An `entries` row but its rowid, of an entry's id, `filter_columns` with its
    folded title after the line and its payload record: what the generated columns
    compute is stored as NULL, the id's tail as `stored_tail`."""
    kind, path, path_lower, line, title_f, title_cf = columns[:6]
    tail: str | int | bytes | None
    if eid == path:
        tail = own = None
    elif eid.startswith(path):
        tail, own = stored_tail(path, eid[len(path):], record), None
    else:
        tail, own = None, eid
    return (tail, own, kind, path, None if path_lower == path else path_lower, line,
            title_f, None if title_cf == title_f else title_cf, *columns[6:])


def prepare_source(signature: str, entries: list[Entry], warnings: list[str]) -> PreparedSource:
    """Everything the store writes for one parsed source (runs in worker processes)."""
    indexed = []
    rows = []
    paths: dict[str, str] = {}  # a source's entries share one path (or a few)
    records = [entry_record(e) for e in entries]
    for e, record in zip(entries, records, strict=True):
        title, body = folded_pair(e)
        path = paths.get(e.path)
        if path is None:
            path = paths[e.path] = index_text(fold_path(e.path))
        indexed.append((*indexed_title_body(title, body), path))
        c = filter_columns(e)
        rows.append(entry_row(e.id, (*c[:4], title, *c[4:]), record))
    chunks = [pack_chunk(records[i : i + PAYLOAD_CHUNK])
              for i in range(0, len(records), PAYLOAD_CHUNK)]
    return PreparedSource(signature, [e.id for e in entries], rows,
                          [tuple(e.tags) for e in entries], chunks, indexed, warnings)
