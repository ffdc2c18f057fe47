"""The unit of search: one entry per note, section, tweet or key-table row.

Every parser produces `Entry` objects and nothing else, so the index, the search
engine, the CLI and the TUI share a single shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ENTRY_KINDS = ("note", "section", "tweet", "key")


@dataclass(slots=True)
class Entry:
    """A findable piece of a note.

    `line`/`end_line` are 1-based and inclusive, counted in the decoded text of
    the file (a CRLF file counts lines the same way as an LF one). `path` is
    relative to the notes root, POSIX style. `id` must survive unrelated edits
    elsewhere in the same file, because tags are attached to it.
    """

    id: str
    kind: str
    title: str
    path: str
    line: int
    end_line: int
    text: str
    tags: tuple[str, ...] = ()
    breadcrumb: str = ""
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class ParsedFile:
    """What a parser makes of one source: its entries and its complaints."""

    entries: list[Entry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def split_lines(text: str) -> list[str]:
    """Split decoded text into lines the way editors number them.

    Only `\\n` ends a line (a trailing `\\r` is dropped), unlike `str.splitlines`,
    which also breaks on form feeds and Unicode separators and would make our line
    numbers disagree with `vim +N`.
    """
    return [line[:-1] if line.endswith("\r") else line for line in text.split("\n")]


def number_repeated_ids(entries: list[Entry]) -> None:
    """Give repeated ids a `~2`, `~3` suffix so each row keeps its own tags.

    Two rows of one file can describe the same thing (a key bound twice, a tweet
    quoted twice); tags and frecency are keyed by id, so each needs its own.
    """
    seen: dict[str, int] = {}
    for entry in entries:
        count = seen.get(entry.id, 0) + 1
        seen[entry.id] = count
        if count > 1:
            entry.id = f"{entry.id}~{count}"
