"""Presenting ranked rows: the fine score, best line, snippet and highlight spans.

Runs on the best few dozen matches only. Python does what SQL cannot: where the
terms meet on one line (`match_line`), word boundaries and title hits in the
score (`FineRanker`), the snippet around the best line and the spans to
highlight, pinyin too (`Highlighter`). `Presenter` loads the rows and orders
the hits (score, then the plan's boost).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from tui.core.index.store import IndexStore
from tui.core.ingest.entry import Entry
from tui.core.search.fuzzy import boundary_bonus, fuzzy_match
from tui.core.search.lines import (
    LINE_PREFERENCE,
    EntryLines,
    best_line_credit,
    file_name_credit,
    leading_line,
    words_name_credit,
)
from tui.core.search.pinyin_rows import spelling_spans
from tui.core.search.pinyin_views import PinyinViews
from tui.core.search.plan import QueryPlan
from tui.core.search.spans import find_all, merge_spans, snippet
from tui.core.search.term_plan import TermPlan
from tui.core.text.fold import fold
from tui.core.text.pinyin import find_pinyin, pinyin_text

TYPO_WEIGHT = 0.7  # a typo's or homophone's word, of the credit of the word as typed
TYPO_OF_PINYIN_WEIGHT = 0.5  # ... when the term also spells a Han word in pinyin
PINYIN_WORD_WEIGHT = 0.9  # a Han word spelled out in pinyin
PINYIN_RARE_WEIGHT = 0.6  # ... only with a rare reading of one of its characters
FINE_RANK_COUNT = 80  # rows re-scored in Python: what a page shows, and a margin
# What a term found in one place is worth: a title far more than a heading (lines.py).
TITLE_CREDIT = 40.0
PINYIN_TITLE_CREDIT = 18.0  # the title spelled in pinyin or with homophones: below a word as typed
INITIALS_CREDIT = 30.0  # `tpz` → TogglePaneZoom: below the word itself in a title
FUZZY_TITLE_CREDIT = 12.0  # a widened term whose letters are in the title, in order
WIDENED_CREDIT = 10.0  # a widened term found elsewhere
HELD_LETTER_CREDIT = 10.0  # a lone letter after words, a word of the title (`Chapter 3`)
_WORD_CHAR = re.compile(r"\w")

Spans = list[tuple[int, int]]


@dataclass(slots=True)
class SearchHit:
    """One ranked result with what a list row needs to show and highlight it."""

    entry: Entry
    score: float
    match_line: int
    title_spans: Spans = field(default_factory=list)
    snippet: str = ""
    snippet_spans: Spans = field(default_factory=list)
    partial: bool = False


def plain_hit(entry: Entry) -> SearchHit:
    """A hit for an entry shown without a query (recent entries)."""
    return SearchHit(entry=entry, score=0.0, match_line=entry.line, snippet=leading_line(entry))


@dataclass(slots=True)
class Assessment:
    """Where one entry holds the query's terms, and what that is worth."""

    score: float = 0.0
    title_spans: Spans = field(default_factory=list)
    line_groups: dict[int, set[int]] = field(default_factory=dict)  # line -> term groups
    boundary_lines: set[int] = field(default_factory=set)  # a term starts a word there
    pinyin_spans: Spans = field(default_factory=list)
    best_line: int = 0


class FineRanker:
    """The fine score of one entry: title hits, the kind of line each term is on,
    terms meeting on one line, a named file, widened terms, the entry's length."""

    def __init__(self, pinyin_views: PinyinViews) -> None:
        self.pinyin_views = pinyin_views

    def assess(self, entry: Entry, title_f: str, lines: EntryLines, relevance: float,
               term_groups: list[list[TermPlan]], rowid: int) -> Assessment:
        found = Assessment(score=relevance)
        exact = {p.folded for g in term_groups for p in g}
        for g, group in enumerate(term_groups):
            best = max(self._typed_credit(g, group, exact, entry, title_f, lines, found),
                       file_name_credit(entry, [p.folded for p in group],
                                        alone=len(term_groups) == 1))
            if best == 0.0:
                best = max(self._widened_credit(group, rowid, entry, title_f, found),
                           _pinyin_word_credit(g, group, lines, found))
            found.score += best
        found.score += words_name_credit(entry, [g[0].folded for g in term_groups])
        found.score -= min(12.0, 2.0 * math.log2(1 + len(lines.text) / 120))
        if found.line_groups:
            found.best_line = _best_line(found, lines)
            found.score += 12.0 * (len(found.line_groups[found.best_line]) - 1)
            if found.best_line in found.boundary_lines:
                found.score += 4.0
        return found

    def place(self, rowid: int, entry: Entry, lines: EntryLines,
              term_groups: list[list[TermPlan]], found: Assessment) -> None:
        """The line and spans of a hit that no term holds as typed but pinyin does.

        Only for hits that are shown (the pinyin view of a text is most of a pinyin
        hit's cost): the score does not depend on it, as the one line it notes holds
        one group and no typed word starts there (`assess` would add 0).
        """
        if not found.line_groups and any(p.pinyin for g in term_groups for p in g):
            self._pinyin_places(rowid, entry, lines, term_groups, found)
            if found.line_groups:
                found.best_line = _best_line(found, lines)

    def _typed_credit(self, g: int, group: list[TermPlan], exact: set[str], entry: Entry,
                      title_f: str, lines: EntryLines, found: Assessment) -> float:
        """The best place of a group's words as typed (or as variants) in title and text."""
        best = 0.0
        # A typo's or a homophone's word counts less than the word as typed, and less
        # still when the term is a Han word written out in pinyin (`yinhang`: 银行, and
        # `yinwang` is only one letter off).
        guess = TYPO_OF_PINYIN_WEIGHT if any(p.pinyin_words for p in group) else TYPO_WEIGHT
        for alt in (n for p in group for n in (p.folded, *p.variants) if n):
            weight = 1.0 if alt in exact else guess
            pos = title_f.find(alt)
            if pos >= 0:
                found.title_spans.extend(find_all(title_f, alt))
                best = max(best, weight * (TITLE_CREDIT + boundary_bonus(entry.title, pos)
                                           * 1.5 + (15.0 if pos == 0 else 0.0)))
            found_on = _lines_holding(alt, g, lines, found)
            if found_on:
                best = max(best, weight * best_line_credit(found_on, lines.kind, lines.heading))
        return best

    def _widened_credit(self, group: list[TermPlan], rowid: int, entry: Entry, title_f: str,
                        found: Assessment) -> float:
        """An entry found only through widening: initials, pinyin, a fuzzy title."""
        best = 0.0
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
                    found.title_spans.extend((p, p + 1) for p in fm[1])
                    best = max(best, FUZZY_TITLE_CREDIT)
                else:
                    best = max(best, WIDENED_CREDIT)
        return best

    def _pinyin_places(self, rowid: int, entry: Entry, lines: EntryLines,
                       term_groups: list[list[TermPlan]], found: Assessment) -> None:
        """Where pinyin terms match the text (nothing as typed did): the first is the line."""
        view = self.pinyin_views.view(rowid, entry, with_title=False)
        for plan in (p for g in term_groups for p in g if p.pinyin):
            if view is not None:
                found.pinyin_spans.extend(find_pinyin(plan.pinyin_key, view))
        for start, _ in found.pinyin_spans[:1]:
            found.line_groups[lines.line_of(start)] = {0}


def _credit_held_letters(assessed: list[_Assessed], held: tuple[str, ...]) -> None:
    """A lone letter after words (`chapter 3`, `plan b`) filters nothing while it may be
    the start of a word, but a title holding it as a word of its own comes first."""
    words = [re.compile(rf"(?<![^\W_]){re.escape(letter)}(?![^\W_])") for letter in held]
    for a in assessed:
        title = fold(a.entry.title)
        a.found.score += HELD_LETTER_CREDIT * sum(1 for w in words if w.search(title))


def _pinyin_word_credit(g: int, group: list[TermPlan], lines: EntryLines,
                        found: Assessment) -> float:
    """A pinyin term written in whole syllables, on the lines holding its Han word: the
    word as typed, nearly (`yinhang` is 银行 above a one-letter-off `yinwang` URL)."""
    best = 0.0
    for plan in group:
        if not plan.pinyin_words:
            continue
        weight = PINYIN_WORD_WEIGHT
        spans = spelling_spans(plan.pinyin_primary, lines.text) if plan.pinyin_primary else []
        if not spans:  # only through a character's rare reading: below the common ones
            weight = PINYIN_RARE_WEIGHT
            spans = spelling_spans(plan.pinyin_words, lines.text)
        found.pinyin_spans.extend(spans)
        found_on = _note_lines(spans, g, lines, found)
        if found_on:
            best = max(best, weight * best_line_credit(found_on, lines.kind, lines.heading))
    return best


def _lines_holding(alt: str, g: int, lines: EntryLines, found: Assessment) -> list[int]:
    """The lines `alt` is on (its first 64 places), noted for group `g`."""
    body_f = lines.text
    spans = find_all(body_f, alt, limit=64)
    found_on = _note_lines(spans, g, lines, found)
    for (start, _), line in zip(spans, found_on, strict=True):
        if start == 0 or not _WORD_CHAR.match(body_f[start - 1]):
            found.boundary_lines.add(line)
    return found_on


def _note_lines(spans: list[tuple[int, int]], g: int, lines: EntryLines,
                found: Assessment) -> list[int]:
    """The line of each span, each noted as holding group `g`."""
    found_on = [lines.line_of(start) for start, _ in spans]
    for line in found_on:
        found.line_groups.setdefault(line, set()).add(g)
    return found_on


def _best_line(found: Assessment, lines: EntryLines) -> int:
    """The line with most terms; among those, text before headings before labels and
    link lists (a tweet's snippet is its text, not its `作者:` line)."""
    groups = found.line_groups
    most = max(map(len, groups.values()))
    candidates = sorted((ln for ln in groups if len(groups[ln]) == most),
                        key=lambda ln: (ln not in found.boundary_lines, ln))
    # The first line of text, else the most telling kind (classifying every line
    # of a common word's 64 places would cost more than the rest of the hit).
    best = next((ln for ln in candidates[:8] if lines.kind(ln) == "text"), None)
    if best is None:
        best = min(candidates[:8],
                   key=lambda ln: (LINE_PREFERENCE[lines.kind(ln)], candidates.index(ln)))
    return best


class Highlighter:
    """The hit of an assessed entry: its best line as a snippet, and the spans to mark."""

    def hit(self, entry: Entry, lines: EntryLines, found: Assessment,
            term_groups: list[list[TermPlan]]) -> SearchHit:
        best = found.best_line
        start, end = lines.starts[best], lines.end(best)
        lines_match_file = entry.end_line - entry.line == len(lines.starts) - 1
        match_line = entry.line + best if lines_match_file else entry.line
        if found.line_groups and not (entry.kind == "tweet" and lines.kind(best) == "label"):
            needles = [[p.folded, *p.variants] for g in term_groups for p in g]
            text, spans = snippet(entry.text[start:end], lines.text[start:end], needles,
                                  [(s - start, e - start) for s, e in found.pinyin_spans])
        else:
            text, spans = leading_line(entry), []
        return SearchHit(entry=entry, score=found.score, match_line=match_line,
                         title_spans=merge_spans(found.title_spans), snippet=text,
                         snippet_spans=spans)


class Presenter:
    """Turns (rowid, rank) rows into hits, ordered by the fine score and the boost."""

    def __init__(self, store: IndexStore, ranker: FineRanker,
                 highlighter: Highlighter | None = None) -> None:
        self.store = store
        self.ranker = ranker
        self.highlighter = highlighter or Highlighter()

    def present(self, rows: list[tuple[int, float]], plan: QueryPlan, limit: int, *,
                partial: bool) -> list[SearchHit]:
        """Hits for `rows`: the first FINE_RANK_COUNT re-ranked (by score), the rest after;
        with a `limit`, no more than that many (those re-ranked but not shown are only
        scored: no snippet, no pinyin places)."""
        if not rows:
            return []
        ranked = plan.ranked
        fine = rows if not ranked else rows[:FINE_RANK_COUNT]
        if limit > 0 and not ranked:
            fine = rows[:limit]
        rest = [] if not ranked else rows[FINE_RANK_COUNT:]
        assessed = self._assessed(fine, plan.term_groups)
        if ranked and plan.held:
            _credit_held_letters(assessed, plan.held)
        # Partial matches keep their rarest-terms-first (bm25) order: a title hit on a
        # common word must not pass a body hit on the rare word the query is about.
        if ranked and plan.term_groups and not partial:
            boost = plan.boost
            assessed = [a for _, a in sorted(
                enumerate(assessed),
                key=lambda ia: (-round(ia[1].found.score, 3),
                                -boost.get(ia[1].entry.id, 0.0), ia[0]))]
        if limit > 0:
            assessed = assessed[:limit]
        hits = [self._hit(a, plan.term_groups, partial) for a in assessed]
        if rest and (limit <= 0 or len(hits) < limit):
            more = rest if limit <= 0 else rest[: limit - len(hits)]
            hits += [self._hit(a, plan.term_groups, partial)
                     for a in self._assessed(more, plan.term_groups)]
        return hits

    def _assessed(self, rows: list[tuple[int, float]], term_groups: list[list[TermPlan]]
                  ) -> list[_Assessed]:
        """Load and score `rows` (rowid, bm25) in their order."""
        ids = [r for r, _ in rows]
        entries = self.store.entries(ids)
        folded = self.store.folded(ids) if term_groups else {}
        out = []
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
            lines = EntryLines(body_f)
            found = self.ranker.assess(entry, title_f, lines, -rank, term_groups, rowid)
            out.append(_Assessed(rowid, entry, lines, found))
        return out

    def _hit(self, assessed: _Assessed, term_groups: list[list[TermPlan]], partial: bool
             ) -> SearchHit:
        rowid, entry, lines, found = assessed
        self.ranker.place(rowid, entry, lines, term_groups, found)
        hit = self.highlighter.hit(entry, lines, found, term_groups)
        hit.partial = partial
        return hit


class _Assessed(NamedTuple):
    """A scored entry, before its hit is built."""

    rowid: int
    entry: Entry
    lines: EntryLines
    found: Assessment
