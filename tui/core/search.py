"""Find and rank entries for a query, fast enough to run on every keystroke.

The engine works coarse to fine. Every term first finds its candidate entries with
one C-speed regex pass over a single folded text blob of all entries (substring),
and of all titles (fzf-style subsequence). Candidate sets are intersected per the
query's AND/OR structure and given a cheap score. Only the best few hundred then
get the expensive treatment: the line where most terms meet (`match_line`), the
snippet and the spans to highlight. Typo, pinyin and CJK-bigram matching widen a
term only when it has few direct matches, so they fill in below direct hits.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from tui.core.entry import Entry
from tui.core.filters import filter_matches
from tui.core.fuzzy import boundary_bonus, fuzzy_match
from tui.core.query import FieldFilter, Query, QueryError, Term, parse_query
from tui.core.textfold import (
    cjk_bigrams,
    find_pinyin,
    fold,
    fold_keep_case,
    has_han,
    pinyin_term_ok,
    pinyin_text,
)
from tui.core.typos import Vocabulary

SORT_ORDERS = ("score", "date", "likes", "path")
FINE_RANK_COUNT = 100
EXPANSION_THRESHOLD = 30
SNIPPET_WIDTH = 160
_SEP = "\x00"
_WORD_CHAR = re.compile(r"\w")


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


@dataclass(slots=True)
class SearchResult:
    """Hits in rank order plus the counts a status line shows."""

    hits: list[SearchHit]
    total: int
    searched: int
    errors: list[QueryError] = field(default_factory=list)
    partial_count: int = 0
    terms: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _TermMatch:
    """How one term matched one entry, for scoring and highlighting later."""

    score: float
    variants: tuple[str, ...] = ()
    pinyin: bool = False
    fuzzy_only: bool = False


def entry_haystack(entry: Entry) -> str:
    """The folded text a term is searched in: title, body and path."""
    return fold(f"{entry.title}\n{entry.text}\n{entry.path}")


def _blob(parts: Sequence[str]) -> tuple[str, list[int]]:
    starts = []
    pos = 0
    for part in parts:
        starts.append(pos)
        pos += len(part) + 1
    return _SEP.join(parts) + _SEP, starts


class SearchEngine:
    """Ranks a fixed list of entries; rebuild or `replace_entries` when they change."""

    def __init__(
        self,
        entries: Sequence[Entry] = (),
        hays: Sequence[str] | None = None,
        titles: Sequence[str] | None = None,
    ) -> None:
        self.replace_entries(entries, hays, titles)

    def replace_entries(
        self,
        entries: Sequence[Entry],
        hays: Sequence[str] | None = None,
        titles: Sequence[str] | None = None,
    ) -> None:
        """Swap in a new entry list; `hays`/`titles` are the folded texts if already known."""
        self.entries: list[Entry] = list(entries)
        self._hays: list[str] = (
            list(hays) if hays is not None else [entry_haystack(e) for e in self.entries]
        )
        self._titles: list[str] = (
            list(titles) if titles is not None else [fold(e.title) for e in self.entries]
        )
        self._hay_blob: tuple[str, list[int]] | None = None
        self._title_blob: tuple[str, list[int]] | None = None
        self._pinyin_blob: tuple[str, list[int], list[int]] | None = None
        self._vocabulary: Vocabulary | None = None
        self._length_penalty = [
            min(12.0, 2.0 * math.log2(1 + len(h) / 120)) for h in self._hays
        ]

    # -- candidate generation -------------------------------------------------

    def _hay_index(self) -> tuple[str, list[int]]:
        if self._hay_blob is None:
            self._hay_blob = _blob(self._hays)
        return self._hay_blob

    def _title_index(self) -> tuple[str, list[int]]:
        if self._title_blob is None:
            self._title_blob = _blob(self._titles)
        return self._title_blob

    def _scan(self, pattern: str, blob_and_starts: tuple[str, list[int]]) -> list[int]:
        """Entries whose blob part matches `pattern`; one regex pass, one hit per entry."""
        blob, starts = blob_and_starts
        regex = re.compile(f"(?:{pattern})[^{_SEP}]*")
        return [bisect_right(starts, m.start()) - 1 for m in regex.finditer(blob)]

    def _substring_candidates(self, needle: str) -> list[int]:
        return self._scan(re.escape(needle), self._hay_index())

    def _fuzzy_title_candidates(self, needle: str) -> dict[int, float]:
        """Titles holding `needle` as a subsequence, with a compactness score."""
        blob, starts = self._title_index()
        body = f"[^{_SEP}]*?".join(re.escape(ch) for ch in needle)
        regex = re.compile(f"({body})[^{_SEP}]*")
        found: dict[int, float] = {}
        # fzf accepts any scatter; in long titles that is noise, so cap the window.
        widest = max(3 * len(needle), len(needle) + 12)
        for m in regex.finditer(blob):
            span = m.end(1) - m.start(1)
            if span <= widest:
                found[bisect_right(starts, m.start()) - 1] = len(needle) / span
        return found

    def _vocab(self) -> Vocabulary:
        if self._vocabulary is None:
            self._vocabulary = Vocabulary.from_texts(self._hays)
        return self._vocabulary

    def _pinyin_candidates(self, term: str) -> list[int]:
        if self._pinyin_blob is None:
            owners: list[int] = []
            fulls: list[str] = []
            for i, entry in enumerate(self.entries):
                if has_han(entry.title) or has_han(entry.text):
                    pt = pinyin_text(f"{entry.title}\n{entry.text}")
                    if pt is not None:
                        owners.append(i)
                        fulls.append(f"{pt.full}|{pt.initials}")
            blob, starts = _blob(fulls)
            self._pinyin_blob = (blob, starts, owners)
        blob, starts, owners = self._pinyin_blob
        hits = self._scan(re.escape(term), (blob, starts))
        return [owners[h] for h in hits]

    def _term_candidates(self, term: Term) -> dict[int, _TermMatch]:
        """Candidate entries of one positive term with a coarse score each."""
        needle = term.text if term.case_sensitive else fold(term.text)
        folded_needle = fold(term.text)
        mode = term.mode
        if mode == "fuzzy" or mode == "exact":
            hits = self._substring_candidates(folded_needle)
        elif mode == "word":
            hits = self._scan(rf"(?<!\w){re.escape(folded_needle)}(?!\w)", self._hay_index())
        elif mode == "prefix":
            pattern = rf"(?:(?<=[\n{_SEP}])|^){re.escape(folded_needle)}"
            hits = self._scan(pattern, self._hay_index())
        elif mode == "suffix":
            hits = self._scan(rf"{re.escape(folded_needle)}(?=[\n{_SEP}])", self._hay_index())
        else:  # equal
            hits = self._scan(
                rf"(?:(?<=[\n{_SEP}])|^){re.escape(folded_needle)}(?=[\n{_SEP}])", self._hay_index()
            )
        matches: dict[int, _TermMatch] = {}
        for i in hits:
            if term.case_sensitive and not self._case_sensitive_hit(i, needle):
                continue
            matches[i] = _TermMatch(self._direct_score(i, folded_needle))
        if mode != "fuzzy":
            return matches
        if len(folded_needle) >= 2 and not term.case_sensitive:
            for i, compact in self._fuzzy_title_candidates(folded_needle).items():
                if i not in matches:
                    matches[i] = _TermMatch(8.0 + 30.0 * compact, fuzzy_only=True)
        if len(matches) < EXPANSION_THRESHOLD:
            self._expand(term, folded_needle, matches)
        return matches

    def _case_sensitive_hit(self, i: int, needle: str) -> bool:
        entry = self.entries[i]
        return needle in fold_keep_case(f"{entry.title}\n{entry.text}\n{entry.path}")

    def _direct_score(self, i: int, needle: str) -> float:
        title = self._titles[i]
        pos = title.find(needle)
        if pos >= 0:
            score = 60.0 + boundary_bonus(self.entries[i].title, pos) * 2.0
            if pos == 0:
                score += 15.0
            if len(needle) >= len(title) * 0.6:
                score += 10.0
            return score
        hay = self._hays[i]
        pos = hay.find(needle)
        score = 30.0
        if pos > 0 and not _WORD_CHAR.match(hay[pos - 1]):
            score += 8.0
        return score

    def _expand(self, term: Term, needle: str, matches: dict[int, _TermMatch]) -> None:
        """Typo, pinyin and CJK-bigram matches for a term with few direct hits."""
        if len(needle) >= 5 and needle.isascii() and needle.isalpha():
            for variant, distance in self._vocab().near(needle):
                for i in self._substring_candidates(variant):
                    if i not in matches:
                        matches[i] = _TermMatch(22.0 - 6.0 * distance, variants=(variant,))
        if pinyin_term_ok(needle):
            for i in self._pinyin_candidates(needle):
                if i in matches:
                    continue
                entry = self.entries[i]
                pt = pinyin_text(f"{entry.title}\n{entry.text}")
                if pt is not None and find_pinyin(needle, pt):
                    matches[i] = _TermMatch(26.0, pinyin=True)
        if has_han(needle) and len(needle) >= 3:
            grams = cjk_bigrams(needle)
            if not grams:
                return
            counts: dict[int, int] = {}
            for gram in grams:
                for i in self._substring_candidates(gram):
                    counts[i] = counts.get(i, 0) + 1
            for i, count in counts.items():
                overlap = count / len(grams)
                if overlap >= 0.5 and i not in matches:
                    matches[i] = _TermMatch(12.0 + 24.0 * overlap, variants=tuple(grams))

    def _term_matches_entry(self, i: int, term: Term) -> bool:
        """Exact check of one term against one entry (used for negations and OR)."""
        needle = fold(term.text)
        hay = self._hays[i]
        mode = term.mode
        if mode in ("fuzzy", "exact"):
            found = needle in hay
        elif mode == "word":
            found = re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", hay) is not None
        else:
            lines = hay.split("\n")
            if mode == "prefix":
                found = any(line.startswith(needle) for line in lines)
            elif mode == "suffix":
                found = any(line.endswith(needle) for line in lines)
            else:
                found = needle in lines
        if found and term.case_sensitive:
            found = self._case_sensitive_hit(i, term.text)
        return found

    # -- the query --------------------------------------------------------------

    def search(
        self,
        query: str | Query,
        *,
        limit: int = 50,
        sort: str = "score",
        within: Iterable[int] | None = None,
    ) -> SearchResult:
        """Run `query`; `limit` 0 means every match. `within` narrows to given entries."""
        parsed = parse_query(query) if isinstance(query, str) else query
        total_entries = len(self.entries)
        generating: list[list[Term]] = []
        checks: list[list[Term | FieldFilter]] = []
        for group in parsed.groups:
            if group and all(isinstance(it, Term) and not it.negated for it in group):
                generating.append([it for it in group if isinstance(it, Term)])
            elif group:
                checks.append(group)

        group_matches: list[dict[int, _TermMatch]] = []
        for group in generating:
            merged: dict[int, _TermMatch] = {}
            for term in group:
                for i, match in self._term_candidates(term).items():
                    if i not in merged or merged[i].score < match.score:
                        merged[i] = match
            group_matches.append(merged)

        allowed = set(within) if within is not None else None
        if group_matches:
            ordered = sorted(group_matches, key=len)
            candidates = set(ordered[0])
            for other in ordered[1:]:
                candidates.intersection_update(other)
        else:
            candidates = set(range(total_entries))
        if allowed is not None:
            candidates &= allowed
        candidates = {i for i in candidates if self._passes(i, checks)}

        scored = self._coarse_scores(candidates, group_matches)
        partial_ids: set[int] = set()
        wanted = limit if limit > 0 else total_entries
        if len(group_matches) >= 2 and len(scored) < wanted:
            extra = self._partial_scores(group_matches, candidates, checks, allowed)
            partial_ids = set(extra)
            scored.update(extra)

        hits = self._rank(scored, group_matches, generating, partial_ids, sort, limit)
        return SearchResult(
            hits=hits,
            total=len(scored),
            searched=total_entries,
            errors=list(parsed.errors),
            partial_count=len(partial_ids),
            terms=[fold(t.text) for group in generating for t in group],
        )

    def _passes(self, i: int, checks: list[list[Term | FieldFilter]]) -> bool:
        entry = self.entries[i]
        for group in checks:
            ok = False
            for item in group:
                if isinstance(item, FieldFilter):
                    ok = filter_matches(item, entry)
                else:
                    ok = self._term_matches_entry(i, item) != item.negated
                if ok:
                    break
            if not ok:
                return False
        return True

    def _coarse_scores(
        self, candidates: set[int], group_matches: list[dict[int, _TermMatch]]
    ) -> dict[int, float]:
        if not group_matches:
            # Fields only: nothing to rank by, so keep file order as fzf keeps input order.
            return dict.fromkeys(candidates, 0.0)
        penalty = self._length_penalty
        return {
            i: sum(matches[i].score for matches in group_matches) - penalty[i] for i in candidates
        }

    def _partial_scores(
        self,
        group_matches: list[dict[int, _TermMatch]],
        strict: set[int],
        checks: list[list[Term | FieldFilter]],
        allowed: set[int] | None,
    ) -> dict[int, float]:
        """Entries matching some but not all terms, ranked by the rarity of what they match.

        Used when too few entries match every term: a query that mixes languages
        (`INT4 quantization` over Chinese notes) still finds its target through its
        rare, specific term rather than returning nothing.
        """
        n = max(1, len(self.entries))
        idf = [math.log(1 + n / (1 + len(m))) for m in group_matches]
        best_idf = sum(idf)
        found: dict[int, float] = {}
        seen: dict[int, float] = {}
        for weight, matches in zip(idf, group_matches, strict=True):
            for i, match in matches.items():
                if i in strict or match.fuzzy_only:
                    continue
                seen[i] = seen.get(i, 0.0) + weight * match.score / 60.0
        for i, value in seen.items():
            if allowed is not None and i not in allowed:
                continue
            if not self._passes(i, checks):
                continue
            # Below every strict hit: the offset keeps partial matches after them.
            found[i] = -1000.0 + 100.0 * value / best_idf - self._length_penalty[i]
        return found

    # -- ranking and presentation ---------------------------------------------

    def _rank(
        self,
        scored: dict[int, float],
        group_matches: list[dict[int, _TermMatch]],
        generating: list[list[Term]],
        partial_ids: set[int],
        sort: str,
        limit: int,
    ) -> list[SearchHit]:
        order = sorted(scored, key=lambda i: (-scored[i], i))
        fine = order[:FINE_RANK_COUNT]
        fine_hits = {i: self._present(i, scored[i], group_matches, generating) for i in fine}
        for i in fine:
            fine_hits[i].partial = i in partial_ids
        fine.sort(key=lambda i: (i in partial_ids, -fine_hits[i].score, i))
        order[: len(fine)] = fine
        if sort == "date":
            order.sort(key=lambda i: str(self.entries[i].meta.get("date") or ""), reverse=True)
        elif sort == "likes":
            order.sort(key=lambda i: int(self.entries[i].meta.get("likes") or 0), reverse=True)
        elif sort == "path":
            order.sort(key=lambda i: (self.entries[i].path, self.entries[i].line))
        if limit > 0:
            order = order[:limit]
        hits = []
        for i in order:
            hit = fine_hits.get(i) or self._present(i, scored[i], group_matches, generating)
            hit.partial = i in partial_ids
            hits.append(hit)
        return hits

    def _present(
        self,
        i: int,
        coarse: float,
        group_matches: list[dict[int, _TermMatch]],
        generating: list[list[Term]],
    ) -> SearchHit:
        """Best line, snippet and highlight spans for entry `i`; refines the score.

        Works on the folded haystack computed at index time (folding preserves
        length), so offsets there are offsets in the original text.
        """
        entry = self.entries[i]
        needles: list[list[str]] = []
        for g, group in enumerate(generating):
            alts = [fold(t.text) for t in group]
            match = group_matches[g].get(i)
            if match is not None:
                alts.extend(match.variants)
            needles.append([a for a in alts if a])
        title_spans = self._title_spans(entry, generating, needles)
        offset = len(entry.title) + 1
        folded_text = self._hays[i][offset : offset + len(entry.text)]
        line_starts = [0]
        pos = folded_text.find("\n")
        while pos >= 0:
            line_starts.append(pos + 1)
            pos = folded_text.find("\n", pos + 1)
        line_groups: dict[int, set[int]] = {}
        line_boundary: set[int] = set()
        for g, alts in enumerate(needles):
            for alt in alts:
                for start, _ in _find_all(folded_text, alt, limit=64):
                    line = bisect_right(line_starts, start) - 1
                    line_groups.setdefault(line, set()).add(g)
                    if start == 0 or not _WORD_CHAR.match(folded_text[start - 1]):
                        line_boundary.add(line)
        best_index = 0
        best_hits = 0
        if line_groups:
            best_index = min(
                line_groups,
                key=lambda ln: (-len(line_groups[ln]), ln not in line_boundary, ln),
            )
            best_hits = len(line_groups[best_index])
        score = coarse
        if best_hits > 1:
            score += 12.0 * (best_hits - 1)
        if best_index in line_boundary:
            score += 4.0
        line_start = line_starts[best_index]
        line_end = folded_text.find("\n", line_start)
        if line_end < 0:
            line_end = len(folded_text)
        lines_match_file = entry.end_line - entry.line == len(line_starts) - 1
        match_line = entry.line + best_index if lines_match_file else entry.line
        if line_groups:
            snippet, snippet_spans = _snippet(
                entry.text[line_start:line_end], folded_text[line_start:line_end], needles
            )
        else:
            snippet, snippet_spans = _leading_line(entry), []
        return SearchHit(
            entry=entry,
            score=score,
            match_line=match_line,
            title_spans=title_spans,
            snippet=snippet,
            snippet_spans=snippet_spans,
        )

    def _title_spans(
        self, entry: Entry, generating: list[list[Term]], needles: list[list[str]]
    ) -> list[tuple[int, int]]:
        folded = fold(entry.title)
        spans: list[tuple[int, int]] = []
        for group, alts in zip(generating, needles, strict=True):
            found = False
            for alt in alts:
                spans_here = _find_all(folded, alt)
                if spans_here:
                    spans.extend(spans_here)
                    found = True
                    break
            if not found:
                for term in group:
                    if term.mode == "fuzzy":
                        fm = fuzzy_match(fold(term.text), folded, entry.title)
                        if fm is not None:
                            spans.extend((p, p + 1) for p in fm[1])
                            break
        return _merge_spans(spans)


_LABEL_LINE = re.compile(
    r"^\s*(?:#{1,6}\s|[\w\u4e00-\u9fff]{1,12}\s*[:：=](?:\s|$)|[-+=*_~`]{3,}\s*$)"
)


def _leading_line(entry: Entry) -> str:
    """The first informative line of an entry: not its title, a heading or a label."""
    for line in entry.text.split("\n"):
        stripped = line.strip()
        if stripped and stripped != entry.title.strip() and not _LABEL_LINE.match(line):
            return stripped[:SNIPPET_WIDTH]
    return ""


def _find_all(text: str, needle: str, limit: int = 0) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    if not needle:
        return spans
    pos = text.find(needle)
    while pos >= 0 and (not limit or len(spans) < limit):
        spans.append((pos, pos + len(needle)))
        pos = text.find(needle, pos + len(needle))
    return spans


def _merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _snippet(
    line: str, folded: str, needles: list[list[str]]
) -> tuple[str, list[tuple[int, int]]]:
    """A one-line window of `line` around its first match, with match spans in it."""
    spans: list[tuple[int, int]] = []
    for alts in needles:
        for alt in alts:
            found = _find_all(folded, alt)
            if found:
                spans.extend(found)
                break
    spans = _merge_spans(spans)
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
