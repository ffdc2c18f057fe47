"""Read Hugo/Jekyll style front matter without trusting it.

Front matter is hand-written. YAML is read by a real, safe YAML parser with YAML
1.2 scalar rules (`yaml_fm`), so everything valid reads exactly as Hugo or
Obsidian read it: multi-line plain scalars, lists of mappings, anchors/aliases.
What the library rejects (a colon in an unquoted title, an unclosed list, a
duplicate key) is read again by the forgiving subset parser (`yaml_lenient`), which keeps
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
from tui.core.ingest.yaml_lenient import YAML_KEY, LenientYamlParser
from tui.core.text.toml_position import toml_error_position

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

LENIENT = "not valid YAML, read leniently"
_YAML_FENCE = "---"
_YAML_CLOSERS = ("---", "...")
_TOML_FENCE = "+++"


def tag_name(written: str) -> str:
    """A front-matter tag as written, as the tag it names: `"#hashy"` is hashy."""
    return written.strip().lstrip("#").strip()


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
        """Tags as a clean list: blanks dropped, `"a, b"` split, a leading `#` dropped
        (`- "#hashy"` is the tag hashy, as Obsidian reads it), order kept."""
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
            text = tag_name(str(item))
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
    return YAML_KEY.match(line.rstrip()) is not None


def _parse_yaml(body: list[str], result: FrontMatter) -> None:
    """The YAML library first; the forgiving reader (with a warning) only if it refuses."""
    try:
        result.fields = load_yaml_mapping("\n".join(body))
        return
    except YamlProblem as problem:
        rejected = problem
    parser = LenientYamlParser(body, first_line=2)
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
