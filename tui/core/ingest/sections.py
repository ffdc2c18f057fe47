"""Split a note into sections, so a search hit can jump to the right heading.

Markdown has real headings (ATX `#` and setext underlines); plain text exports
do not, so `plain_sections` guesses them. `split_long` then keeps every section
small enough (60 lines) to preview and to rank meaningfully.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from tui.core.text.width import display_width

MAX_SECTION_LINES = 60

_ATX_RE = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$")
_ATX_CLOSE_RE = re.compile(r"(?:^|[ \t]+)#+$")
_SETEXT_RE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# Lines that can start a heading: `#` (ATX), or `=`/`-` (a setext underline: the
# heading is the line above), each after a newline of `"\n" + text`.
_HEADING_MARK_RE = re.compile(r"\n {0,3}[#=-]")
# A list item's marker (a heading never starts with one); shared with `plain_sections`.
LIST_ITEM = re.compile(
    r"^\s*(?:[-*+•·‣▪●◦○■□►▸→✓✔✅❌]\s|\d{1,3}[.)、．]\s?|[a-zA-Z][.)]\s|[(（]\d+[)）])"
)
# A line ending in one of these finishes a sentence: not a heading, a good place to cut.
SENTENCE_END = tuple(".。,，;；、…!！")


@dataclass(frozen=True, slots=True)
class Section:
    """A heading and the lines it governs (1-based, inclusive, whole-file numbering).

    `part` counts chunks when a long section is split; `heading_path` lists the
    titles of the enclosing headings down to this one.
    """

    title: str
    level: int
    heading_path: tuple[str, ...]
    line: int
    end_line: int
    part: int = 1

    def span(self, line: int, end_line: int, part: int | None = None) -> Section:
        """This section over other lines (`dataclasses.replace` costs ~5x as much:
        a digest makes tens of thousands of these)."""
        if line == self.line and end_line == self.end_line and part in (None, self.part):
            return self
        return Section(self.title, self.level, self.heading_path, line, end_line,
                       self.part if part is None else part)



def lines_in(ranges: Sequence[tuple[int, int]]) -> frozenset[int]:
    """Every line number the (inclusive) ranges cover: one set lookup per line, where
    testing each range per line costs lines x ranges (a digest has thousands of both)."""
    return frozenset(n for start, end in ranges for n in range(start, end + 1))


# `[[Note]]`, `[[Note|alias]]`, `[[Note#Heading]]` (Obsidian), shown as their text.
_WIKILINK_RE = re.compile(r"!?\[\[([^\]|\n]*)(?:\|([^\]\n]*))?\]\]")


def _link_text(match: re.Match[str]) -> str:
    alias = match.group(2)
    if alias and alias.strip():
        return alias.strip()
    return " > ".join(part.strip() for part in match.group(1).split("#") if part.strip())


def shown_title(title: str) -> str:
    """A heading as Obsidian shows it: wikilinks as their text (`[[Properties]]` reads
    Properties). For titles and breadcrumbs only: ids keep the heading as written, so
    tags kept by id (`.notesift/tags.json`) still find their section."""
    if "[[" not in title:
        return title
    return _WIKILINK_RE.sub(_link_text, title).strip() or title


def _clean_title(title: str) -> str:
    """Drop emphasis wrapping a whole heading (`**Title**`), keep everything else."""
    title = title.strip()
    for mark in ("**", "__"):
        if len(title) > 4 and title.startswith(mark) and title.endswith(mark):
            title = title[2:-2].strip()
    return title


def _trim_blank_end(lines: Sequence[str], line: int, end: int) -> int:
    while end > line and not lines[end - 1].strip():
        end -= 1
    return end


def build_sections(
    lines: Sequence[str], heads: list[tuple[int, int, str]], last_line: int | None = None
) -> list[Section]:
    """Turn (line, level, title) heading marks into sections with heading paths."""
    total = len(lines) if last_line is None else last_line
    sections: list[Section] = []
    stack: list[tuple[int, str]] = []
    for index, (line, level, title) in enumerate(heads):
        end = heads[index + 1][0] - 1 if index + 1 < len(heads) else total
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, title))
        path = tuple(t for _, t in stack)
        sections.append(
            Section(title, level, path, line, _trim_blank_end(lines, line, max(end, line)))
        )
    return sections


def find_fenced_lines(lines: Sequence[str], start_line: int = 1, text: str | None = None
                      ) -> set[int]:
    """1-based numbers of lines inside (or fencing) ``` / ~~~ code blocks (`text`: the
    lines joined by newlines, when the caller has it)."""
    inside: set[int] = set()
    if text is None:
        text = "\n".join(lines)
    if "```" not in text and "~~~" not in text:  # most notes: no fence to look for
        return inside
    fence: str | None = None
    for number in range(start_line, len(lines) + 1):
        match = _FENCE_RE.match(lines[number - 1])
        if fence is not None:
            inside.add(number)
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
        elif match:
            fence = match.group(1)
            inside.add(number)
    return inside


def atx_heading(line: str) -> tuple[int, str] | None:
    """(level, title) if `line` is an ATX heading like `## Title ##`."""
    match = _ATX_RE.match(line)
    if not match:
        return None
    title = _ATX_CLOSE_RE.sub("", match.group(2) or "").strip()
    if not title:
        return None
    return len(match.group(1)), _clean_title(title)


def markdown_sections(
    lines: Sequence[str],
    start_line: int = 1,
    skip_ranges: Sequence[tuple[int, int]] = (),
) -> list[Section]:
    """Sections for ATX and setext headings, ignoring fenced code and `skip_ranges`.

    Each section runs from its heading to the line before the next heading of
    any level, so sections never overlap. `---` after a blank line (or under a
    list item) is a thematic break, not a setext underline.
    """
    text = "\n" + "\n".join(lines)
    fenced = find_fenced_lines(lines, start_line, text)
    skipped = lines_in(skip_ranges)
    heads: list[tuple[int, int, str]] = []
    after = start_line  # a setext underline is not looked at again
    for number in _heading_candidates(text):
        if number < after or number in fenced or number in skipped:
            continue
        line = lines[number - 1]
        atx = atx_heading(line)
        if atx is not None:
            heads.append((number, atx[0], atx[1]))
            continue
        if number < len(lines) and line.strip() and (number + 1) not in fenced:
            under = _SETEXT_RE.match(lines[number])
            prev_blank = number == start_line or not lines[number - 2].strip()
            if (
                under
                and prev_blank
                and not LIST_ITEM.match(line)
                and not line.lstrip().startswith((">", "|"))
                and len(line) - len(line.lstrip()) < 4
                and (number + 1) not in skipped
            ):
                level = 1 if under.group(1)[0] == "=" else 2
                heads.append((number, level, _clean_title(line)))
                after = number + 2
    return build_sections(lines, heads)


def _heading_candidates(text: str) -> list[int]:
    """The 1-based numbers of the lines of `text` ("\n" + the lines joined) that may be
    headings, in order: those starting with `#` and those above a line starting with
    `=` or `-`. Found by one search of the text, not by testing each line (most lines
    of a note are neither)."""
    found: list[int] = []
    number, at = 0, 0
    for match in _HEADING_MARK_RE.finditer(text):
        number += text.count("\n", at, match.start() + 1)
        at = match.start() + 1
        candidate = number if text[match.end() - 1] == "#" else number - 1
        if candidate >= 1 and (not found or found[-1] < candidate):
            found.append(candidate)
    return found


def count_atx_headings(lines: Sequence[str]) -> int:
    """How many convincing ATX headings (outside code fences) a text has.

    Used to decide whether a .txt file is really markdown, so only short `#`
    lines after a blank line count; `# comment` lines pasted from code do not.
    """
    fenced = find_fenced_lines(lines)
    count = 0
    for number, line in enumerate(lines, 1):
        if number in fenced or not line.startswith("#"):
            continue
        heading = atx_heading(line)
        if heading is None or display_width(heading[1]) > 80:
            continue
        if number == 1 or not lines[number - 2].strip():
            count += 1
    return count


# --- splitting -----------------------------------------------------------------


def _cut_point(lines: Sequence[str], start: int, limit: int) -> int:
    """Best last line for a chunk in [start, limit]: a blank line, else a sentence end."""
    floor = start + (limit - start) // 2
    for number in range(limit, floor - 1, -1):
        if not lines[number - 1].strip():
            return number
    for number in range(limit, floor - 1, -1):
        if lines[number - 1].rstrip().endswith((*SENTENCE_END, "\\]", ")")):
            return number
    return limit


def split_long(
    sections: Sequence[Section],
    lines: Sequence[str],
    max_lines: int = MAX_SECTION_LINES,
) -> list[Section]:
    """Split sections longer than `max_lines` into numbered chunks.

    Chunks keep the heading path, start on a non-blank line, end before the
    limit (preferably at a blank line) and are numbered from `section.part`.
    """
    out: list[Section] = []
    for section in sections:
        if section.end_line - section.line + 1 <= max_lines:
            out.append(section)
            continue
        part = section.part
        start = section.line
        while start <= section.end_line:
            while start < section.end_line and not lines[start - 1].strip():
                start += 1
            if section.end_line - start + 1 <= max_lines:
                end = section.end_line
            else:
                end = _cut_point(lines, start, start + max_lines - 1)
            end = _trim_blank_end(lines, start, end)
            out.append(section.span(start, end, part))
            part += 1
            start = max(end + 1, start + 1)
            while start <= section.end_line and not lines[start - 1].strip():
                start += 1
    return out
