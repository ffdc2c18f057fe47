"""What to copy from an entry: its text, title, links, location or code blocks.

Copied text is the note's *text*: ESC and the other C0/C1 control characters
(except newline and tab) are removed, not shown as stand-ins, so pasting a
hostile note into a terminal cannot run escape sequences or (with a lone CR)
overwrite what the user sees before pressing Enter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tui.core.ingest.entry import Entry

COPY_FIELDS = ("entry", "title", "url", "path", "code")

_CONTROLS = {
    code: None for code in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)] if code not in (9, 10)
}
# `[text](url "title")`, allowing one level of parentheses inside the URL.
_MD_LINK_RE = re.compile(
    r"\[[^\]\n]*\]\(\s*<?((?:https?|ftp)://(?:[^()\s<>]|\([^()\s]*\))+)>?(?:\s+\"[^\"\n]*\")?\s*\)"
)
# Non-ASCII letters stay (wiki links in Chinese notes); CJK and fullwidth
# punctuation end a URL, since Chinese prose puts no space after one.
_BARE_URL_RE = re.compile(r"(?:https?|ftp)://[^\s<>\"`\u3000-\u303f\uff00-\uffef]+")
_TRAILING_PUNCT = ".,;:!?'\"*_"
_FENCE_RE = re.compile(r"^( {0,3})(`{3,}|~{3,})(.*)$")


def clean_copy_text(text: str) -> str:
    """Drop control characters except newline and tab (CRLF becomes LF)."""
    text = text.replace("\r\n", "\n")
    return text if text.isprintable() else text.translate(_CONTROLS)


def _trim_url(url: str) -> str:
    """Strip sentence punctuation and unbalanced closing brackets off a bare URL."""
    while url:
        last = url[-1]
        unbalanced = {")": "(", "]": "["}.get(last)
        if last in _TRAILING_PUNCT or (
            unbalanced is not None and url.count(last) > url.count(unbalanced)
        ):
            url = url[:-1]
        else:
            break
    return url


def find_urls(text: str) -> list[str]:
    """Markdown link targets and bare URLs in order of appearance, without repeats."""
    found: list[tuple[int, str]] = []
    covered: list[tuple[int, int]] = []
    for match in _MD_LINK_RE.finditer(text):
        found.append((match.start(), match.group(1)))
        covered.append(match.span())
    for match in _BARE_URL_RE.finditer(text):
        if any(start <= match.start() < end for start, end in covered):
            continue
        url = _trim_url(match.group(0))
        if "://" in url and not url.endswith("://"):
            found.append((match.start(), url))
    out: list[str] = []
    for _, url in sorted(found, key=lambda item: item[0]):
        if url not in out:
            out.append(url)
    return out


_LABEL_LEAD = " \t-*+>#|"  # list markers, quotes, headings, table bars
_LABEL_TAIL = " \t:：-–—(（|"
LABEL_WIDTH = 60


def link_labels(text: str) -> dict[str, str]:
    """What the text calls each link, so a picker of links can say more than the URL.

    A Markdown link's text, else the words before a bare URL on its line
    (`- Textual docs: https://…` → `Textual docs`); the first mention wins.
    """
    labels: dict[str, str] = {}
    for match in _MD_LINK_RE.finditer(text):
        label = text[match.start() + 1 : text.index("]", match.start())]
        labels.setdefault(match.group(1), " ".join(label.split()))
    for match in _BARE_URL_RE.finditer(text):
        url = _trim_url(match.group(0))
        if url in labels:
            continue
        line_start = text.rfind("\n", 0, match.start()) + 1
        before = text[line_start : match.start()]
        if "://" in before:  # words after another link on the line do not name this one
            before = ""
        before = before.lstrip(_LABEL_LEAD).rstrip(_LABEL_TAIL)
        labels[url] = " ".join(before.split())[-LABEL_WIDTH:]
    return labels


def find_code_blocks(text: str) -> list[str]:
    """Contents of fenced code blocks (``` or ~~~), without the fence lines.

    An unclosed fence runs to the end of the text, as in CommonMark; the
    fence's indentation is removed from the content lines.
    """
    blocks: list[str] = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        match = _FENCE_RE.match(lines[i])
        if match is None or (match.group(2)[0] == "`" and "`" in match.group(3)):
            i += 1
            continue
        indent, fence = len(match.group(1)), match.group(2)
        body: list[str] = []
        i += 1
        while i < len(lines):
            close = _FENCE_RE.match(lines[i])
            if (
                close is not None
                and close.group(2)[0] == fence[0]
                and len(close.group(2)) >= len(fence)
                and not close.group(3).strip()
            ):
                break
            line = lines[i]
            strip = len(line) - len(line.lstrip(" "))
            body.append(line[min(strip, indent) :])
            i += 1
        i += 1
        blocks.append("\n".join(body))
    return blocks


def entry_copy_text(entry: Entry, field: str, line: int | None = None) -> list[str]:
    """Candidates to copy for `field` (see COPY_FIELDS); several → the app offers a picker.

    "url" puts a tweet's own link first, then links found in the text. "path" is
    `path:line` of `line` (the hit's match line, where `<CR>` and `pick` go), else the
    entry's first line. An empty list means there is nothing of that kind in the entry.
    """
    if field == "entry":
        candidates = [entry.text]
    elif field == "title":
        candidates = [entry.title]
    elif field == "path":
        candidates = [f"{entry.path}:{line or entry.line}"]
    elif field == "url":
        own = entry.meta.get("url") if entry.kind == "tweet" else None
        candidates = [str(own)] if own else []
        candidates += [url for url in find_urls(entry.text) if url not in candidates]
    elif field == "code":
        candidates = find_code_blocks(entry.text)
    else:
        raise ValueError(f"unknown copy field {field!r}; expected one of {COPY_FIELDS}")
    cleaned = [clean_copy_text(text) for text in candidates]
    return [text for text in cleaned if text.strip()]


def join_marked(texts: Iterable[str]) -> str:
    """Join several copied texts with one blank line between them."""
    parts = [clean_copy_text(text).strip("\n") for text in texts]
    return "\n\n".join(part for part in parts if part.strip())
