"""Where in a TOML file something is: the line and column a user's editor jumps to.

tomllib gives positions only for syntax errors (in its message text), never for
keys or values, yet every config, keymap and theme problem must name
`file:line:col`. This module is the one place that finds them, by scanning the
file text: `TomlLocator` knows the table headers (skipping strings, comments and
brackets inside values), the keys and values inside a table or an inline table,
the N-th `[[array]]` table and the N-th `{ … }` of an array.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from pathlib import Path

_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
# One key of a dotted key path: "quoted", 'literal' or bare.
_SEGMENT = re.compile(r"""\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*""")
_HEADER = re.compile(r"[ \t]*(\[\[?)(.*?)(\]\]?)[ \t]*(?:#.*)?$")

# A (start, end) range of offsets in the file text.
Span = tuple[int, int]


def toml_error_position(exc: Exception) -> tuple[int | None, int | None, str]:
    """(line, column, message) of a TOML syntax error; tomllib puts the position in text."""
    text = str(exc)
    match = _TOML_POSITION.search(text)
    message = _TOML_POSITION.sub("", text).strip()
    if match is None:
        return None, None, message
    return int(match.group(1)), int(match.group(2)), message


def parse_key_path(text: str, pos: int = 0) -> tuple[list[str], int, int] | None:
    """Split the dotted TOML key at `text[pos:]`: (segments, key offset, end offset)."""
    segments: list[str] = []
    start = -1
    while True:
        match = _SEGMENT.match(text, pos)
        if not match:
            return None
        if start < 0:
            start = match.start() + len(match.group(0)) - len(match.group(0).lstrip())
        segments.append(next(g for g in match.groups() if g is not None))
        pos = match.end()
        if pos < len(text) and text[pos] == ".":
            pos += 1
            continue
        return segments, start, pos


class TomlLocator:
    """Offsets of TOML tables, keys and values in a file's text, for `file:line:col`."""

    def __init__(self, path: Path | str, text: str) -> None:
        self.path = path
        self.text = text
        self.line_starts = [0, *(m.end() for m in re.finditer("\n", text))]
        # (offset of the header's line, is an [[array]] table, its key path)
        self.headers: list[tuple[int, bool, tuple[str, ...]]] = []
        self._scan_headers()

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of an offset."""
        line = bisect.bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def where(self, offset: int | None) -> str:
        """`file:line:col` (1-based) for an offset; the file's start when unknown."""
        if offset is None:
            return f"{self.path}:1:1"
        line, column = self.line_col(offset)
        return f"{self.path}:{line}:{column}"

    def header_names(self) -> list[tuple[int, str]]:
        """(offset, dotted name) of every header, `a."b"` read as `a.b`."""
        return [(offset, ".".join(path)) for offset, _, path in self.headers]

    # -- headers and spans -----------------------------------------------------------------

    def _skip_string(self, i: int) -> int:
        text, quote = self.text, self.text[i]
        if text.startswith(quote * 3, i):
            end = text.find(quote * 3, i + 3)
            return len(text) if end < 0 else end + 3
        j = i + 1
        while j < len(text) and text[j] not in (quote, "\n"):
            j += 2 if quote == '"' and text[j] == "\\" else 1
        return j + 1

    def _scan_headers(self) -> None:
        text, i, depth = self.text, 0, 0
        while i < len(text):
            ch = text[i]
            if ch == "#":
                end = text.find("\n", i)
                i = len(text) if end < 0 else end
                continue
            if ch in "\"'":
                i = self._skip_string(i)
                continue
            line_start = text.rfind("\n", 0, i) + 1
            if ch == "[" and depth == 0 and not text[line_start:i].strip():
                line_end = text.find("\n", i)
                line_end = len(text) if line_end < 0 else line_end
                match = _HEADER.match(text, line_start, line_end)
                if match and len(match.group(1)) == len(match.group(3)):
                    parsed = parse_key_path(match.group(2))
                    path = tuple(parsed[0]) if parsed else (match.group(2).strip(),)
                    self.headers.append((line_start, match.group(1) == "[[", path))
                    i = line_end
                    continue
            if ch in "[{":
                depth += 1
            elif ch in "]}":
                depth = max(0, depth - 1)
            i += 1

    def _span_from(self, index: int) -> Span:
        start = self.headers[index][0]
        end = self.headers[index + 1][0] if index + 1 < len(self.headers) else len(self.text)
        return start, end

    def top(self) -> Span:
        """Before the first header: top-level keys."""
        return 0, self.headers[0][0] if self.headers else len(self.text)

    def section(self, name: str) -> Span | None:
        """The `[name]` table (`name` dotted)."""
        for index, (_, is_array, path) in enumerate(self.headers):
            if ".".join(path) == name and not is_array:
                return self._span_from(index)
        return None

    def array_tables(self, name: str) -> list[Span]:
        """Each `[[name]]` table, in order."""
        return [
            self._span_from(index)
            for index, (_, is_array, path) in enumerate(self.headers)
            if ".".join(path) == name and is_array
        ]

    # -- keys and values ---------------------------------------------------------------------

    def key_path(self, path: Sequence[str], *, value: bool) -> int | None:
        """Offset of the first `[path]` header, or of the key `path` (or its value).

        The key may be written in its table (`[colors]` then `primary = …`) or
        dotted (`colors.primary = …`); a header points at its `[`.
        """
        wanted = list(path)
        tables: list[tuple[list[str], Span]] = [([], self.top())]
        for index, (_, _, header) in enumerate(self.headers):
            tables.append((list(header), self._span_from(index)))
        for table, (start, end) in tables:
            if table and table == wanted:
                return start + len(self.text[start:end]) - len(self.text[start:end].lstrip())
            found = self._assignment(table, wanted, start, end, value=value)
            if found is not None:
                return found
        return None

    def _assignment(
        self, table: list[str], wanted: list[str], start: int, end: int, *, value: bool
    ) -> int | None:
        """The first line `key = …` in [start, end) whose key completes `table` to `wanted`."""
        if table != wanted[: len(table)]:
            return None
        lines = self.text[start:end].split("\n")
        offset = start
        for index, line in enumerate(lines):
            if index == 0 and table:  # the header's own line
                offset += len(line) + 1
                continue
            parsed = parse_key_path(line)
            if parsed and parsed[2] < len(line) and line[parsed[2]] == "=":
                segments, key_col, key_end = parsed
                if table + segments == wanted:
                    if not value:
                        return offset + key_col
                    after = key_end + 1
                    return offset + after + len(line[after:]) - len(line[after:].lstrip())
            offset += len(line) + 1
        return None

    def field(self, span: Span | None, name: str) -> int | None:
        """Offset of the value of `name = …` inside `span` (a table or an inline table)."""
        match = self._field_match(span, name)
        return match.end() if match else None

    def field_name(self, span: Span | None, name: str) -> int | None:
        """Offset of the key `name` itself inside `span` (for unknown keys)."""
        match = self._field_match(span, name)
        return match.start(1) if match else None

    def _field_match(self, span: Span | None, name: str) -> re.Match[str] | None:
        if span is None:
            return None
        quoted = re.escape(name)
        pattern = re.compile(
            rf"""(?:^|(?<=[{{,]))[ \t]*((?:{quoted}|"{quoted}"|'{quoted}'))[ \t]*=[ \t]*""",
            re.MULTILINE,
        )
        return pattern.search(self.text, span[0], span[1])

    def value_span(self, span: Span | None, name: str) -> Span | None:
        """From the value of `name = …` to the end of `span`."""
        start = self.field(span, name)
        return (start, span[1]) if start is not None and span is not None else None

    def first_of(self, needles: Sequence[str], span: Span | None = None) -> int | None:
        """Offset of the first needle found in `span` (the whole text when None)."""
        start, end = span if span is not None else (0, len(self.text))
        for needle in needles:
            found = self.text.find(needle, start, end)
            if found >= 0:
                return found
        return None

    def string(self, span: Span | None, value: str) -> int | None:
        """Offset of the opening quote of the string `value` (or its bare text) in `span`."""
        return self.first_of((f'"{value}"', f"'{value}'", value), span)

    def array_items(self, span: Span | None, name: str) -> list[Span]:
        """The inline tables `{ … }` directly inside the array `name = [ … ]` in `span`."""
        start = self.field(span, name)
        if start is None or start >= len(self.text) or self.text[start] != "[":
            return []
        items: list[Span] = []
        stack: list[str] = []
        i = start
        while i < len(self.text):
            ch = self.text[i]
            if ch == "#":
                end = self.text.find("\n", i)
                i = len(self.text) if end < 0 else end
                continue
            if ch in "\"'":
                i = self._skip_string(i)
                continue
            if ch in "[{":
                if ch == "{" and stack == ["["]:
                    items.append((i, i))
                stack.append(ch)
            elif ch in "]}":
                if stack:
                    stack.pop()
                if ch == "}" and stack == ["["] and items:
                    items[-1] = (items[-1][0], i + 1)
                if not stack:
                    break
            i += 1
        return items
