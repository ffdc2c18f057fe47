"""Lines of an entry as the ranker sees them: what kind each is, which names a file.

A term on a heading says more than one in a list of links; a term that names
the note's file (`git-rebase-onto`) asks for that note.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from tui.core.ingest.entry import Entry
from tui.core.search.spans import SNIPPET_WIDTH
from tui.core.text.fold import fold_path

# What a term found in one place is worth: a title far more than a heading, a heading
# more than a line of text, a label (`作者:`) or a list of links least.
LINE_CREDIT = {"heading": 28.0, "text": 20.0, "label": 12.0, "link": 14.0}
LINE_PREFERENCE = {"text": 0, "heading": 1, "label": 2, "link": 3}
FILE_NAME_CREDIT = 60.0  # a file name or slug that is the note's own name
SAME_NAME_CREDIT = 90.0  # ... all of it (`issue-99`, `notes.md`)
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|<?https?://[^\s>)]+>?|\[\[[^\]]*\]\]")
_NOT_PROSE = re.compile(r"[\W\d_]+")
_SLUG_CHARS = frozenset("-_./")
_NOTE_SUFFIXES = (".md", ".markdown", ".txt", ".org", ".rst", ".mdx")
# A line is classified by its start: a 5 MB line (a log, a base64 dump) costs no more
# than a long paragraph does.
KIND_CHARS = 2000
_LABEL_LINE = re.compile(
    r"^\s*(?:#{1,6}\s|[\w\u4e00-\u9fff]{1,12}\s*[:：=](?:\s|$)|[-+=*_~`]{3,}\s*$)"
)


class EntryLines:
    """The lines of an entry's folded text: where each starts, what kind it is (cached)."""

    def __init__(self, body_f: str) -> None:
        self.text = body_f
        self.starts = [0]
        pos = body_f.find("\n")
        while pos >= 0:
            self.starts.append(pos + 1)
            pos = body_f.find("\n", pos + 1)
        self._kinds: dict[int, str] = {}

    def end(self, line: int) -> int:
        end = self.text.find("\n", self.starts[line])
        return len(self.text) if end < 0 else end

    def _head(self, line: int) -> str:
        """The line, or its first KIND_CHARS characters."""
        start = self.starts[line]
        return self.text[start : min(self.end(line), start + KIND_CHARS)]

    def kind(self, line: int) -> str:
        if line not in self._kinds:
            self._kinds[line] = line_kind(self._head(line))
        return self._kinds[line]

    def heading(self, line: int) -> bool:
        start = self.starts[line]
        if self.text[start : start + 8].lstrip()[:1] != "#":
            return False  # most lines: no need to find where they end
        return _is_heading(self._head(line).strip())

    def line_of(self, offset: int) -> int:
        return _line_of(self.starts, offset)


def best_line_credit(lines: list[int], kind_of: Callable[[int], str],
                      heading: Callable[[int], bool]) -> float:
    """The credit of the best kind of line a term is on; a heading is told by its `#`
    alone, and lines are classified only until one of text is found."""
    if any(map(heading, lines)):
        return LINE_CREDIT["heading"]
    best = 0.0
    for line in list(dict.fromkeys(lines))[:8]:
        kind = kind_of(line)
        best = max(best, LINE_CREDIT[kind])
        if kind == "text":
            break
    return best


def _is_heading(stripped: str) -> bool:
    return stripped.startswith("#") and stripped.lstrip("#")[:1] in (" ", "")


def line_kind(line: str) -> str:
    """`heading`, `label` (`作者: …`), `link` (mostly a link or a list of links) or `text`."""
    stripped = line.strip()
    if _is_heading(stripped):
        return "heading"
    links = _LINK.findall(stripped)
    if links or "://" in stripped:
        rest = _NOT_PROSE.sub("", _LINK.sub("", stripped))
        linked = sum(len(_NOT_PROSE.sub("", text)) for text in links)
        if len(rest) <= max(4, linked // 2):
            return "link"
    if _LABEL_LINE.match(line):
        return "label"
    return "text"


def looks_like_file_name(term: str) -> bool:
    """A term with `-`, `_`, `.` or `/` inside (`git-rebase-onto`, `notes_2023`, `a.md`)."""
    return len(term) >= 3 and any(ch in _SLUG_CHARS for ch in term.strip("-_./"))


def file_name_credit(entry: Entry, terms: list[str], *, alone: bool) -> float:
    """A term that names the entry's file: its note entry first, its sections next.

    A slug-like term counts wherever it is in the query; a plain word only when it
    is the whole query (`git` in `git bisect` is not asking for git.md).
    """
    path = fold_path(entry.path)
    if not any(t in path for t in terms):
        return 0.0  # nearly always: the cheap test first
    name = path.rsplit("/", 1)[-1]
    stem = _without_suffix(name)
    best = max((_name_credit(term, path, stem, alone) for term in terms), default=0.0)
    if best and entry.kind != "note":
        best /= 3
    return best


def words_name_credit(entry: Entry, words: list[str]) -> float:
    """The words of a query, in order, that are the whole name of the entry's file
    (`internal links` for `Internal links.md`, as Obsidian and Foam name notes): its
    note entry first, its sections next."""
    if len(words) < 2:
        return 0.0
    path = fold_path(entry.path)  # once: this runs for every ranked entry
    if not all(w in path for w in words):
        return 0.0
    stem = _without_suffix(path.rsplit("/", 1)[-1])
    if _SEPARATORS.split(stem) != words:
        return 0.0
    return SAME_NAME_CREDIT if entry.kind == "note" else SAME_NAME_CREDIT / 3


_SEPARATORS = re.compile(r"[\s_-]+")


def _without_suffix(name: str) -> str:
    return next((name[: -len(s)] for s in _NOTE_SUFFIXES if name.endswith(s)), name)


def _name_credit(term: str, path: str, stem: str, alone: bool) -> float:
    """What one term is worth as the name of the file at `path` (lower case)."""
    bare = _without_suffix(term)
    slug = looks_like_file_name(term)
    if not (slug or alone):
        return 0.0
    if bare and (bare == stem or path.endswith("/" + term) or path == term):
        return SAME_NAME_CREDIT
    if slug and bare in path:
        return FILE_NAME_CREDIT
    return 0.0


def _after_front_matter(lines: list[str]) -> int:
    """The index of the first line after a leading `---` / `+++` block (0: none)."""
    fence = lines[0].strip() if lines else ""
    if fence not in ("---", "+++"):
        return 0
    ends = (fence, "...") if fence == "---" else (fence,)
    for index in range(1, min(len(lines), 400)):
        if lines[index].strip() in ends:
            return index + 1
    return 0


def _line_of(line_starts: list[int], offset: int) -> int:
    lo, hi = 0, len(line_starts)
    while lo + 1 < hi:
        mid = (lo + hi) // 2
        if line_starts[mid] <= offset:
            lo = mid
        else:
            hi = mid
    return lo


def leading_line(entry: Entry) -> str:
    """The first informative line of an entry: not its title, a heading, a label or
    its front matter (a row reading `- desktop` or `title: '…'` said nothing)."""
    lines = entry.text.split("\n")
    for line in lines[_after_front_matter(lines):]:
        stripped = line.strip()
        if stripped and stripped != entry.title.strip() and not _LABEL_LINE.match(line):
            return stripped[:SNIPPET_WIDTH]
    return ""


