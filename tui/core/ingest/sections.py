"""Split a note into sections, so a search hit can jump to the right heading.

Markdown has real headings (ATX `#` and setext underlines). Plain text exports
do not, so `plaintext_sections` guesses heading-like lines: short lines that do
not end a sentence, standing alone between blank lines or introducing a
paragraph; title-cased lines in dense article exports; short `Name:` speaker
lines; and article titles ending in `[Link]`. `split_long` then keeps every
section small enough (60 lines) to preview and to rank meaningfully.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace

from tui.core.text.width import display_width

MAX_SECTION_LINES = 60

_ATX_RE = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$")
_ATX_CLOSE_RE = re.compile(r"(?:^|[ \t]+)#+$")
_SETEXT_RE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_LIST_RE = re.compile(
    r"^\s*(?:[-*+•·‣▪●◦○■□►▸→✓✔✅❌]\s|\d{1,3}[.)、．]\s?|[a-zA-Z][.)]\s|[(（]\d+[)）])"
)
_RULE_RE = re.compile(r"^\s*([-=*_~#+.·—─━])\1{2,}\s*$")
_CODEISH_RE = re.compile(
    r"[{};=<>`\\|]|\(\)|->|=>|::|//|^\s*(?:import|from|def|class|return|if|for|while|"
    r"let|const|var|fn|pub|func|#include|\$|>>>)\b"
)
_SENTENCE_END = tuple(".。,，;；、…!！")
_PREV_END = tuple(".。!！?？:：;；…\"”’')）]】>")
_CONNECTORS = frozenset(
    {"of", "for", "and", "or", "the", "to", "in", "on", "with", "a", "an", "at", "by"}
    | {"from", "vs", "via", "into", "as", "about"}
)
_LINK_SUFFIX = "[Link]"


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



def _lines_in(ranges: Sequence[tuple[int, int]]) -> frozenset[int]:
    """Every line number the (inclusive) ranges cover: one set lookup per line, where
    testing each range per line costs lines x ranges (a digest has thousands of both)."""
    return frozenset(n for start, end in ranges for n in range(start, end + 1))


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


def _build(
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


def find_fenced_lines(lines: Sequence[str], start_line: int = 1) -> set[int]:
    """1-based numbers of lines inside (or fencing) ``` / ~~~ code blocks."""
    inside: set[int] = set()
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
    fenced = find_fenced_lines(lines, start_line)
    skipped = _lines_in(skip_ranges)
    heads: list[tuple[int, int, str]] = []
    number = start_line
    while number <= len(lines):
        line = lines[number - 1]
        if number in fenced or number in skipped:
            number += 1
            continue
        atx = atx_heading(line)
        if atx is not None:
            heads.append((number, atx[0], atx[1]))
            number += 1
            continue
        if number < len(lines) and line.strip() and (number + 1) not in fenced:
            under = _SETEXT_RE.match(lines[number])
            prev_blank = number == start_line or not lines[number - 2].strip()
            if (
                under
                and prev_blank
                and not _LIST_RE.match(line)
                and not line.lstrip().startswith((">", "|"))
                and len(line) - len(line.lstrip()) < 4
                and (number + 1) not in skipped
            ):
                level = 1 if under.group(1)[0] == "=" else 2
                heads.append((number, level, _clean_title(line)))
                number += 2
                continue
        number += 1
    return _build(lines, heads)


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


# --- plain text --------------------------------------------------------------


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z][A-Za-z'’.-]*", text)


def _has_cjk(text: str) -> bool:
    return any(unicodedata.east_asian_width(ch) in "WF" and ch.isalpha() for ch in text)


def _title_cased(text: str) -> bool:
    """Most significant words capitalised, as in `Monte Carlo Methods`."""
    words = _words(text)
    if not words or not words[0][0].isupper():
        return False
    significant = [w for w in words if w.lower() not in _CONNECTORS]
    if not significant:
        return False
    capped = sum(1 for w in significant if w[0].isupper())
    return capped / len(significant) >= 0.75


def _headingish(line: str, max_width: int = 40) -> bool:
    """Shape test shared by every plain-text rule: short, not prose, list or code."""
    if not line.strip() or line[0].isspace():
        return False
    text = line.strip()
    if display_width(text) > max_width:
        return False
    if not any(ch.isalpha() for ch in text):
        return False
    if text.endswith(_SENTENCE_END) or _LIST_RE.match(text) or _RULE_RE.match(text):
        return False
    if "://" in text or text.startswith(("www.", "(", "[", "（", "【")):
        return False
    if text.count("(") != text.count(")") or text.count("（") != text.count("）"):
        return False
    if _CODEISH_RE.search(text) or text.endswith(("(", "[", ",")):
        return False
    if not _has_cjk(text):
        first_alpha = next(ch for ch in text if ch.isalpha())
        if not first_alpha.isupper():
            return False
        # Identifiers such as image names (`screenshot_sqlite_ide`).
        if " " not in text and ("_" in text or text.islower()):
            return False
    return True


def _speaker(text: str) -> bool:
    """`David Friedberg:` / `主持人：` — a short label ending in a colon."""
    if not text.endswith((":", "：")):
        return False
    label = text[:-1].strip()
    if not label or display_width(label) > 24:
        return False
    if _has_cjk(label):
        return True
    words = label.split()
    return 1 <= len(words) <= 4 and all(w[0].isupper() for w in words if w[0].isalpha())


def _prev_allows(lines: Sequence[str], index: int, first: int) -> bool:
    """A heading can only follow a blank line, a finished sentence or a short line."""
    if index <= first:
        return True
    prev = lines[index - 1].rstrip()
    if not prev.strip():
        return True
    if prev.endswith(_PREV_END) or prev.endswith(_LINK_SUFFIX):
        return True
    last_word = prev.split()[-1].lower() if prev.split() else ""
    return (
        display_width(prev.strip()) <= 45
        and not prev.endswith((",", "，", "-", "—"))
        and last_word not in _CONNECTORS
    )


def _is_long(line: str) -> bool:
    return display_width(line.strip()) >= 45


def _plain_heading(lines: Sequence[str], index: int, first: int) -> tuple[int, str] | None:
    """If lines[index] starts a heading, return (lines used, title)."""
    line = lines[index]
    text = line.strip()
    total = len(lines)
    nxt = lines[index + 1] if index + 1 < total else ""
    prev_blank = index <= first or not lines[index - 1].strip()

    if text.endswith(_LINK_SUFFIX) and display_width(text) <= 120 and not line[0].isspace():
        return 1, text[: -len(_LINK_SUFFIX)].strip(" -–—")
    if not _prev_allows(lines, index, first):
        return None
    if _speaker(text) and not line[0].isspace() and nxt.strip():
        return 1, text[:-1].strip()
    if not _headingish(line):
        return None
    if text.endswith((":", "：")) and not _speaker(text):
        return None
    # Standalone line between blank lines (notebook style).
    if prev_blank and not nxt.strip():
        return 1, text
    if not nxt.strip() or nxt[0].isspace():
        return None
    cjk = _has_cjk(text)
    if not cjk and (not _title_cased(text) or ": " in text):
        # `Best Performing Asset: Credit` is the start of a list item.
        return None
    if _is_long(nxt):
        return 1, text
    # A heading wrapped onto two lines: `Main Limitations of` / `REINFORCE`.
    after = lines[index + 2] if index + 2 < total else ""
    last_word = text.split()[-1].lower()
    if not cjk and _headingish(nxt) and _is_long(after) and last_word in _CONNECTORS:
        return 2, f"{text} {nxt.strip()}"
    return None


def plaintext_sections(
    lines: Sequence[str],
    start_line: int = 1,
    skip_ranges: Sequence[tuple[int, int]] = (),
) -> list[Section]:
    """Guess sections in a plain-text note from heading-like lines.

    Article titles (lines ending in `[Link]`, wrapped titles included) are level
    1 and the guessed headings below them level 2, so an export of many
    articles gets breadcrumbs like `Article › Subheading`.
    """
    heads: list[tuple[int, int, str]] = []
    skipped = _lines_in(skip_ranges)
    seen_article = False
    index = start_line - 1
    first = index
    while index < len(lines):
        number = index + 1
        if number in skipped or not lines[index].strip():
            index += 1
            continue
        found = _plain_heading(lines, index, first)
        if found is None:
            index += 1
            continue
        used, title = found
        text = lines[index].strip()
        if text.endswith(_LINK_SUFFIX):
            seen_article = True
            start = number
            # The title may have wrapped: take the previous line along when it
            # does not finish a sentence and is not itself a heading.
            prev = lines[index - 1].strip() if index > first else ""
            if (
                prev
                and not prev.endswith(_PREV_END)
                and not prev.endswith(_LINK_SUFFIX)
                and display_width(prev) <= 80
                and (not heads or heads[-1][0] < number - 1)
                and (number - 1) not in skipped
            ):
                start = number - 1
                title = f"{prev} {title}".strip()
            heads.append((start, 1, title or text))
        else:
            heads.append((number, 2 if seen_article else 1, title))
        index += used
    return _build(lines, heads)


# --- splitting -----------------------------------------------------------------


def _cut_point(lines: Sequence[str], start: int, limit: int) -> int:
    """Best last line for a chunk in [start, limit]: a blank line, else a sentence end."""
    floor = start + (limit - start) // 2
    for number in range(limit, floor - 1, -1):
        if not lines[number - 1].strip():
            return number
    for number in range(limit, floor - 1, -1):
        if lines[number - 1].rstrip().endswith((*_SENTENCE_END, "\\]", ")")):
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
            out.append(replace(section, line=start, end_line=end, part=part))
            part += 1
            start = max(end + 1, start + 1)
            while start <= section.end_line and not lines[start - 1].strip():
                start += 1
    return out
