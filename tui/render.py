"""Turn entries and hits into Rich `Text` for the results list and the preview.

User text is data: everything is appended as plain strings (never parsed as
console markup) after `printable` replaced control characters, and styles are
applied by offsets. Markdown is rendered line for line so a source line stays
one display line, which keeps "scroll to the match" exact.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rich.text import Text

from tui.core.entry import Entry
from tui.core.search import SearchHit, find_all, merge_spans
from tui.core.textfold import fold
from tui.core.textsafe import one_line, printable

KIND_BADGES = {"note": ("N", "bold #7aa2f7"), "section": ("§", "bold #9ece6a"),
               "tweet": ("T", "bold #7dcfff"), "key": ("K", "bold #e0af68")}
MATCH_STYLE = "bold reverse"
MAX_LINE_CHARS = 2000
MAX_PREVIEW_LINES = 3000

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^(\s*)([-*+])\s+")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_CODE = re.compile(r"`([^`]+)`")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_FENCE = re.compile(r"^\s*(```|~~~)")


def _styled(text: str, spans: Sequence[tuple[int, int]], style: str = MATCH_STYLE) -> Text:
    """Control-safe `Text` of `text` with `spans` styled (spans index `text`)."""
    out = Text(no_wrap=True, overflow="ellipsis")
    pos = 0
    for start, end in spans:
        if start < pos or start >= len(text):
            continue
        out.append(one_line(text[pos:start]))
        out.append(one_line(text[start:end]), style=style)
        pos = end
    out.append(one_line(text[pos:]))
    return out


def tweet_meta(entry: Entry) -> str:
    """`@author · 2024-04-17 · ♥ 1,248` for a tweet row."""
    meta = entry.meta
    parts = []
    if meta.get("author"):
        parts.append(f"@{meta['author']}")
    if meta.get("date"):
        parts.append(str(meta["date"])[:10])
    if isinstance(meta.get("likes"), int):
        parts.append(f"♥ {meta['likes']:,}")
    return " · ".join(parts)


def result_row(
    hit: SearchHit, marked: bool = False, match_style: str = MATCH_STYLE, width: int = 0
) -> Text:
    """Two lines: badge + highlighted title + tags; location or tweet meta + snippet.

    Each line is cut to `width` cells (with an ellipsis) so a row never wraps.
    """
    entry = hit.entry
    badge, badge_style = KIND_BADGES.get(entry.kind, ("?", "bold"))
    row = Text(no_wrap=True, overflow="ellipsis")
    row.append("● " if marked else "  ", style="bold magenta")
    row.append(badge, style=badge_style)
    row.append(" ")
    row.append_text(_styled(entry.title or "(untitled)", hit.title_spans, match_style))
    if entry.tags:
        row.append("  " + " ".join(f"#{one_line(t)}" for t in entry.tags[:6]), style="italic")
    if hit.partial:
        row.append("  ~partial", style="dim italic")
    detail = Text("    ", no_wrap=True, overflow="ellipsis")
    if entry.kind == "tweet":
        detail.append(one_line(tweet_meta(entry)), style="dim")
    else:
        where = f"{entry.path}:{hit.match_line}"
        trail = entry.breadcrumb.split(" › ", 1)[1] if " › " in entry.breadcrumb else ""
        if trail and trail != entry.title:
            where = f"{trail}  {where}"
        detail.append(one_line(where), style="dim")
    title_head = one_line(entry.title).rstrip("…")
    snippet_line = one_line(hit.snippet).lstrip("…").lstrip("# ")
    repeats_title = snippet_line.startswith(title_head) or title_head.startswith(snippet_line)
    if snippet_line and not repeats_title:
        detail.append("  ")
        detail.append_text(_styled(hit.snippet, hit.snippet_spans, match_style))
    if width > 0:
        row.truncate(width, overflow="ellipsis")
        detail.truncate(width, overflow="ellipsis")
    row.append("\n")
    row.append_text(detail)
    return row


def _term_spans(folded_line: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    return merge_spans([span for term in terms for span in find_all(folded_line, term, 200)])


def _markdown_line(line: str, in_code: bool) -> tuple[str, list[tuple[int, int, str]]]:
    """Light markdown: the shown text (markers kept where dropping them would shift spans)."""
    styles: list[tuple[int, int, str]] = []
    if in_code:
        return line, [(0, len(line), "on #1f2335")]
    heading = _HEADING.match(line)
    if heading:
        level = len(heading.group(1))
        return line, [(0, len(line), "bold #bb9af7" if level <= 2 else "bold #7aa2f7")]
    for pattern, style in ((_BOLD, "bold"), (_CODE, "#e0af68"), (_LINK, "underline #7dcfff")):
        for m in pattern.finditer(line):
            styles.append((m.start(), m.end(), style))
    bullet = _BULLET.match(line)
    if bullet:
        styles.append((bullet.start(2), bullet.end(2), "bold #9ece6a"))
    return line, styles


def preview_text(
    entry: Entry,
    terms: Sequence[str] = (),
    match_line: int | None = None,
    match_style: str = MATCH_STYLE,
) -> tuple[Text, int]:
    """The preview body and the character offset where the match line starts."""
    out = Text()
    out.append(printable(entry.title or "(untitled)"), style="bold")
    out.append("\n")
    where = f"{entry.path}:{entry.line}"
    if entry.breadcrumb:
        where = f"{entry.breadcrumb}   {where}"
    out.append(one_line(where), style="dim")
    if entry.tags:
        out.append("   " + " ".join(f"#{one_line(t)}" for t in entry.tags), style="italic")
    out.append("\n")
    if entry.kind == "tweet":
        _tweet_card(out, entry)
    out.append("\n")
    lines = entry.text.split("\n")
    first = _tweet_body_start(lines) if entry.kind == "tweet" else 0
    markdown = entry.path.lower().endswith((".md", ".markdown"))
    in_code = False
    match_row = 0
    cut = len(lines) > MAX_PREVIEW_LINES
    for index, raw in enumerate(lines[:MAX_PREVIEW_LINES]):
        if index < first:
            continue
        line = raw.rstrip("\r")
        extra = ""
        if len(line) > MAX_LINE_CHARS:
            extra = f" …[+{len(line) - MAX_LINE_CHARS} chars]"
            line = line[:MAX_LINE_CHARS]
        fence = bool(_FENCE.match(line))
        styles = []
        if markdown:
            _, styles = _markdown_line(line, in_code or fence)
        if fence:
            in_code = not in_code
        line_text = Text(one_line(line).replace("\t", "    "))
        for start, end, style in styles:
            line_text.stylize(style, start, end)
        for start, end in _term_spans(fold(line), terms):
            line_text.stylize(match_style, start, end)
        is_match = match_line is not None and entry.line + index == match_line
        if is_match:
            match_row = len(out.plain)
            line_text.stylize("on #2a2f45")
        out.append_text(line_text)
        if extra:
            out.append(extra, style="dim italic")
        out.append("\n")
    if cut:
        out.append(f"… {len(lines) - MAX_PREVIEW_LINES} more lines not shown\n", style="dim italic")
    return out, match_row


_TWEET_HEADER = re.compile(
    r"^\s*(?:#{1,6}\s*\d+\s*$|(?:作者|时间|時間|链接|鏈接|互动|互動|Author|Date|Link|Likes|"
    r"Engagement|Stats)\s*[:：])",
    re.IGNORECASE,
)


def _tweet_body_start(lines: list[str]) -> int:
    """First line after a digest tweet's `### N` and label lines (the card shows those)."""
    index = 0
    while index < len(lines) and (not lines[index].strip() or _TWEET_HEADER.match(lines[index])):
        index += 1
    return index if index < len(lines) else 0


def _tweet_card(out: Text, entry: Entry) -> None:
    meta = entry.meta
    out.append(one_line(tweet_meta(entry)) or "tweet", style="bold #7dcfff")
    counts = []
    for key, label in (("retweets", "⟲"), ("replies", "↩"), ("quotes", "❝")):
        if isinstance(meta.get(key), int):
            counts.append(f"{label} {meta[key]:,}")
    if counts:
        out.append("   " + "  ".join(counts), style="dim")
    out.append("\n")
    if meta.get("url"):
        out.append(one_line(str(meta["url"])), style="underline #7dcfff")
        out.append("\n")
