"""Read Hugo/Jekyll style front matter without trusting it.

Front matter is hand-written. YAML is read by a real, safe YAML parser with YAML
1.2 scalar rules (`yaml_fm`), so everything valid reads exactly as Hugo or
Obsidian read it: multi-line plain scalars, lists of mappings, anchors/aliases.
What the library rejects (a colon in an unquoted title, an unclosed list, a
duplicate key) is read again by the forgiving subset parser below, which keeps
going, and `error` says so, so the user sees a warning rather than losing the
note's fields. TOML goes through the standard `tomllib`.
"""

from __future__ import annotations

import datetime as _dt
import re
import sys
from dataclasses import dataclass, field
from typing import Any

from tui.core.ingest.yaml_fm import YamlProblem, load_yaml_mapping
from tui.core.text.toml_position import toml_error_position

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

LENIENT = "not valid YAML, read leniently"
_YAML_FENCE = "---"
_YAML_CLOSERS = ("---", "...")
_TOML_FENCE = "+++"
_KEY_RE = re.compile(
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


@dataclass(slots=True)
class FrontMatter:
    """Parsed front matter; `error` (with a 1-based file line) if it was malformed."""

    fields: dict[str, Any] = field(default_factory=dict)
    body_start_line: int = 1
    end_line: int = 0
    format: str | None = None
    error: str | None = None
    error_line: int | None = None

    @property
    def title(self) -> str | None:
        """The `title` field as text, or None when absent or blank."""
        value = self.fields.get("title")
        if value is None or isinstance(value, (list, dict)):
            return None
        text = str(value).strip()
        return text or None

    @property
    def date(self) -> str | None:
        """The `date` as an ISO string; an unparseable date is kept verbatim."""
        value = self.fields.get("date")
        if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
            return value.isoformat()
        if value is None or isinstance(value, (list, dict)):
            return None
        text = str(value).strip()
        return text or None

    @property
    def tags(self) -> list[str]:
        """Tags as a clean list: blanks dropped, `"a, b"` split, order kept."""
        value = self.fields.get("tags")
        if value is None:
            return []
        items = value.split(",") if isinstance(value, str) else value
        if not isinstance(items, list):
            items = [items]
        out: list[str] = []
        for item in items:
            if item is None or isinstance(item, (list, dict)):
                continue
            text = str(item).strip()
            if text and text not in out:
                out.append(text)
        return out

    @property
    def draft(self) -> bool | None:
        """The `draft` flag; None when absent or not a recognisable boolean."""
        value = self.fields.get("draft")
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "yes"):
            return True
        if isinstance(value, str) and value.strip().lower() in ("false", "no"):
            return False
        return None

    @property
    def description(self) -> str | None:
        """The `description` (or `summary`) field, if it is text."""
        for key in ("description", "summary"):
            value = self.fields.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
        return None


def parse_front_matter(text: str) -> FrontMatter:
    """Detect and parse YAML (`---`) or TOML (`+++`) front matter; never raises."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.split("\n")
    lines = [line[:-1] if line.endswith("\r") else line for line in lines]
    first = lines[0].rstrip() if lines else ""
    if first == _YAML_FENCE:
        closers: tuple[str, ...] = _YAML_CLOSERS
        fmt = "yaml"
    elif first == _TOML_FENCE:
        closers = (_TOML_FENCE,)
        fmt = "toml"
    else:
        return FrontMatter()
    close = next(
        (i for i in range(1, len(lines)) if lines[i].rstrip() in closers),
        None,
    )
    if close is None:
        # A lone `---` may simply be a thematic break; only complain when the
        # next line looks like a key, i.e. front matter was clearly intended.
        if len(lines) > 1 and _looks_like_key(lines[1], fmt):
            return FrontMatter(
                format=fmt,
                error="line 1: front matter opened here is never closed",
                error_line=1,
            )
        return FrontMatter()
    body = lines[1:close]
    result = FrontMatter(body_start_line=close + 2, end_line=close + 1, format=fmt)
    try:
        if fmt == "toml":
            _parse_toml(body, result)
        else:
            _parse_yaml(body, result)
    except Exception as exc:  # the parser is ours; still never let it crash a scan
        result.error = f"line 2: front matter could not be parsed ({exc})"
        result.error_line = 2
    return result


def _looks_like_key(line: str, fmt: str) -> bool:
    if fmt == "toml":
        return re.match(r"^\s*[\w\"'.-]+\s*=", line) is not None
    return _KEY_RE.match(line.rstrip()) is not None


def _parse_yaml(body: list[str], result: FrontMatter) -> None:
    """The YAML library first; the forgiving reader (with a warning) only if it refuses."""
    try:
        result.fields = load_yaml_mapping("\n".join(body))
        return
    except YamlProblem as problem:
        rejected = problem
    parser = _YamlParser(body, first_line=2)
    result.fields = parser.parse()
    if parser.errors:
        result.error_line, message = parser.errors[0]
    else:
        result.error_line = min(rejected.line, max(len(body) - 1, 0)) + 2
        message = rejected.message
    result.error = f"line {result.error_line}: {message}; {LENIENT}"


def _parse_toml(body: list[str], result: FrontMatter) -> None:
    try:
        result.fields = tomllib.loads("\n".join(body))
    except tomllib.TOMLDecodeError as exc:
        inner_line, _, message = toml_error_position(exc)
        line = inner_line + 1 if inner_line is not None else 2  # +1: the `+++` fence
        result.error = f"line {line}: {message}"
        result.error_line = line


class _YamlParser:
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
            match = _KEY_RE.match(line[cur:].rstrip())
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
            if _KEY_RE.match(item) and not item.startswith(("'", '"')):
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
                and _KEY_RE.match(self.lines[self.pos].rstrip())
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
