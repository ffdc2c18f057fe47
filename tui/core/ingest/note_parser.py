"""Turn one markdown or plain-text note into searchable entries.

A file yields one `note` entry (front matter plus the text before the first
heading) and one `section` entry per heading, with tweets from digest files and
key-binding rows added by their own extractors. Note, sections and tweets
together cover every non-blank line exactly once, so any line a user remembers
is reachable by exactly one result, and no entry is longer than 60 lines.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from pathlib import PurePosixPath

from tui.core.ingest.entry import Entry, ParsedFile, split_lines
from tui.core.ingest.frontmatter import FrontMatter, parse_front_matter
from tui.core.ingest.inline_tags import find_inline_tags, merge_tags
from tui.core.ingest.key_rows import extract_key_rows
from tui.core.ingest.plain_sections import plaintext_sections
from tui.core.ingest.sections import (
    LIST_ITEM,
    MAX_SECTION_LINES,
    Section,
    count_atx_headings,
    markdown_sections,
    shown_title,
    split_long,
)
from tui.core.ingest.tweet_digest import extract_digest_tweets

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
TITLE_LIMIT = 120
BREADCRUMB_SEP = " › "
# A .txt file "clearly uses" markdown headings when it has at least this many.
MIN_ATX_IN_TEXT = 2


def _has_text(lines: Sequence[str], start: int, end: int) -> bool:
    return any(lines[n - 1].strip() for n in range(max(start, 1), min(end, len(lines)) + 1))


def _subtract(
    section: Section, ranges: Sequence[tuple[int, int]], lines: Sequence[str]
) -> list[Section]:
    """The parts of `section` outside `ranges` (tweet blocks, sorted and disjoint) that
    hold text."""
    pieces: list[Section] = []
    start = section.line
    # A digest has hundreds of blocks: start at the first one that can overlap.
    for at in range(bisect_left(ranges, start, key=_range_end), len(ranges)):
        r_start, r_end = ranges[at]
        if r_start > section.end_line:
            break
        if r_start > start and _has_text(lines, start, r_start - 1):
            pieces.append(section.span(start, r_start - 1))
        start = max(start, r_end + 1)
    if start <= section.end_line and _has_text(lines, start, section.end_line):
        pieces.append(section.span(start, section.end_line))
    return [_trim(piece, lines) for piece in pieces]


def _disjoint(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted ranges with overlapping or nested ones joined (each line counted once)."""
    joined: list[tuple[int, int]] = []
    for start, end in ranges:
        if joined and start <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(joined[-1][1], end))
        else:
            joined.append((start, end))
    return joined


def _range_end(r: tuple[int, int]) -> int:
    return r[1]


def _inside(number: int, ranges: Sequence[tuple[int, int]]) -> bool:
    """Whether line `number` is in one of `ranges` (sorted and disjoint)."""
    at = bisect_left(ranges, number, key=_range_end)
    return at < len(ranges) and ranges[at][0] <= number


def _trim(section: Section, lines: Sequence[str]) -> Section:
    """Shrink a range to its first and last non-blank lines."""
    start, end = section.line, section.end_line
    while start < end and not lines[start - 1].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return section.span(start, end)


def _title_heading(sections: Sequence[Section], lines: Sequence[str], body_start: int
                   ) -> str | None:
    """The heading that names the note: a `# ` one, or any first heading the text
    opens with. A note whose first heading is a `##` further down is named by its
    file (Obsidian, Foam, Logseq, Dendron: no H1, the file name is the title), not
    by a heading its opening paragraph does not belong to."""
    if not sections:
        return None
    first = sections[0]
    opens = all(not line.strip() for line in lines[body_start - 1 : first.line - 1])
    return first.title if first.level == 1 or opens else None


def _first_line(lines: Sequence[str], start: int, *, markdown: bool = False) -> str | None:
    """The first line of text, the title of a note without headings; in Markdown not a
    list item, quote, table or fence (`- Fixed saving…`): the file's name says more,
    as Obsidian and zk show it."""
    for line in lines[start - 1 :]:
        text = line.strip()
        if text:
            if markdown and (LIST_ITEM.match(text) or text.startswith((">", "|", "```", "~~~"))):
                return None
            return text[:TITLE_LIMIT]
    return None


def _text(lines: Sequence[str], section: Section | Entry) -> str:
    return "\n".join(lines[section.line - 1 : section.end_line])


def _front_matter_warning(rel_path: str, fm: FrontMatter) -> str | None:
    if fm.error is None:
        return None
    message = fm.error
    prefix = f"line {fm.error_line}: "
    if message.startswith(prefix):
        message = message[len(prefix) :]
    return f"{rel_path}:{fm.error_line or 1}: malformed front matter: {message}"


def parse_note(rel_path: str, text: str) -> ParsedFile:
    """Parse one note file (already decoded) into note/section/tweet/key entries."""
    parsed = ParsedFile()
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = split_lines(text)
    total = len(lines)
    name = PurePosixPath(rel_path).name
    suffix = PurePosixPath(rel_path).suffix.lower()
    is_markdown = suffix in MARKDOWN_SUFFIXES

    fm = parse_front_matter(text)
    warning = _front_matter_warning(rel_path, fm)
    if warning:
        parsed.warnings.append(warning)
    body_start = min(fm.body_start_line, total) if fm.format else 1

    try:
        tweets = extract_digest_tweets(rel_path, lines)
    except Exception as exc:  # one odd digest must not cost the whole note
        parsed.warnings.append(f"{rel_path}: tweet digest not parsed ({exc})")
        tweets = []
    skip = _disjoint(sorted((t.line, t.end_line) for t in tweets))

    use_markdown = is_markdown or count_atx_headings(lines) >= MIN_ATX_IN_TEXT
    if use_markdown:
        sections = markdown_sections(lines, body_start, skip)
    else:
        sections = plaintext_sections(lines, body_start, skip)

    title = (
        fm.title
        or (shown_title(_title_heading(sections, lines, body_start) or "")
            if use_markdown else None)
        or (PurePosixPath(rel_path).stem if use_markdown and sections else None)
        or _first_line(lines, body_start, markdown=use_markdown)
        or PurePosixPath(rel_path).stem
    )

    # The preamble: everything before the first section, minus tweet blocks.
    # If it holds no text (the file opens with its heading), the note entry
    # takes over the first section instead, so it still points at real content.
    first_section_line = sections[0].line if sections else total + 1
    preamble = Section(title, 0, (), 1, max(first_section_line - 1, 1))
    preamble_pieces = _subtract(preamble, skip, lines) if first_section_line > 1 else []
    absorbed: Section | None = None
    if sections and not preamble_pieces:
        absorbed = sections.pop(0)
        preamble = absorbed.span(1, absorbed.end_line)
        preamble_pieces = _subtract(preamble, skip, lines)
    chunks: list[Section] = []
    for piece in preamble_pieces:
        chunks.extend(split_long([piece], lines, MAX_SECTION_LINES))
    if not chunks:
        # Nothing but tweets (or nothing at all): point at a line no other
        # entry claims, preferably a blank one, so coverage stays exact.
        spot = next(
            (n for n in range(1, total + 1) if not lines[n - 1].strip() and not _inside(n, skip)),
            1,
        )
        chunks = [Section(title, 0, (), spot, spot)]

    file_tags = find_inline_tags(text)
    note_tags = tuple(merge_tags(fm.tags, file_tags))
    meta: dict[str, object] = {"format": "markdown" if use_markdown else "text"}
    if fm.date:
        meta["date"] = fm.date
    if fm.draft is not None:
        meta["draft"] = fm.draft
    if fm.description:
        meta["description"] = fm.description
    if fm.format:
        meta["front_matter"] = fm.format

    head = chunks[0]
    parsed.entries.append(
        Entry(
            id=rel_path,
            kind="note",
            title=title,
            path=rel_path,
            line=head.line,
            end_line=head.end_line,
            text=_text(lines, head),
            tags=note_tags,
            breadcrumb=name,
            meta=meta,
        )
    )

    counts: dict[tuple[str, ...], int] = {}

    def emit(
        section: Section, pieces: list[Section], base_id: str, base_title: str, first: int = 1
    ) -> None:
        crumb = BREADCRUMB_SEP.join((name, *map(shown_title, section.heading_path)))
        base_title = shown_title(base_title)
        for part, chunk in enumerate(pieces, start=first):
            chunk_text = _text(lines, chunk)
            parsed.entries.append(
                Entry(
                    id=base_id if part == 1 else f"{base_id}@{part}",
                    kind="section",
                    title=base_title if part == 1 else f"{base_title} ({part})",
                    path=rel_path,
                    line=chunk.line,
                    end_line=chunk.end_line,
                    text=chunk_text,
                    tags=tuple(find_inline_tags(chunk_text)),
                    breadcrumb=crumb,
                    meta={"level": section.level, "part": part},
                )
            )

    def section_id(section: Section) -> str:
        path = section.heading_path
        counts[path] = counts.get(path, 0) + 1
        suffix = f"~{counts[path]}" if counts[path] > 1 else ""
        return f"{rel_path}#{'/'.join(path)}{suffix}"

    if absorbed is not None:
        # Chunks after the first continue the absorbed heading's section.
        # Part 1 of the absorbed heading is the note entry; later chunks keep
        # the heading's id with `@2`, `@3`.
        emit(absorbed, chunks[1:], section_id(absorbed), absorbed.title, first=2)
    elif len(chunks) > 1:
        emit(preamble, chunks[1:], f"{rel_path}#", title, first=2)

    for section in sections:
        pieces: list[Section] = []
        for piece in _subtract(section, skip, lines):
            pieces.extend(split_long([piece], lines, MAX_SECTION_LINES))
        ident = section_id(section)
        if pieces:
            emit(section, pieces, ident, section.title)

    parsed.entries.extend(tweets)
    try:
        parsed.entries.extend(extract_key_rows(rel_path, lines))
    except Exception as exc:
        parsed.warnings.append(f"{rel_path}: key table not parsed ({exc})")
    return parsed
