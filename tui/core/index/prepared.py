"""A parsed source turned into the rows the store writes, computed in worker processes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tui.core.index.fts_terms import index_text
from tui.core.index.payloads import (
    PAYLOAD_CHUNK,
    entry_record,
    folded_pair,
    pack_chunk,
    tags_column,
    unpack_chunk,
    unpack_entry,
)
from tui.core.ingest.entry import Entry

NUMERIC_COLUMNS = ("likes", "retweets", "replies", "quotes")


@dataclass(slots=True)
class PreparedSource:
    """A parsed source as the store writes it, computed off the main thread.

    Everything per entry is in parallel lists; `indexed` is what `fts` tokenizes
    (folded title, body and path, Han runs as bigrams).
    """

    signature: str
    eids: list[str]
    columns: list[tuple[Any, ...]]  # filter_columns of each entry (parsed tags)
    tags: list[tuple[str, ...]]  # each entry's parsed tags (sidecar tags join these)
    chunks: list[bytes]  # the entries' records, PAYLOAD_CHUNK a blob (`pack_chunk`)
    indexed: list[tuple[str, str, str]]
    warnings: list[str]

    @property
    def entries(self) -> list[Entry]:
        records = [r for blob in self.chunks for r in unpack_chunk(blob)]
        return [unpack_entry((eid, c[0], c[1], c[3]), r)
                for eid, c, r in zip(self.eids, self.columns, records, strict=True)]


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
        e.kind, e.path, e.path.lower(), e.line, e.title.casefold(), tags,
        author.lstrip("@").lower() if isinstance(author, str) else None,
        date.strip() if isinstance(date, str) and date.strip() else None,
        *(_number(e.meta.get(c)) for c in NUMERIC_COLUMNS),
    )


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
        c = filter_columns(e)
        columns_of.append((*c[:4], title, *c[4:]))
    records = [entry_record(e) for e in entries]
    chunks = [pack_chunk(records[i : i + PAYLOAD_CHUNK])
              for i in range(0, len(records), PAYLOAD_CHUNK)]
    return PreparedSource(signature, [e.id for e in entries], columns_of,
                          [tuple(e.tags) for e in entries], chunks, indexed, warnings)
