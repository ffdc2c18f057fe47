"""The forgiving YAML subset reader for front matter the YAML library rejects.

Hand-written front matter breaks YAML in ordinary ways (a colon in an unquoted
title, an unclosed list, a duplicate key). Rather than lose the note's fields,
`frontmatter` reads such a block again with this parser, which keeps going past
each problem and records it, so the user sees a warning with a line number.
"""

from __future__ import annotations

import re
from typing import Any

YAML_KEY = re.compile(
    r"""^(?:"([^"]*)"|'([^']*)'|([^\s#'"\-\[{][^:]*?|-[^\s:][^:]*?))\s*:(?:\s+(.*)|)$"""
)
_INT_RE = re.compile(r"^[-+]?\d+$")
_FLOAT_RE = re.compile(r"^[-+]?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?$")
_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "0": "\0",
    '"': '"',
    "\\": "\\",
    "/": "/",
    " ": " ",
    "a": "\a",
    "b": "\b",
    "e": "\x1b",
    "f": "\f",
    "v": "\v",
}


class LenientYamlParser:
    """A forgiving parser for the YAML people put in front matter (the fallback).

    Supports `key: value` mappings (nested by indentation), block lists,
    flow lists, quoted and plain scalars, block scalars and comments. Tags and
    anchors are kept as plain text; nothing is ever constructed or executed.
    """

    def __init__(self, lines: list[str], first_line: int) -> None:
        self.lines = lines
        self.first_line = first_line
        self.pos = 0
        self.errors: list[tuple[int, str]] = []

    def error(self, index: int, message: str) -> None:
        self.errors.append((index + self.first_line, message))

    def parse(self) -> dict[str, Any]:
        return self.parse_mapping(0)

    def _skip_blank(self) -> None:
        while self.pos < len(self.lines):
            stripped = self.lines[self.pos].strip()
            if stripped and not stripped.startswith("#"):
                return
            self.pos += 1

    @staticmethod
    def _indent(line: str) -> int:
        return len(line) - len(line.lstrip(" "))

    def parse_mapping(self, indent: int) -> dict[str, Any]:
        mapping: dict[str, Any] = {}
        while True:
            self._skip_blank()
            if self.pos >= len(self.lines):
                return mapping
            line = self.lines[self.pos]
            cur = self._indent(line)
            if cur < indent:
                return mapping
            index = self.pos
            if cur > indent:
                self.error(index, "unexpected indentation")
                self.pos += 1
                continue
            match = YAML_KEY.match(line[cur:].rstrip())
            if match is None:
                self.error(index, f"cannot parse {line.strip()[:40]!r}")
                self.pos += 1
                continue
            key = next(g for g in match.groups()[:3] if g is not None).strip()
            raw = match.group(4) or ""
            self.pos += 1
            value = self.parse_value(raw, indent, index)
            if key in mapping:
                self.error(index, f"duplicate key {key!r} (first value kept)")
                continue
            mapping[key] = value

    def parse_value(self, raw: str, indent: int, index: int) -> Any:
        raw = raw.strip()
        if raw.startswith("&"):  # anchor: drop the name, keep the value
            raw = raw.partition(" ")[2].strip()
        if not raw or raw.startswith("#"):
            return self.parse_nested(indent)
        if raw[0] in "|>" and re.fullmatch(r"[|>][+-]?\d?\s*(#.*)?", raw):
            return self.parse_block_scalar(raw[0], indent)
        if raw[0] in "[{":
            return self.parse_flow(raw, index)
        return self.parse_scalar(raw, index)

    def parse_nested(self, indent: int) -> Any:
        """An empty value followed by an indented list or mapping (or nothing)."""
        self._skip_blank()
        if self.pos >= len(self.lines):
            return None
        line = self.lines[self.pos]
        cur = self._indent(line)
        stripped = line.strip()
        if stripped.startswith("-") and (stripped == "-" or stripped[1] == " ") and cur >= indent:
            return self.parse_block_list(cur)
        if cur > indent:
            return self.parse_mapping(cur)
        return None

    def parse_block_list(self, indent: int) -> list[Any]:
        items: list[Any] = []
        while True:
            self._skip_blank()
            if self.pos >= len(self.lines):
                return items
            line = self.lines[self.pos]
            cur = self._indent(line)
            stripped = line.strip()
            if cur != indent or not (stripped == "-" or stripped.startswith("- ")):
                return items
            index = self.pos
            self.pos += 1
            item = stripped[1:].strip()
            if YAML_KEY.match(item) and not item.startswith(("'", '"')):
                # `- key: value` starts a mapping inside the list: keep it raw.
                items.append(item)
                continue
            items.append(self.parse_value(item, indent, index))

    def parse_block_scalar(self, style: str, indent: int) -> str:
        collected: list[str] = []
        block_indent: int | None = None
        while self.pos < len(self.lines):
            line = self.lines[self.pos]
            if line.strip():
                cur = self._indent(line)
                if cur <= indent:
                    break
                if block_indent is None:
                    block_indent = cur
                collected.append(line[min(cur, block_indent) :])
            else:
                collected.append("")
            self.pos += 1
        while collected and not collected[-1]:
            collected.pop()
        if style == "|":
            return "\n".join(collected) + "\n"
        return " ".join(part for part in collected if part) + "\n"

    def parse_flow(self, raw: str, index: int) -> Any:
        """A `[...]` or `{...}` value, possibly continued on following lines."""
        text = raw
        while not _flow_closed(text):
            if self.pos >= len(self.lines) or (
                self.lines[self.pos].strip()
                and self._indent(self.lines[self.pos]) == 0
                and YAML_KEY.match(self.lines[self.pos].rstrip())
            ):
                self.error(index, f"unclosed {text[0]!r}")
                break
            text += " " + self.lines[self.pos].strip()
            self.pos += 1
        if text[0] == "{":
            return text
        items, rest = _parse_flow_list(text, 0)
        if rest.strip() and not rest.strip().startswith("#"):
            self.error(index, f"unexpected text after list: {rest.strip()[:30]!r}")
        return items

    def parse_scalar(self, raw: str, index: int) -> Any:
        if raw[0] in "'\"":
            value, rest = _parse_quoted(raw)
            if value is None:
                self.error(index, "unclosed quoted string")
                return raw[1:]
            rest = rest.strip()
            if rest and not rest.startswith("#"):
                # e.g. `title: 'a' b`: not valid YAML; keep everything as text.
                self.error(index, f"unexpected text after quoted string: {rest[:30]!r}")
                return raw
            return value
        return _plain_scalar(raw)


def _flow_closed(text: str) -> bool:
    depth = 0
    quote = ""
    i = 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\" and quote == '"':
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
            if depth == 0:
                return True
        elif ch == "#" and i > 0 and text[i - 1] == " ":
            break
        i += 1
    return depth <= 0


def _parse_flow_list(text: str, start: int) -> tuple[list[Any], str]:
    """Parse `[a, "b", [c], ]` from text[start]; returns (items, text after `]`)."""
    items: list[Any] = []
    i = start + 1
    current = ""
    had_item = False
    while i < len(text):
        ch = text[i]
        if ch in "'\"" and not current.strip():
            value, rest = _parse_quoted(text[i:])
            if value is None:
                return [*items, text[i + 1 :]], ""
            items.append(value)
            had_item = True
            i = len(text) - len(rest)
            continue
        if ch == "[" and not current.strip():
            nested, rest = _parse_flow_list(text, i)
            items.append(nested)
            had_item = True
            i = len(text) - len(rest)
            continue
        if ch in ",]":
            if current.strip():
                items.append(_plain_scalar(current.strip()))
            elif not had_item and ch == ",":
                items.append(None)  # `[, a]`: an empty item
            current = ""
            had_item = False
            if ch == "]":
                return items, text[i + 1 :]
            i += 1
            continue
        current += ch
        i += 1
    if current.strip():
        items.append(_plain_scalar(current.strip()))
    return items, ""


def _parse_quoted(text: str) -> tuple[str | None, str]:
    """Parse a quoted scalar at the start of `text`; (None, text) if unclosed."""
    quote = text[0]
    out: list[str] = []
    i = 1
    while i < len(text):
        ch = text[i]
        if quote == "'":
            if ch == "'":
                if text[i + 1 : i + 2] == "'":
                    out.append("'")
                    i += 2
                    continue
                return "".join(out), text[i + 1 :]
            out.append(ch)
            i += 1
            continue
        if ch == '"':
            return "".join(out), text[i + 1 :]
        if ch == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            width = {"x": 2, "u": 4, "U": 8}.get(nxt)
            if width:
                digits = text[i + 2 : i + 2 + width]
                try:
                    out.append(chr(int(digits, 16)))
                    i += 2 + width
                    continue
                except ValueError:
                    pass
            out.append(_ESCAPES.get(nxt, "\\" + nxt))
            i += 2
            continue
        out.append(ch)
        i += 1
    return None, text


def _plain_scalar(raw: str) -> Any:
    """Resolve a plain scalar: strip ` #` comments, map true/false/null/numbers."""
    comment = raw.find(" #")
    if comment >= 0:
        raw = raw[:comment]
    raw = raw.strip()
    lowered = raw.lower()
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    if lowered in ("null", "~", ""):
        return None
    if _INT_RE.match(raw):
        try:
            return int(raw)
        except ValueError:
            return raw
    if _FLOAT_RE.match(raw) and not _INT_RE.match(raw):
        try:
            return float(raw)
        except ValueError:
            return raw
    return raw
