"""Presenting ranked rows: the fine score, best line, snippet and highlight spans.

Runs on the best few dozen matches only. Python does what SQL cannot: where the
terms meet on one line (`match_line`), word boundaries and title hits in the
score, the snippet around the best line, and the spans to highlight (pinyin too).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from tui.core.index.store import IndexStore
from tui.core.ingest.entry import Entry
from tui.core.search.fuzzy import boundary_bonus, fuzzy_match
from tui.core.search.term_plan import TermPlan
from tui.core.text.fold import fold
from tui.core.text.pinyin import PinyinText, find_pinyin, pinyin_text

FINE_RANK_COUNT = 80
SNIPPET_WIDTH = 160
# What a term found in one place is worth: a title far more than a heading, a heading
# more than a line of text, a label (`作者:`) or a list of links least.
TITLE_CREDIT = 40.0
LINE_CREDIT = {"heading": 28.0, "text": 20.0, "label": 12.0, "link": 14.0}
LINE_PREFERENCE = {"text": 0, "heading": 1, "label": 2, "link": 3}
PINYIN_TITLE_CREDIT = 18.0  # the title spelled in pinyin or with homophones: below a word as typed
INITIALS_CREDIT = 30.0  # `tpz` → TogglePaneZoom: below the word itself in a title
FILE_NAME_CREDIT = 60.0  # a file name or slug that is the note's own name
SAME_NAME_CREDIT = 90.0  # ... all of it (`issue-99`, `notes.md`)
_WORD_CHAR = re.compile(r"\w")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|<?https?://[^\s>)]+>?|\[\[[^\]]*\]\]")
_NOT_PROSE = re.compile(r"[\W\d_]+")
_SLUG_CHARS = frozenset("-_./")
_NOTE_SUFFIXES = (".md", ".markdown", ".txt", ".org", ".rst", ".mdx")
_LABEL_LINE = re.compile(
    r"^\s*(?:#{1,6}\s|[\w\u4e00-\u9fff]{1,12}\s*[:：=](?:\s|$)|[-+=*_~`]{3,}\s*$)"
)


@dataclass(slots=True)
class SearchHit:
    """One ranked result with what a list row needs to show and highlight it."""

    entry: Entry
    score: float
    match_line: int
    title_spans: list[tuple[int, int]] = field(default_factory=list)
    snippet: str = ""
    snippet_spans: list[tuple[int, int]] = field(default_factory=list)
    partial: bool = False


class Presenter:
    """Turns (rowid, rank) rows into hits; mixed into `SearchEngine`."""

    store: IndexStore
    _boost: Mapping[str, float]

    def _pinyin_view(self, rowid: int, entry: Entry, *, with_title: bool) -> PinyinText | None:
        """Provided by `widening.Widener` (first in `SearchEngine`'s bases)."""
        raise NotImplementedError

    def _present_all(
        self,
        rows: list[tuple[int, float]],
        term_groups: list[list[TermPlan]],
        sort: str,
        limit: int,
        *,
        partial: bool,
    ) -> list[SearchHit]:
        if not rows:
            return []
        fine = rows if sort != "score" else rows[:FINE_RANK_COUNT]
        if limit > 0 and sort != "score":
            fine = rows[:limit]
        rest = [] if sort != "score" else rows[FINE_RANK_COUNT:]
        hits = self._hits_for(fine, term_groups, partial)
        # Partial matches keep their rarest-terms-first (bm25) order: a title hit on a
        # common word must not pass a body hit on the rare word the query is about.
        if sort == "score" and term_groups and not partial:
            order = {id(h): i for i, h in enumerate(hits)}
            boost = self._boost
            hits.sort(key=lambda h: (-round(h.score, 3), -boost.get(h.entry.id, 0.0), order[id(h)]))
        if rest and (limit <= 0 or len(hits) < limit):
            more = rest if limit <= 0 else rest[: limit - len(hits)]
            hits += self._hits_for(more, term_groups, partial)
        return hits

    def _hits_for(
        self, rows: list[tuple[int, float]], term_groups: list[list[TermPlan]], partial: bool
    ) -> list[SearchHit]:
        """Load and present `rows` (rowid, bm25) in their order."""
        ids = [r for r, _ in rows]
        entries = self.store.entries(ids)
        folded = self.store.folded(ids) if term_groups else {}
        hits = []
        for rowid, rank in rows:
            entry = entries.get(rowid)
            if entry is None:
                continue
            if term_groups:
                title_f, body_f = folded.get(rowid) or (fold(entry.title), fold(entry.text))
            else:
                # Nothing to find: only lengths and line breaks are read, and folding
                # keeps both, so the text itself will do.
                title_f, body_f = entry.title, entry.text
            hit = self._present(entry, title_f, body_f, -rank, term_groups, rowid)
            hit.partial = partial
            hits.append(hit)
        return hits

    def _present(
        self,
        entry: Entry,
        title_f: str,
        body_f: str,
        relevance: float,
        term_groups: list[list[TermPlan]],
        rowid: int,
    ) -> SearchHit:
        """Best line, snippet and highlight spans for one entry; the fine score."""
        needles = [[p.folded, *p.variants] for p in (plan for g in term_groups for plan in g)]
        group_needles = [
            [n for p in group for n in (p.folded, *p.variants) if n] for group in term_groups
        ]
        exact = {p.folded for g in term_groups for p in g}
        line_starts = [0]
        pos = body_f.find("\n")
        while pos >= 0:
            line_starts.append(pos + 1)
            pos = body_f.find("\n", pos + 1)
        kinds: dict[int, str] = {}

        def kind_of(line: int) -> str:
            if line not in kinds:
                start = line_starts[line]
                end = body_f.find("\n", start)
                kinds[line] = line_kind(body_f[start : end if end >= 0 else len(body_f)])
            return kinds[line]

        def heading(line: int) -> bool:
            start = line_starts[line]
            if body_f[start : start + 8].lstrip()[:1] != "#":
                return False  # most lines: no need to find where they end
            end = body_f.find("\n", start)
            return _is_heading(body_f[start : end if end >= 0 else len(body_f)].strip())

        score = relevance
        title_spans: list[tuple[int, int]] = []
        line_groups: dict[int, set[int]] = {}
        boundary_lines: set[int] = set()
        for g, (group, alts) in enumerate(zip(term_groups, group_needles, strict=True)):
            best = 0.0
            for alt in alts:
                # A typo's or a homophone's word counts less than the word as typed.
                weight = 1.0 if alt in exact else 0.7
                pos = title_f.find(alt)
                if pos >= 0:
                    title_spans.extend(find_all(title_f, alt))
                    best = max(best, weight * (TITLE_CREDIT + boundary_bonus(entry.title, pos)
                                               * 1.5 + (15.0 if pos == 0 else 0.0)))
                found_on: list[int] = []
                for start, _ in find_all(body_f, alt, limit=64):
                    line = _line_of(line_starts, start)
                    found_on.append(line)
                    line_groups.setdefault(line, set()).add(g)
                    if start == 0 or not _WORD_CHAR.match(body_f[start - 1]):
                        boundary_lines.add(line)
                if found_on:
                    best = max(best, weight * _best_line_credit(found_on, kind_of, heading))
            best = max(best, file_name_credit(entry, [p.folded for p in group],
                                              alone=len(term_groups) == 1))
            if best == 0.0:
                for plan in group:
                    if rowid in plan.initials_rowids:
                        best = max(best, INITIALS_CREDIT)
                    elif plan.extra_rowids and rowid in plan.extra_rowids:
                        fm = fuzzy_match(plan.folded, title_f, entry.title)
                        title_py = (pinyin_text(entry.title) if plan.pinyin else None)
                        if title_py is not None and find_pinyin(plan.pinyin_key, title_py):
                            # `naofu`, or 脑府 for 脑腐: the title's own words, as spoken.
                            best = max(best, PINYIN_TITLE_CREDIT)
                        elif fm is not None:
                            title_spans.extend((p, p + 1) for p in fm[1])
                            best = max(best, 12.0)
                        else:
                            best = max(best, 10.0)
            score += best
        score -= min(12.0, 2.0 * math.log2(1 + len(body_f) / 120))
        pinyin_spans: list[tuple[int, int]] = []
        if not line_groups and any(p.pinyin for g in term_groups for p in g):
            pt = self._pinyin_view(rowid, entry, with_title=False)
            for plan in (p for g in term_groups for p in g if p.pinyin):
                if pt is not None:
                    pinyin_spans.extend(find_pinyin(plan.pinyin_key, pt))
            for start, _ in pinyin_spans[:1]:
                line_groups[_line_of(line_starts, start)] = {0}
        best_index = 0
        if line_groups:
            # The line with most terms; among those, text before headings before labels
            # and link lists (a tweet's snippet is its text, not its `作者:` line).
            most = max(map(len, line_groups.values()))
            candidates = sorted((ln for ln in line_groups if len(line_groups[ln]) == most),
                                key=lambda ln: (ln not in boundary_lines, ln))
            # The first line of text, else the most telling kind (classifying every line
            # of a common word's 64 places would cost more than the rest of the hit).
            best_index = next((ln for ln in candidates[:8] if kind_of(ln) == "text"), None)
            if best_index is None:
                best_index = min(candidates[:8],
                                 key=lambda ln: (LINE_PREFERENCE[kind_of(ln)],
                                                 candidates.index(ln)))
            score += 12.0 * (len(line_groups[best_index]) - 1)
            if best_index in boundary_lines:
                score += 4.0
        start = line_starts[best_index]
        end = body_f.find("\n", start)
        end = len(body_f) if end < 0 else end
        lines_match_file = entry.end_line - entry.line == len(line_starts) - 1
        match_line = entry.line + best_index if lines_match_file else entry.line
        if line_groups and not (entry.kind == "tweet" and kind_of(best_index) == "label"):
            snippet, spans = _snippet(entry.text[start:end], body_f[start:end], needles,
                                      [(s - start, e - start) for s, e in pinyin_spans])
        else:
            snippet, spans = _leading_line(entry), []
        return SearchHit(entry=entry, score=score, match_line=match_line,
                         title_spans=merge_spans(title_spans), snippet=snippet,
                         snippet_spans=spans)


def _best_line_credit(lines: list[int], kind_of: Callable[[int], str],
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
    path = entry.path.lower()
    if not any(t in path for t in terms):
        return 0.0  # nearly always: the cheap test first
    name = path.rsplit("/", 1)[-1]
    stem = next((name[: -len(s)] for s in _NOTE_SUFFIXES if name.endswith(s)), name)
    best = 0.0
    for term in terms:
        bare = next((term[: -len(s)] for s in _NOTE_SUFFIXES if term.endswith(s)), term)
        slug = looks_like_file_name(term)
        if not (slug or alone):
            continue
        if bare and (bare == stem or path.endswith("/" + term) or path == term):
            best = max(best, SAME_NAME_CREDIT)
        elif slug and bare in path:
            best = max(best, FILE_NAME_CREDIT)
    if best and entry.kind != "note":
        best /= 3
    return best


def plain_hit(entry: Entry) -> SearchHit:
    """A hit for an entry shown without a query (recent entries)."""
    return SearchHit(entry=entry, score=0.0, match_line=entry.line, snippet=_leading_line(entry))


def _line_of(line_starts: list[int], offset: int) -> int:
    lo, hi = 0, len(line_starts)
    while lo + 1 < hi:
        mid = (lo + hi) // 2
        if line_starts[mid] <= offset:
            lo = mid
        else:
            hi = mid
    return lo


def _leading_line(entry: Entry) -> str:
    """The first informative line of an entry: not its title, a heading or a label."""
    for line in entry.text.split("\n"):
        stripped = line.strip()
        if stripped and stripped != entry.title.strip() and not _LABEL_LINE.match(line):
            return stripped[:SNIPPET_WIDTH]
    return ""


def find_all(text: str, needle: str, limit: int = 0) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    if not needle:
        return spans
    pos = text.find(needle)
    while pos >= 0 and (not limit or len(spans) < limit):
        spans.append((pos, pos + len(needle)))
        pos = text.find(needle, pos + len(needle))
    return spans


def merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _snippet(
    line: str,
    folded: str,
    needles: list[list[str]],
    extra: list[tuple[int, int]] = (),  # type: ignore[assignment]
) -> tuple[str, list[tuple[int, int]]]:
    """A one-line window of `line` around its first match, with match spans in it."""
    spans: list[tuple[int, int]] = list(extra)
    for alts in needles:
        for alt in alts:
            spans.extend(find_all(folded, alt))
    spans = merge_spans([s for s in spans if 0 <= s[0] < len(line)])
    start = 0
    if len(line) > SNIPPET_WIDTH:
        first = spans[0][0] if spans else 0
        start = max(0, min(first - SNIPPET_WIDTH // 4, len(line) - SNIPPET_WIDTH))
    window = line[start : start + SNIPPET_WIDTH]
    lead = len(window) - len(window.lstrip())
    text = window.strip()
    shifted = []
    for s, e in spans:
        s2, e2 = s - start - lead, e - start - lead
        if e2 <= 0 or s2 >= len(text):
            continue
        shifted.append((max(0, s2), min(len(text), e2)))
    if start > 0:
        text = "…" + text
        shifted = [(s + 1, e + 1) for s, e in shifted]
    if start + SNIPPET_WIDTH < len(line):
        text += "…"
    return text, shifted
