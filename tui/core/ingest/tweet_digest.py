"""Tweet digests: markdown files of `### N` blocks, each one tweet with labelled metadata.

A digest looks like::

    ### 183

    作者: @someone
    时间: 2024-04-17
    链接: https://x.com/someone/status/1780730292837507092
    互动: Likes: 1,248; Retweets: 72; Replies: 132; Quotes: 12

    English text...

    中文翻译……

English labels (`Author:`, `Date:`, `Link:`, `Likes:`, `Engagement:`) work the same way.
Each block becomes one "tweet" entry whose id is built from the status id in its link, so
tags attached to a tweet survive tweets being inserted or renumbered above it.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import PurePosixPath

from tui.core.ingest.entry import Entry, number_repeated_ids

__all__ = ["extract_digest_tweets", "first_line_title", "normalize_date", "parse_count"]

TITLE_LIMIT = 100
# Labels must appear within this many lines after the `### N` heading.
_LABEL_WINDOW = 12

_ISO_DAY_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_BLOCK_RE = re.compile(r"^###[ \t]+(\d+)[ \t]*#*[ \t]*$")
# In "\n" + a whole text: anchored on newlines, the search skips to each (a `^` in
# MULTILINE mode is tried at every character).
_ANY_BLOCK_RE = re.compile(r"\n###[ \t]+(\d+)[ \t]*#*[ \t]*$", re.MULTILINE)
_HEADING_RE = re.compile(r"^(#{1,6})(?:[ \t]|$)")
_FENCE_RE = re.compile(r"^[ \t]{0,3}(```|~~~)")
_LABEL_RE = re.compile(
    r"^[ \t]*[-*]?[ \t]*\**(作者|时间|時間|日期|链接|鏈接|連結|网址|互动|互動|数据|"
    r"author|by|date|time|posted|link|url|engagement|stats|metrics|"
    r"likes|retweets|reposts|replies|quotes|views|bookmarks)\**[ \t]*[:：]\**[ \t]*(.*)$",
    re.IGNORECASE,
)
_COUNT_RE = re.compile(
    r"(likes|retweets|reposts|replies|quotes|views|bookmarks|点赞|转发|回复|引用)"
    r"\**[ \t]*[:：=]?[ \t]*"
    r"([0-9][0-9,.]*[ \t]*[kKmM万萬]?)",
    re.IGNORECASE,
)
_COUNT_VALUE_RE = re.compile(r"\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*([kKmM万萬]?)")
# Lines `_block_starts` looks at (a heading or a fence), after a newline of "\n" + text.
_MARK_LINE_RE = re.compile(r"\n(?:#|[ \t]{0,3}(?:```|~~~))")
_STATUS_URL_RE = re.compile(
    r"https?://(?:www\.|mobile\.)?(?:x|twitter)\.com/([A-Za-z0-9_]+)/status(?:es)?/(\d+)"
)
_ANY_URL_RE = re.compile(r"https?://[^\s<>()\[\]]+")
_HANDLE_RE = re.compile(r"@([A-Za-z0-9_]{1,30})")
_RULE_RE = re.compile(r"^[ \t]*([-*_])(?:[ \t]*\1){2,}[ \t]*$")

_AUTHOR_LABELS = {"作者", "author", "by"}
_DATE_LABELS = {"时间", "時間", "日期", "date", "time", "posted"}
_LINK_LABELS = {"链接", "鏈接", "連結", "网址", "link", "url"}
_COUNT_NAMES = {
    "likes": "likes",
    "点赞": "likes",
    "retweets": "retweets",
    "reposts": "retweets",
    "转发": "retweets",
    "replies": "replies",
    "回复": "replies",
    "quotes": "quotes",
    "引用": "quotes",
}
_MULTIPLIERS = {"k": 1_000, "m": 1_000_000, "万": 10_000, "萬": 10_000}


def parse_count(text: str | int | None) -> int:
    """Turn an engagement count as people write it (`1,136`, `1.2K`, `3万`) into an int.

    Digests and archives disagree on number formats; sorting by likes needs real ints.
    Anything unreadable counts as 0 rather than failing the whole file.
    """
    if isinstance(text, int):
        return text
    if not text:
        return 0
    match = _COUNT_VALUE_RE.match(str(text))
    if not match:
        return 0
    number = float(match.group(1).replace(",", ""))
    suffix = match.group(2).lower()
    return round(number * _MULTIPLIERS.get(suffix, 1))


def normalize_date(text: str) -> str:
    """Return an ISO 8601 form of a date as written (`2024-04-17`, `2024/4/17 08:01`, …).

    Dates are compared as strings by the query language, so they must share one shape.
    Text we cannot read is returned unchanged rather than dropped.
    """
    raw = text.strip()
    if not raw:
        return ""
    if _ISO_DAY_RE.fullmatch(raw):  # the usual shape, without strptime's cost
        try:
            return date.fromisoformat(raw).isoformat()
        except ValueError:
            return raw
    if raw[0].isalpha():
        try:
            return datetime.strptime(raw, "%a %b %d %H:%M:%S %z %Y").isoformat()
        except ValueError:
            pass
    candidate = raw.replace("/", "-").replace(".", "-") if re.match(r"^\d{4}[/.]", raw) else raw
    candidate = re.sub(r"^(\d{4})-(\d{1,2})-(\d{1,2})", _pad_date, candidate)
    candidate = re.sub(r"[zZ]$", "+00:00", candidate)
    cn = re.match(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$", raw)
    if cn:
        candidate = f"{cn.group(1)}-{int(cn.group(2)):02d}-{int(cn.group(3)):02d}"
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", candidate):
            return datetime.strptime(candidate, "%Y-%m-%d").date().isoformat()
        return datetime.fromisoformat(candidate.replace(" ", "T", 1)).isoformat()
    except ValueError:
        return raw


def _pad_date(match: re.Match[str]) -> str:
    """Zero-pad a `2024-4-7` date so `fromisoformat` accepts it."""
    return f"{match.group(1)}-{int(match.group(2)):02d}-{int(match.group(3)):02d}"


def first_line_title(text: str, limit: int = TITLE_LIMIT) -> str:
    """The first non-blank line of `text`, cut to `limit` characters with an ellipsis.

    A tweet has no title of its own; its opening line is what a reader recognises.
    """
    for line in text.splitlines():
        stripped = line.strip()
        if stripped:
            return stripped if len(stripped) <= limit else stripped[: limit - 1].rstrip() + "…"
    return ""


def extract_digest_tweets(rel_path: str, lines: list[str]) -> list[Entry]:
    """Find every labelled `### N` tweet block in a markdown file.

    A `### N` heading without an author or link label is an ordinary numbered section
    and is left to the markdown parser.
    """
    entries: list[Entry] = []
    if _ANY_BLOCK_RE.search("\n" + "\n".join(lines)) is None:  # not a digest: most notes
        return entries
    name = PurePosixPath(rel_path).name
    starts = _block_starts(lines)
    for index, start in enumerate(starts):
        limit = starts[index + 1] if index + 1 < len(starts) else len(lines)
        entry = _parse_block(rel_path, name, lines, start, limit)
        if entry is not None:
            entries.append(entry)
    number_repeated_ids(entries)
    return entries


def _block_starts(lines: list[str]) -> list[int]:
    """0-based indexes of headings that can end a block, and of `### N` candidates.

    Returns every heading of level 2 or 3 outside code fences. Level-1 headings are
    not boundaries: in digests the only `#` lines after the file title are the titles
    of long-form tweets (X "articles"), which belong to the tweet's text.
    """
    starts: list[int] = []
    in_fence = False
    for i in _marked_lines(lines):
        line = lines[i]
        if _FENCE_RE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        match = _HEADING_RE.match(line)
        if match and len(match.group(1)) in (2, 3):
            starts.append(i)
    return starts


def _marked_lines(lines: list[str]) -> list[int]:
    """0-based indexes of the lines starting with `#` or a fence, in order: one search
    of the text (a digest has tens of thousands of lines, most of them neither)."""
    text = "\n" + "\n".join(lines)
    found: list[int] = []
    index, at = -1, 0
    for match in _MARK_LINE_RE.finditer(text):
        index += text.count("\n", at, match.start() + 1)
        at = match.start() + 1
        found.append(index)
    return found


def _parse_block(
    rel_path: str, name: str, lines: list[str], start: int, limit: int
) -> Entry | None:
    """Build the entry for the block at `lines[start]`, or None if it is not a tweet."""
    head = _BLOCK_RE.match(lines[start])
    if head is None:
        return None
    number = int(head.group(1))
    labels: dict[str, str] = {}
    count_text: list[str] = []
    body_start = start + 1
    i = start + 1
    while i < limit and i <= start + _LABEL_WINDOW:
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        label = _LABEL_RE.match(line)
        if label is None:
            break
        key, value = label.group(1).lower(), label.group(2).strip()
        if key in _AUTHOR_LABELS:
            labels.setdefault("author", value)
        elif key in _DATE_LABELS:
            labels.setdefault("date", value)
        elif key in _LINK_LABELS:
            labels.setdefault("link", value)
        else:
            count_text.append(line)
        i += 1
        body_start = i
    if "author" not in labels and not _STATUS_URL_RE.search(labels.get("link", "")):
        return None

    end = limit
    while end > start + 1 and (not lines[end - 1].strip() or _RULE_RE.match(lines[end - 1])):
        end -= 1
    body = "\n".join(lines[body_start:end])
    meta = _meta(labels, " ; ".join(count_text), number)
    status_id = meta.pop("_status_id", "")
    entry_id = f"{rel_path}#status/{status_id}" if status_id else f"{rel_path}#tweet/{number}"
    # Long-form tweets open with a `# Title` line; the title should not carry the marks.
    title = first_line_title(body).lstrip("#").strip() or _fallback_title(meta, number)
    return Entry(
        id=entry_id,
        kind="tweet",
        title=title,
        path=rel_path,
        line=start + 1,
        end_line=max(end, start + 1),
        text="\n".join(lines[start:end]),
        tags=(),
        breadcrumb=f"{name} › #{number}",
        meta=meta,
    )


def _meta(labels: dict[str, str], count_text: str, number: int) -> dict[str, object]:
    """Turn raw label values into typed metadata (plus a private `_status_id`)."""
    link = labels.get("link", "")
    status = _STATUS_URL_RE.search(link)
    any_url = _ANY_URL_RE.search(link)
    url = status.group(0) if status else (any_url.group(0) if any_url else link)
    author_raw = labels.get("author", "")
    handle = _HANDLE_RE.search(author_raw)
    if handle:
        author = handle.group(1)
    elif author_raw:
        author = author_raw.strip().lstrip("@")
    else:
        author = status.group(1) if status else ""
    counts = {"likes": 0, "retweets": 0, "replies": 0, "quotes": 0}
    for match in _COUNT_RE.finditer(count_text):
        field = _COUNT_NAMES.get(match.group(1).lower())
        if field:
            counts[field] = parse_count(match.group(2))
    return {
        "author": author,
        "date": normalize_date(labels.get("date", "")),
        "url": url,
        **counts,
        "number": number,
        "_status_id": status.group(2) if status else "",
    }


def _fallback_title(meta: dict[str, object], number: int) -> str:
    """A title for a tweet with no text (e.g. a bare retweet): who and when."""
    parts = [f"@{meta['author']}" if meta.get("author") else "", str(meta.get("date") or "")]
    return " ".join(p for p in parts if p) or f"#{number}"
