"""Presenting ranked rows: the fine score, best line, snippet and highlight spans.

Runs on the best few dozen matches only. Python does what SQL cannot: where the
terms meet on one line (`match_line`), word boundaries and title hits in the
score, the snippet around the best line, and the spans to highlight (pinyin too).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from tui.core.entry import Entry
from tui.core.fuzzy import boundary_bonus, fuzzy_match
from tui.core.store import IndexStore
from tui.core.term_plan import TermPlan
from tui.core.textfold import PinyinText, find_pinyin, fold

FINE_RANK_COUNT = 80
SNIPPET_WIDTH = 160
_WORD_CHAR = re.compile(r"\w")
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
        if sort == "score" and term_groups:
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
        score = relevance
        title_spans: list[tuple[int, int]] = []
        for group, alts in zip(term_groups, group_needles, strict=True):
            best = 0.0
            for alt in alts:
                pos = title_f.find(alt)
                if pos >= 0:
                    title_spans.extend(find_all(title_f, alt))
                    best = max(best, 40.0 + boundary_bonus(entry.title, pos) * 1.5
                               + (15.0 if pos == 0 else 0.0))
                elif alt in body_f:
                    best = max(best, 20.0)
            if best == 0.0:
                for plan in group:
                    if plan.extra_rowids and rowid in plan.extra_rowids:
                        fm = fuzzy_match(plan.folded, title_f, entry.title)
                        if fm is not None:
                            title_spans.extend((p, p + 1) for p in fm[1])
                            best = max(best, 12.0)
                        else:
                            best = max(best, 10.0)
            score += best
        score -= min(12.0, 2.0 * math.log2(1 + len(body_f) / 120))
        line_starts = [0]
        pos = body_f.find("\n")
        while pos >= 0:
            line_starts.append(pos + 1)
            pos = body_f.find("\n", pos + 1)
        line_groups: dict[int, set[int]] = {}
        boundary_lines: set[int] = set()
        for g, alts in enumerate(group_needles):
            for alt in alts:
                for start, _ in find_all(body_f, alt, limit=64):
                    line = _line_of(line_starts, start)
                    line_groups.setdefault(line, set()).add(g)
                    if start == 0 or not _WORD_CHAR.match(body_f[start - 1]):
                        boundary_lines.add(line)
        pinyin_spans: list[tuple[int, int]] = []
        if not line_groups and any(p.pinyin for g in term_groups for p in g):
            pt = self._pinyin_view(rowid, entry, with_title=False)
            for plan in (p for g in term_groups for p in g if p.pinyin):
                if pt is not None:
                    pinyin_spans.extend(find_pinyin(plan.folded, pt))
            for start, _ in pinyin_spans[:1]:
                line_groups[_line_of(line_starts, start)] = {0}
        best_index = 0
        if line_groups:
            best_index = min(line_groups,
                             key=lambda ln: (-len(line_groups[ln]), ln not in boundary_lines, ln))
            score += 12.0 * (len(line_groups[best_index]) - 1)
            if best_index in boundary_lines:
                score += 4.0
        start = line_starts[best_index]
        end = body_f.find("\n", start)
        end = len(body_f) if end < 0 else end
        lines_match_file = entry.end_line - entry.line == len(line_starts) - 1
        match_line = entry.line + best_index if lines_match_file else entry.line
        if line_groups:
            snippet, spans = _snippet(entry.text[start:end], body_f[start:end], needles,
                                      [(s - start, e - start) for s, e in pinyin_spans])
        else:
            snippet, spans = _leading_line(entry), []
        return SearchHit(entry=entry, score=score, match_line=match_line,
                         title_spans=merge_spans(title_spans), snippet=snippet,
                         snippet_spans=spans)


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
