"""Sections of a plain-text note, from lines that look like headings.

Plain text exports have no heading syntax, so heading-like lines are guessed:
short lines that do not end a sentence, standing alone between blank lines or
introducing a paragraph; title-cased lines in dense article exports; short
`Name:` speaker lines; and article titles ending in `[Link]`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from tui.core.ingest.sections import LIST_ITEM, SENTENCE_END, Section, build_sections, lines_in
from tui.core.text.width import display_width

_RULE_RE = re.compile(r"^\s*([-=*_~#+.·—─━])\1{2,}\s*$")
_CODEISH_RE = re.compile(
    r"[{};=<>`\\|]|\(\)|->|=>|::|//|^\s*(?:import|from|def|class|return|if|for|while|"
    r"let|const|var|fn|pub|func|#include|\$|>>>)\b"
)
_PREV_END = tuple(".。!！?？:：;；…\"”’')）]】>")
_CONNECTORS = frozenset(
    {"of", "for", "and", "or", "the", "to", "in", "on", "with", "a", "an", "at", "by"}
    | {"from", "vs", "via", "into", "as", "about"}
)
_LINK_SUFFIX = "[Link]"


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
    if text.endswith(SENTENCE_END) or LIST_ITEM.match(text) or _RULE_RE.match(text):
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
    skipped = lines_in(skip_ranges)
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
    return build_sections(lines, heads)
