"""Add or remove one tag in a note's front matter by editing only the tags line(s).

Notes are the user's files, so an edit must look like one a careful person
would make by hand: the `tags` line (or block) changes and nothing else does,
keeping quoting style, comments, key order and line endings. Anything we cannot
edit that precisely raises `NotEditable`; the caller then keeps the tag in the
sidecar instead. Every edit is re-parsed and checked before it is returned.
"""

from __future__ import annotations

import re

from tui.core.ingest.frontmatter import FrontMatter, parse_front_matter, tag_name

_YAML_KEY_RE = re.compile(r"""^(tags|"tags"|'tags')(\s*):(.*)$""")
_TOML_KEY_RE = re.compile(r"""^(tags|"tags"|'tags')(\s*)=(.*)$""")
_TOML_TABLE_RE = re.compile(r"^\s*\[")
_BLOCK_ITEM_RE = re.compile(r"^( *)-(?: (.*))?$")
_PLAIN_SAFE_RE = re.compile(r"[^\W\d_][\w/.+-]*")
_YAML_SPECIAL = {"true", "false", "yes", "no", "on", "off", "null", "y", "n"}


class NotEditable(Exception):
    """The front matter cannot be edited minimally; the message says why."""


def _strip_cr(line: str) -> str:
    return line[:-1] if line.endswith("\r") else line


def _eol(line: str) -> str:
    return "\r" if line.endswith("\r") else ""


def _split_comment(value: str) -> tuple[str, str]:
    """Split `value # comment` outside quotes; the comment keeps its leading space."""
    quote = ""
    for i, ch in enumerate(value):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or value[i - 1] in " \t"):
            j = i
            while j > 0 and value[j - 1] in " \t":
                j -= 1
            return value[:j], value[j:]
    return value, ""


def _item_value(raw: str) -> str:
    raw = raw.strip()
    if len(raw) >= 2 and raw[0] == raw[-1] == "'":
        return raw[1:-1].replace("''", "'")
    if len(raw) >= 2 and raw[0] == raw[-1] == '"':
        return raw[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return _split_comment(raw)[0].strip()


def _tag_key(value: str) -> str:
    """What a written tag is compared by: `"#hashy"` is the tag hashy (as front matter
    reads it, `FrontMatter.tags`), in any case."""
    return tag_name(value).casefold()


def _style(raw: str) -> str:
    raw = raw.strip()
    return raw[0] if raw[:1] in ("'", '"') else ""


def _render(tag: str, style: str, toml: bool) -> str:
    """A tag as a list item; tags never contain quotes or backslashes."""
    if toml and not style:
        style = '"'
    if not style and (
        not _PLAIN_SAFE_RE.fullmatch(tag) or tag.lower() in _YAML_SPECIAL
    ):
        style = '"'
    return f"{style}{tag}{style}"


def _split_flow(value: str) -> tuple[str, list[str], str, str, str, bool] | None:
    """Split ` [ "a", b ,] # c` into lead, items, pads, rest and trailing comma.

    None when the list has nested brackets or is not closed on this line.
    """
    lead_len = len(value) - len(value.lstrip(" \t"))
    if value[lead_len : lead_len + 1] != "[":
        return None
    inner_start = lead_len + 1
    items: list[str] = []
    current = ""
    quote = ""
    i = inner_start
    while i < len(value):
        ch = value[i]
        if quote:
            current += ch
            if ch == "\\" and quote == '"' and i + 1 < len(value):
                current += value[i + 1]
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
            current += ch
        elif ch in "[{}":
            return None
        elif ch == ",":
            items.append(current)
            current = ""
        elif ch == "]":
            trailing_comma = not current.strip() and bool(items)
            if current.strip():
                items.append(current)
            inner = value[inner_start:i]
            pad_l = inner[: len(inner) - len(inner.lstrip(" "))] if inner.strip() else ""
            pad_r = inner[len(inner.rstrip(" ")) :] if inner.strip() else ""
            return value[:lead_len], [s.strip() for s in items], pad_l, pad_r, value[i + 1 :], (
                trailing_comma
            )
        else:
            current += ch
        i += 1
    return None


def _rebuild_flow(
    old_value: str, old_items: list[str], add: str | None, remove_cf: str | None, toml: bool
) -> str:
    """The new value text (after `:`/`=`) of a one-line flow list."""
    parts = _split_flow(old_value)
    if parts is None:
        raise NotEditable("tags list spans several lines or is nested")
    lead, _, pad_l, pad_r, rest, trailing = parts
    real = [raw for raw in old_items if _item_value(raw)]
    style = next((_style(raw) for raw in old_items if raw), '"' if toml else "")
    if real:
        style = _style(real[0])
    placeholder = len(real) != len(old_items)
    items = [raw for raw in real if _tag_key(_item_value(raw)) != remove_cf]
    if add is not None:
        items.append(_render(add, style, toml))
    sep = ", "
    inner_text = old_value[old_value.index("[") + 1 :]
    if "," in inner_text and ", " not in inner_text and not placeholder:
        sep = ","
    if not items:
        return f"{lead}[]{rest}"
    comma = "," if trailing and not placeholder else ""
    return f"{lead}[{pad_l}{sep.join(items)}{comma}{pad_r}]{rest}"


def _scalar_to_flow(value: str, add: str | None, remove_cf: str | None, toml: bool) -> str:
    """`tags: a, b` or `tags = "a"` → a flow list with the same items."""
    body, comment = _split_comment(value)
    lead = body[: len(body) - len(body.lstrip(" \t"))] or " "
    style = _style(body) or ('"' if toml else "")
    names = [n.strip() for n in _item_value(body).split(",") if n.strip()]
    names = [n for n in names if _tag_key(n) != remove_cf]
    items = [_render(n, style, toml) for n in names]
    if add is not None:
        items.append(_render(add, style, toml))
    return f"{lead}[{', '.join(items)}]{comment}"


def _block_items(lines: list[str], start: int, stop: int) -> list[int]:
    """Indices of a block list's `- item` lines starting after line `start`."""
    found: list[int] = []
    indent: int | None = None
    j = start + 1
    while j < stop:
        line = _strip_cr(lines[j])
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            j += 1
            continue
        match = _BLOCK_ITEM_RE.match(line)
        if match is None or (indent is not None and len(match.group(1)) != indent):
            break
        indent = len(match.group(1))
        item = (match.group(2) or "").strip()
        if item[:1] in ("[", "{", "|", ">", "&", "*", "!") or re.match(r"^[^'\"]*:\s", item):
            raise NotEditable("tags block list holds nested values")
        found.append(j)
        j += 1
    return found


def _edit_yaml(
    lines: list[str], close: int, add: str | None, remove_cf: str | None
) -> list[str]:
    key_at = next(
        (i for i in range(1, close) if _YAML_KEY_RE.match(_strip_cr(lines[i]))), None
    )
    if key_at is None:
        if add is None:
            return lines
        eol = _eol(lines[close - 1])
        return [*lines[:close], f"tags: [{_render(add, '', False)}]{eol}", *lines[close:]]
    line = _strip_cr(lines[key_at])
    eol = _eol(lines[key_at])
    match = _YAML_KEY_RE.match(line)
    assert match is not None
    head = line[: match.start(3)]
    value = match.group(3)
    body, comment = _split_comment(value)
    if body.strip().startswith("["):
        parts = _split_flow(value)
        if parts is None:
            raise NotEditable("tags list spans several lines or is nested")
        new_value = _rebuild_flow(value, parts[1], add, remove_cf, toml=False)
        return [*lines[:key_at], head + new_value + eol, *lines[key_at + 1 :]]
    if body.strip():
        if body.strip()[0] in "{|>&*!":
            raise NotEditable("tags is not a list")
        new_value = _scalar_to_flow(value, add, remove_cf, toml=False)
        return [*lines[:key_at], head + new_value + eol, *lines[key_at + 1 :]]
    items = _block_items(lines, key_at, close)
    if not items:
        if add is None:
            return lines
        new = f"{head} [{_render(add, '', False)}]{comment}{eol}"
        return [*lines[:key_at], new, *lines[key_at + 1 :]]
    out = list(lines)
    if add is not None:
        last = items[-1]
        last_line = _strip_cr(lines[last])
        match_item = _BLOCK_ITEM_RE.match(last_line)
        assert match_item is not None
        style = _style(match_item.group(2) or "")
        new_item = f"{match_item.group(1)}- {_render(add, style, False)}{_eol(lines[last])}"
        out.insert(last + 1, new_item)
        return out
    keep = []
    for j in items:
        match_item = _BLOCK_ITEM_RE.match(_strip_cr(lines[j]))
        assert match_item is not None
        if _tag_key(_item_value(match_item.group(2) or "")) != remove_cf:
            keep.append(j)
    drop = set(items) - set(keep)
    if not keep:
        out[key_at] = f"{head} []{comment}{eol}"
    return [line for j, line in enumerate(out) if j not in drop]


def _edit_toml(
    lines: list[str], close: int, add: str | None, remove_cf: str | None
) -> list[str]:
    table_at = next(
        (i for i in range(1, close) if _TOML_TABLE_RE.match(_strip_cr(lines[i]))), close
    )
    key_at = next(
        (i for i in range(1, table_at) if _TOML_KEY_RE.match(_strip_cr(lines[i]))), None
    )
    if key_at is None:
        if add is None:
            return lines
        eol = _eol(lines[table_at - 1])
        return [*lines[:table_at], f"tags = [{_render(add, '', True)}]{eol}", *lines[table_at:]]
    line = _strip_cr(lines[key_at])
    eol = _eol(lines[key_at])
    match = _TOML_KEY_RE.match(line)
    assert match is not None
    head = line[: match.start(3)]
    value = match.group(3)
    if value.strip().startswith("["):
        parts = _split_flow(value)
        if parts is None:
            raise NotEditable("tags array spans several lines or is nested")
        new_value = _rebuild_flow(value, parts[1], add, remove_cf, toml=True)
    elif value.strip()[:1] in ('"', "'"):
        new_value = _scalar_to_flow(value, add, remove_cf, toml=True)
    else:
        raise NotEditable("tags is not an array")
    return [*lines[:key_at], head + new_value + eol, *lines[key_at + 1 :]]


def _same_except_tags(old: FrontMatter, new: FrontMatter) -> bool:
    strip = {k: v for k, v in old.fields.items() if k != "tags"}
    return strip == {k: v for k, v in new.fields.items() if k != "tags"}


def parse_exact(text: str) -> FrontMatter:
    """The front matter of `text`, or NotEditable when absent or malformed."""
    fm = parse_front_matter(text)
    if fm.format is None:
        raise NotEditable("no front matter")
    if fm.error:
        raise NotEditable(f"malformed front matter ({fm.error})")
    return fm


def edit_tags(text: str, *, add: str | None = None, remove: str | None = None) -> str:
    """`text` with `add` appended to / `remove` dropped from its front matter tags.

    `text` is decoded but keeps its original line ends (`\\r\\n` stays). Returns
    `text` itself when nothing needs to change (tag already there / absent).
    """
    fm = parse_exact(text)
    old = fm.tags
    folded = [t.casefold() for t in old]
    if add is not None and add.casefold() in folded:
        return text
    remove_cf = remove.casefold() if remove is not None else None
    if remove_cf is not None and remove_cf not in folded:
        return text
    lines = text.split("\n")
    close = fm.end_line - 1
    edit = _edit_toml if fm.format == "toml" else _edit_yaml
    new_text = "\n".join(edit(lines, close, add, remove_cf))
    expected = [t for t in old if t.casefold() != remove_cf] + ([add] if add else [])
    new_fm = parse_front_matter(new_text)
    if new_fm.error or new_fm.tags != expected or not _same_except_tags(fm, new_fm):
        raise NotEditable("the edited front matter did not read back as expected")
    return new_text
