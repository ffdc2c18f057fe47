"""Turn entries and hits into Rich `Text` for the results list and the preview.

User text is data: everything is appended as plain strings (never parsed as
console markup) after `printable` replaced control characters, and styles are
applied by offsets. Markdown is rendered line for line so a source line stays
one display line, which keeps "scroll to the match" exact.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from rich.cells import cell_len
from rich.style import Style
from rich.text import Span, Text

from tui.core.ingest.entry import Entry
from tui.core.palette import Palette, plain_palette, readable
from tui.core.search.engine import SearchHit
from tui.core.search.spans import find_all, merge_spans
from tui.core.text.fold import fold
from tui.core.text.sanitize import one_line, printable

BADGES = {"note": "N", "section": "§", "tweet": "T", "key": "K"}
MAX_LINE_CHARS = 2000
MAX_PREVIEW_LINES = 3000
MAX_HIGHLIGHT_CHARS = 30_000  # bigger code blocks stay plain: lexing would stall a keystroke

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^(\s*)([-*+])\s+")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_CODE = re.compile(r"`([^`]+)`")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})\s*([^`\s{]*)")
_PLAIN = plain_palette()


def _styled(text: str, spans: Sequence[tuple[int, int]], style: str) -> Text:
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
    hit: SearchHit,
    marked: bool = False,
    match_style: str | None = None,
    width: int = 0,
    *,
    palette: Palette | None = None,
) -> Text:
    """Two lines: badge + highlighted title + tags; location or tweet meta + snippet.

    Colours come from `palette` (the active theme; none without one); `match_style`
    overrides its match colour. Each line is cut to `width` cells (with an ellipsis)
    so a row never wraps.
    """
    row, detail = result_row_lines(hit, marked, match_style, width, palette=palette)
    row.append("\n")
    row.append_text(detail)
    return row


def tags_not_in(title: str, tags: tuple[str, ...] | list[str]) -> list[str]:
    """The tags a row must add: a heading written `Rust book #rust` already shows `#rust`."""
    if "#" not in title:
        return list(tags)
    return [tag for tag in tags if not _written_in(tag, title)]


def _written_in(tag: str, title: str) -> bool:
    pattern = rf"(?<![A-Za-z0-9_#&/])#{re.escape(tag.lstrip('#'))}(?![\w/-])"
    return re.search(pattern, title, re.IGNORECASE) is not None


def result_row_lines(
    hit: SearchHit,
    marked: bool = False,
    match_style: str | None = None,
    width: int = 0,
    *,
    palette: Palette | None = None,
) -> tuple[Text, Text]:
    """`result_row`'s two lines apart (the list paints them as two strips, unsplit)."""
    colours = palette or _PLAIN
    match = match_style or colours.match
    entry = hit.entry
    row = Text(no_wrap=True, overflow="ellipsis")
    row.append("● " if marked else "  ", style=colours.marked)
    row.append(BADGES.get(entry.kind, "?"), style=colours.badge(entry.kind))
    row.append(" ")
    row.append_text(_styled(entry.title or "(untitled)", hit.title_spans, match))
    extra_tags = tags_not_in(entry.title, entry.tags)
    if extra_tags:
        row.append("  " + " ".join(f"#{one_line(t)}" for t in extra_tags[:6]), style=colours.tag)
    if hit.partial:
        row.append("  ~partial", style=colours.partial)
    detail = Text("    ", no_wrap=True, overflow="ellipsis")
    if entry.kind == "tweet":
        detail.append(one_line(tweet_meta(entry)), style=colours.muted)
    else:
        where = f"{entry.path}:{hit.match_line}"
        trail = entry.breadcrumb.split(" › ", 1)[1] if " › " in entry.breadcrumb else ""
        if trail and trail != entry.title:
            where = f"{trail}  {where}"
        detail.append(one_line(where), style=colours.muted)
    title_head = one_line(entry.title).rstrip("…")
    snippet_line = one_line(hit.snippet).lstrip("…").lstrip("# ")
    repeats_title = snippet_line.startswith(title_head) or title_head.startswith(snippet_line)
    if snippet_line and not repeats_title:
        detail.append("  ")
        detail.append_text(_styled(hit.snippet, hit.snippet_spans, match))
    if width > 0:
        fit(row, width)
        fit(detail, width)
    return row, detail


def fit(text: Text, width: int) -> None:
    """Cut `text` to `width` cells with an ellipsis, as `Text.truncate` does, sooner.

    Rich splits the whole string into graphemes when it holds a wide or non-ASCII
    character: a snippet of a few hundred characters with one `…` cost 0.1-0.3 ms a
    line. When the first `width + 1` characters already fill more than `width` cells,
    they alone decide the cut, so the rest is dropped first (same result).
    """
    plain = text.plain
    if len(plain) > width + 1 and cell_len(plain[: width + 1]) > width:
        text.right_crop(len(plain) - (width + 1))
    text.truncate(width, overflow="ellipsis")


def _long_line_window(line: str, terms: Sequence[str]) -> tuple[str, str, str]:
    """The part of a too-long line worth showing, and the marks for what was left out.

    The part starts at the line's start, or near its first match when that lies
    beyond it (a match at the end of a 5 MB line is what the row's snippet shows,
    so the preview and `n` must reach it too).
    """
    start = 0
    folded = fold(line) if terms else ""
    firsts = [pos for term in terms if term and (pos := folded.find(term)) >= 0]
    if firsts and max(len(t) for t in terms) + min(firsts) > MAX_LINE_CHARS:
        start = max(0, min(min(firsts) - MAX_LINE_CHARS // 4, len(line) - MAX_LINE_CHARS))
    part = line[start : start + MAX_LINE_CHARS]
    after = len(line) - start - len(part)
    return (
        part,
        f"[+{start} chars]… " if start else "",
        f" …[+{after} chars]" if after else "",
    )


def _term_spans(folded_line: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    return merge_spans([span for term in terms for span in find_all(folded_line, term, 200)])


def _markdown_styles(line: str, colours: Palette) -> list[tuple[int, int, str]]:
    """Light markdown styles by offset (markers are kept, so offsets never shift)."""
    heading = _HEADING.match(line)
    if heading:
        level = len(heading.group(1))
        return [(0, len(line), colours.heading1 if level <= 2 else colours.heading2)]
    styles: list[tuple[int, int, str]] = []
    for pattern, style in (
        (_BOLD, "bold"),
        (_CODE, colours.inline_code),
        (_LINK, colours.link),
    ):
        for m in pattern.finditer(line):
            styles.append((m.start(), m.end(), style))
    bullet = _BULLET.match(line)
    if bullet:
        styles.append((bullet.start(2), bullet.end(2), colours.bullet))
    return styles


def _code_blocks(lines: Sequence[str], colours: Palette) -> tuple[set[int], dict[int, Text]]:
    """Fence lines, and each fenced line's index -> its highlighted text.

    A block opened by N backticks/tildes closes at a fence of the same character at
    least N long (CommonMark); an unclosed block runs to the end, as GitHub shows it.
    """
    fences: set[int] = set()
    code: dict[int, Text] = {}
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if not opening:
            index += 1
            continue
        marker = opening.group(1)
        fences.add(index)
        end = index + 1
        while end < len(lines):
            closing = _FENCE.match(lines[end])
            if (
                closing
                and closing.group(1)[0] == marker[0]
                and len(closing.group(1)) >= len(marker)
                and not lines[end].strip().strip(marker[0])
            ):
                break
            end += 1
        body = lines[index + 1 : end]
        for offset, text in enumerate(_highlight(body, opening.group(2), colours)):
            code[index + 1 + offset] = text
        if end < len(lines):
            fences.add(end)
        index = end + 1
    return fences, code


def _highlight(body: Sequence[str], language: str, colours: Palette) -> list[Text]:
    """One `Text` per source line, tokens coloured by the theme's pygments style.

    Token colours are made readable on the code (and match-line) background; a block
    with no known language, or too big to lex on a keystroke, stays plain.
    """
    source = "\n".join(body)
    if not language or not colours.code_background or len(source) > MAX_HIGHLIGHT_CHARS:
        return [Text(line) for line in body]
    grounds = (colours.code_background, colours.match_line_background)
    spans = _token_spans(source, language.lower(), colours.syntax_style, grounds, colours.minimum)
    if spans is None or len(spans) < len(body):
        return [Text(line) for line in body]
    out = []
    for line, line_spans in zip(body, spans, strict=False):
        out.append(Text(line, spans=[Span(start, end, style) for start, end, style in line_spans]))
    return out


@lru_cache(maxsize=64)
def _token_spans(
    source: str, language: str, style_name: str, grounds: tuple[str, ...], minimum: float
) -> tuple[tuple[tuple[int, int, Style], ...], ...] | None:
    """Per line, (start, end, style) of each coloured token; None for an unknown language.

    Cached: moving the cursor back to a note does not lex it again.
    """
    from pygments.lexers import get_lexer_by_name  # the first code block pays the import
    from pygments.util import ClassNotFound
    from rich.syntax import Syntax

    try:
        lexer = get_lexer_by_name(language, stripnl=False, stripall=False, ensurenl=True)
    except ClassNotFound:
        return None
    theme = Syntax.get_theme(style_name)
    styles: dict[object, Style | None] = {}
    lines: list[list[tuple[int, int, Style]]] = [[]]
    column = 0
    lexed = 0
    for token_type, value in lexer.get_tokens(source):
        lexed += len(value)
        if token_type not in styles:
            token = theme.get_style_for_token(token_type)
            colour = token.color.get_truecolor().hex if token.color is not None else None
            fixed = readable(colour, grounds, minimum) if colour else None
            keep = fixed or token.bold or token.italic or token.underline
            styles[token_type] = (
                Style(color=fixed, bold=token.bold, italic=token.italic, underline=token.underline)
                if keep
                else None
            )
        style = styles[token_type]
        for index, part in enumerate(value.split("\n")):
            if index:
                lines.append([])
                column = 0
            if part and style is not None:
                lines[-1].append((column, column + len(part), style))
            column += len(part)
    if lexed not in (len(source), len(source) + 1):  # the lexer changed the text: don't trust it
        return None
    return tuple(tuple(line) for line in lines)


def preview_text(
    entry: Entry,
    terms: Sequence[str] = (),
    match_line: int | None = None,
    match_style: str | None = None,
    *,
    palette: Palette | None = None,
) -> tuple[Text, int]:
    """The preview body and the character offset where the match line starts.

    Fenced code is highlighted per language but stays one display line per source
    line, so the offset of the match line (scroll-to-match) is exact.
    """
    colours = palette or _PLAIN
    match = match_style or colours.preview_match
    out = Text()
    out.append(printable(entry.title or "(untitled)"), style="bold")
    out.append("\n")
    where = f"{entry.path}:{entry.line}"
    if entry.breadcrumb:
        where = f"{entry.breadcrumb}   {where}"
    out.append(one_line(where), style=colours.preview_muted)
    if entry.tags:
        out.append("   " + " ".join(f"#{one_line(t)}" for t in entry.tags), style=colours.tag)
    out.append("\n")
    if entry.kind == "tweet":
        _tweet_card(out, entry, colours)
    out.append("\n")
    lines = entry.text.split("\n")
    first = _tweet_body_start(lines) if entry.kind == "tweet" else 0
    markdown = entry.path.lower().endswith((".md", ".markdown"))
    cut = len(lines) > MAX_PREVIEW_LINES
    shown: list[str] = []
    leads: list[str] = []
    extras: list[str] = []
    for raw in lines[first:MAX_PREVIEW_LINES]:
        line = raw.rstrip("\r")
        lead = extra = ""
        if len(line) > MAX_LINE_CHARS:
            line, lead, extra = _long_line_window(line, terms)
        shown.append(line)
        leads.append(lead)
        extras.append(extra)
    fences, code = (
        _code_blocks([one_line(line) for line in shown], colours) if markdown else (set(), {})
    )
    left_out = f"italic {colours.preview_muted}".strip()  # what the preview does not show
    match_row = 0
    for offset, line in enumerate(shown):
        index = first + offset
        if offset in code:
            line_text = code[offset]
            if colours.code_block:
                line_text.stylize_before(colours.code_block)
        else:
            line_text = Text(one_line(line))
            if offset in fences:
                line_text.stylize(f"{colours.preview_muted} {colours.code_block}".strip())
            elif markdown:
                for start, end, style in _markdown_styles(line, colours):
                    line_text.stylize(style, start, end)
        for start, end in _term_spans(fold(line), terms):
            line_text.stylize(match, start, end)
        if match_line is not None and entry.line + index == match_line:
            match_row = len(out.plain)
            line_text.stylize(colours.match_line)
        if leads[offset]:
            out.append(leads[offset], style=left_out)
        out.append_text(line_text)
        if extras[offset]:
            out.append(extras[offset], style=left_out)
        out.append("\n")
    if cut:
        out.append(
            f"… {len(lines) - MAX_PREVIEW_LINES} more lines not shown\n",
            style=left_out,
        )
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


def _tweet_card(out: Text, entry: Entry, colours: Palette) -> None:
    meta = entry.meta
    out.append(one_line(tweet_meta(entry)) or "tweet", style=colours.tweet)
    counts = []
    for key, label in (("retweets", "⟲"), ("replies", "↩"), ("quotes", "❝")):
        if isinstance(meta.get(key), int):
            counts.append(f"{label} {meta[key]:,}")
    if counts:
        out.append("   " + "  ".join(counts), style=colours.preview_muted)
    out.append("\n")
    if meta.get("url"):
        out.append(one_line(str(meta["url"])), style=colours.link)
        out.append("\n")
