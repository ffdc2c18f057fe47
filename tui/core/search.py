"""Find and rank entries for a query, fast enough to run on every keystroke.

Coarse to fine. SQLite does the heavy part in C: FTS5 trigram phrases find the
entries holding every term (CJK substrings included), bm25 ranks them with titles
weighing most, field filters run as SQL, and counts come for free. Python then
re-ranks only the best few hundred: where the terms meet on one line
(`match_line`), word boundaries, title hits, the snippet and the spans to
highlight. Typo, pinyin, fuzzy-title and CJK n-gram matching widen a term only
when the query finds little, so they fill in below direct hits. When no entry
has every term, entries with the rarest terms follow as partial matches (bm25
over an OR of the terms is an IDF ranking).

Terms of one or two characters cannot use the trigram index: they narrow other
terms' results (title and text), and on their own they match titles.
"""

from __future__ import annotations

import json
import math
import re
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from tui.core.entry import Entry
from tui.core.fuzzy import boundary_bonus, fuzzy_match
from tui.core.query import FieldFilter, Query, QueryError, Term, parse_query
from tui.core.sqlfilters import filter_sql, like_escape
from tui.core.store import IndexStore, PreparedSource
from tui.core.textfold import (
    PinyinText,
    find_pinyin,
    fold,
    fold_keep_case,
    has_han,
    is_han,
    pinyin_term_ok,
    pinyin_text,
)
from tui.core.typos import Vocabulary

SORT_ORDERS = ("score", "date", "likes", "path")
FINE_RANK_COUNT = 80
EXPANSION_THRESHOLD = 30
EXPANSION_ROWS = 2000
TITLE_CANDIDATES = 200  # best title hits checked against a broad multi-term query
FILTER_SET_MAX = 20_000  # entries of field filters gathered into a set; above, checked per row
BROAD_MATCHES = 500  # above this, ranking every match costs too much per keystroke
COUNT_CAP = 2000  # counts stop here ("2000+"): exact counts of broad terms cost a scan
PARTIAL_BELOW = 10  # strict hits under which partial matches are added
COMMON_SHARE = 0.05  # terms in more entries than this share add little to a partial
PARTIAL_RANKED = 1000  # entries that partial matching ranks by bm25; commoner terms only fill
PINYIN_CHECK_ROWS = 30
PINYIN_ROWS = 500  # pinyin hits read per keystroke: they rank alike, and each costs its text
PINYIN_SPELLED = 6  # pinyin this long that matched is not also tried as a title abbreviation
PINYIN_VIEWS = 4000  # entries whose pinyin is kept between keystrokes
PINYIN_SCOPE = 500  # characters of text (after the title) that pinyin can find
SNIPPET_WIDTH = 160
BM25 = "bm25(fts, 10.0, 1.0, 0.3)"
BM25_WEIGHTS = (10.0, 1.0, 0.3)  # title, text, path: as in BM25
BM25_K1, BM25_B = 1.2, 0.75  # FTS5's constants
BM25_SCALE = 4.0  # a typical term rarity, so scores sit where FTS5's would
_WORD_CHAR = re.compile(r"\w")
# Conditions that are a set of rowids; checked on the FTS side they spare a join per hit.
_ROWID_SET = "e.rowid IN (SELECT id FROM "
_FTS_ROWID_SET = "+fts.rowid IN (SELECT id FROM "  # `+`: never an FTS rowid lookup
_ROWID_SET_ONLY = re.compile(r"^\(?e\.rowid IN \(SELECT id FROM (temp\.rowids_\d+)\)\)?$")
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


@dataclass(slots=True)
class SearchResult:
    """Hits in rank order plus the counts a status line shows."""

    hits: list[SearchHit]
    total: int
    searched: int
    errors: list[QueryError] = field(default_factory=list)
    partial_count: int = 0
    terms: list[str] = field(default_factory=list)
    total_capped: bool = False  # `total` is a lower bound (COUNT_CAP reached)


@dataclass(slots=True)
class _TermPlan:
    """One positive term: its folded text and what widened it."""

    term: Term
    folded: str
    variants: list[str] = field(default_factory=list)
    extra_rowids: set[int] = field(default_factory=set)
    pinyin: bool = False

    @property
    def long(self) -> bool:
        return len(self.folded) >= 3

    @property
    def needs_check(self) -> bool:
        return self.term.case_sensitive or self.term.mode not in ("fuzzy", "exact")


@dataclass(slots=True)
class _GrownRows:
    """The last expansion lookup of one kind; while the needle only grows, its rows
    hold every answer, so the next keystroke filters them instead of asking SQLite."""

    needle: str
    generation: int
    rows: list[tuple[int, str]]
    complete: bool


def _in_order(needle: str, text: str) -> bool:
    """Whether the characters of `needle` appear in `text` in order (LIKE '%a%b%')."""
    at = 0
    for ch in needle:
        at = text.find(ch, at)
        if at < 0:
            return False
        at += 1
    return True


def _any_of(conditions: list[str]) -> str:
    """OR of conditions; rowid sets become one set (a UNION), which SQLite walks by
    rowid, where an OR of `IN`s makes it test every entry."""
    prefix = "e.rowid IN ("
    if len(conditions) > 1 and all(c.startswith(prefix) and c.endswith(")") for c in conditions):
        return prefix + " UNION ".join(c[len(prefix) : -1] for c in conditions) + ")"
    return "(" + " OR ".join(conditions) + ")"


def phrase(text: str) -> str:
    """An FTS5 phrase for a literal substring (trigram tokenizer); NUL is indexed as U+FFFD."""
    return '"' + text.replace("\x00", "\ufffd").replace('"', '""') + '"'


def _term_in_text(term: Term, title: str, text: str, path: str) -> bool:
    """The exact meaning of one term against an entry (for checks SQL cannot do)."""
    mode = term.mode
    if term.case_sensitive:
        needle = fold_keep_case(term.text)
        haystacks = [fold_keep_case(title), fold_keep_case(text), fold_keep_case(path)]
    else:
        needle = fold(term.text)
        haystacks = [fold(title), fold(text), fold(path)]
    if mode in ("fuzzy", "exact"):
        return any(needle in h for h in haystacks)
    if mode == "word":
        pattern = re.compile(rf"(?<!\w){re.escape(needle)}(?!\w)")
        return any(pattern.search(h) for h in haystacks)
    lines = [line for h in haystacks[:2] for line in h.split("\n")]
    if mode == "prefix":
        return any(line.startswith(needle) for line in lines)
    if mode == "suffix":
        return any(line.endswith(needle) for line in lines)
    return needle in lines


class SearchEngine:
    """Ranks the entries of one `IndexStore`."""

    def __init__(self, store: IndexStore) -> None:
        self.store = store
        self._vocabulary: tuple[int, Vocabulary] | None = None
        self._boost: Mapping[str, float] = {}
        self._entries_cache: tuple[int, list[Entry]] | None = None
        self._grown: dict[str, _GrownRows] = {}
        self._average_lengths: tuple[float, float, float] | None = None
        self._frequencies: dict[tuple[int, str, int], int] = {}
        # Rowids are never reused, so an entry's pinyin view never goes stale.
        self._pinyin_views: OrderedDict[tuple[int, bool], PinyinText | None] = OrderedDict()

    @classmethod
    def from_entries(cls, entries: Sequence[Entry]) -> SearchEngine:
        """An engine over a list of entries held in an in-memory database."""
        store = IndexStore(None)
        store.replace_sources({"<memory>": prepare_source("", list(entries), [])}, [])
        return cls(store)

    @property
    def entries(self) -> list[Entry]:
        """Every entry (path, line order); loads them all, so not for hot paths."""
        generation = self.store.generation
        if self._entries_cache is None or self._entries_cache[0] != generation:
            self._entries_cache = (generation, self.store.all_entries())
        return self._entries_cache[1]

    # -- planning -----------------------------------------------------------------

    def search(
        self,
        query: str | Query,
        *,
        limit: int = 50,
        sort: str = "score",
        boost: Mapping[str, float] | None = None,
    ) -> SearchResult:
        """Run `query`; `limit` 0 means every match; `boost` (frecency) breaks ties."""
        self._boost = boost or {}
        parsed = parse_query(query) if isinstance(query, str) else query
        total_entries = self.store.count()
        term_groups: list[list[_TermPlan]] = []
        other_groups: list[list[Term | FieldFilter]] = []
        for group in parsed.groups:
            if group and all(isinstance(i, Term) and not i.negated for i in group):
                plans = [_TermPlan(t, fold(t.text)) for t in group if isinstance(t, Term)]
                term_groups.append([p for p in plans if p.folded])
            elif group:
                other_groups.append(group)
        term_groups = [g for g in term_groups if g]
        if other_groups or any(len(p.folded) > 1 for g in term_groups for p in g):
            # A lone letter next to real terms or filters is a word still being typed;
            # it would match almost every entry, so it waits for its second letter.
            term_groups = [g for g in term_groups if any(len(p.folded) > 1 for p in g)]
        has_long = any(p.long for g in term_groups for p in g)

        rows, total = self._strict(term_groups, other_groups, has_long, limit, sort)
        if total < EXPANSION_THRESHOLD and term_groups and self._expand(term_groups, total):
            rows, total = self._strict(term_groups, other_groups, has_long, limit, sort)
        capped = total > COUNT_CAP
        total = min(total, COUNT_CAP)

        wanted = limit if limit > 0 else total_entries
        partial: list[tuple[int, float]] = []
        long_groups = [g for g in term_groups if any(p.long for p in g)]
        if len(long_groups) >= 2 and total < min(wanted, PARTIAL_BELOW) and sort == "score":
            partial = self._partial(long_groups, other_groups, {r for r, _ in rows},
                                    wanted - len(rows), total_entries)

        hits = self._present_all(rows, term_groups, sort, limit, partial=False)
        hits += self._present_all(partial, term_groups, sort, 0, partial=True)
        return SearchResult(
            hits=hits[:limit] if limit > 0 else hits,
            total=total + len(partial),
            searched=total_entries,
            errors=list(parsed.errors),
            partial_count=len(partial),
            terms=[p.folded for g in term_groups for p in g]
            + [v for g in term_groups for p in g for v in p.variants],
            total_capped=capped,
        )

    def _conditions(
        self,
        term_groups: list[list[_TermPlan]],
        other_groups: list[list[Term | FieldFilter]],
        has_long: bool,
    ) -> tuple[str | None, list[str], list[object], bool]:
        """FTS match expression, WHERE conditions, parameters, and whether Python must check."""
        match_parts: list[str] = []
        where: list[str] = []
        params: list[object] = []
        check = False
        for group in term_groups:
            check = check or any(p.needs_check for p in group)
            pure = all(p.long and not p.extra_rowids for p in group)
            if pure:
                alternatives = [phrase(p.folded) for p in group]
                alternatives += [phrase(v) for p in group for v in p.variants]
                match_parts.append("(" + " OR ".join(alternatives) + ")")
                continue
            ors: list[str] = []
            for plan in group:
                sql, more = self._term_sql(plan.folded, plan.variants, has_long)
                ors.append(sql)
                params.extend(more)
                if plan.extra_rowids:
                    ors.append("e.rowid IN (SELECT value FROM json_each(?))")
                    params.append(json.dumps(sorted(plan.extra_rowids)))
            where.append(_any_of(ors))
        filter_only = [g for g in other_groups if all(isinstance(i, FieldFilter) for i in g)]
        if term_groups and filter_only:
            # Filters in front of a word being typed stay the same for many keystrokes:
            # their entries are gathered once, and each FTS hit is probed against them
            # before any row of `entries` is read.
            ands, more_params = [], []
            for group in filter_only:
                parts = [filter_sql(i, self.store.authors) for i in group
                         if isinstance(i, FieldFilter)]
                ands.append("(" + " OR ".join(sql for sql, _ in parts) + ")")
                more_params.extend(p for _, more in parts for p in more)
            table = self.store.rowid_table(
                "SELECT e.rowid FROM entries e WHERE " + " AND ".join(ands), more_params,
                max_rows=FILTER_SET_MAX,
            )
            if table is not None:  # else filters this broad are checked row by row
                where.append(f"{_ROWID_SET}{table})")
                other_groups = [g for g in other_groups if g not in filter_only]
        for group in other_groups:
            ors = []
            for item in group:
                if isinstance(item, FieldFilter):
                    sql, more = filter_sql(item, self.store.authors)
                else:
                    check = check or item.case_sensitive or item.mode not in ("fuzzy", "exact")
                    sql, more = self._term_sql(fold(item.text), [], True)
                    if item.negated:
                        sql = f"NOT ({sql})"
                ors.append(sql)
                params.extend(more)
            where.append("(" + " OR ".join(ors) + ")")
        match = " AND ".join(match_parts) if match_parts else None
        return match, where, params, check

    def _term_sql(self, folded: str, variants: list[str], body_too: bool
                  ) -> tuple[str, list[object]]:
        """SQL for 'entry contains this text', always through an index when it can be.

        3+ characters: a trigram phrase (any substring). Shorter: a token of the
        `tokens` table: a Chinese two-character word anywhere, or a word starting
        with the letters. Only text with no word characters falls back to titles.
        """
        needles = [folded, *variants]
        if all(len(n) >= 3 for n in needles):
            expr = " OR ".join(phrase(n) for n in needles)
            return "e.rowid IN (SELECT rowid FROM fts WHERE fts MATCH ?)", [expr]
        short = _short_token_query(folded)
        if short is not None:
            return f"{_ROWID_SET}{self.store.token_table(short)})", []
        if len(folded) == 1:
            # Titles starting with the letter: a range on the title index, not a scan.
            return "(e.title_f >= ? AND e.title_f < ?)", [folded, chr(ord(folded) + 1)]
        return "e.title_f LIKE ? ESCAPE '\\'", [f"%{like_escape(folded)}%"]

    def _order(self, match: str | None, term_groups: list[list[_TermPlan]], sort: str
               ) -> tuple[str, list[object]]:
        if sort == "date":
            return "e.date IS NULL, e.date DESC, e.path, e.line", []
        if sort == "likes":
            return "e.likes IS NULL, e.likes DESC, e.path, e.line", []
        if sort == "path" or not term_groups:
            return "e.path, e.line", []
        if match is not None:
            return "rank, e.path, e.line", []
        first = term_groups[0][0].folded
        return (
            "e.title_f NOT LIKE ? ESCAPE '\\', length(e.title_f), e.path, e.line",
            [f"{like_escape(first)}%"],
        )

    def _strict(
        self,
        term_groups: list[list[_TermPlan]],
        other_groups: list[list[Term | FieldFilter]],
        has_long: bool,
        limit: int,
        sort: str,
    ) -> tuple[list[tuple[int, float]], int]:
        """(rowid, rank) of entries matching every group, best first, and their count."""
        match, where, params, check = self._conditions(term_groups, other_groups, has_long)
        if match is not None:
            where = [w.replace(_ROWID_SET, _FTS_ROWID_SET) for w in where]
        # CROSS JOIN keeps FTS as the outer loop: driven from an `entries` index instead,
        # SQLite runs the MATCH once per row (7 s instead of 20 ms on 100k entries).
        source = "fts CROSS JOIN entries e ON e.rowid = fts.rowid" if match else "entries e"
        sets = {m.group(1): i for i, w in enumerate(where) if (m := _ROWID_SET_ONLY.match(w))}
        if match is None and sets:
            # Walk the smallest rowid set and probe the others: driven from `entries`,
            # SQLite would read tens of thousands of rows to keep a few hundred.
            driver = min(sets, key=self.store.rowid_table_size)
            source = f"{driver} d CROSS JOIN entries e ON e.rowid = d.id"
            where = [w for i, w in enumerate(where) if i != sets[driver]]
        conditions = ([] if match is None else ["fts MATCH ?"]) + where
        all_params: list[object] = ([] if match is None else [match]) + params
        clause = " WHERE " + " AND ".join(conditions) if conditions else ""
        rank = BM25 if match is not None else "0"
        order, order_params = self._order(match, term_groups, sort)
        keep = 0 if check or limit <= 0 else max(limit, FINE_RANK_COUNT)
        count_sql = f"SELECT count(*) FROM (SELECT 1 FROM {source}{clause} LIMIT ?)"
        if term_groups and keep and sort == "score":
            # The capped matches in index order first, unranked: the total, and for a
            # broad query also the rows shown after the title hits.
            if match is not None and not any("e." in w for w in where):
                first_sql = f"SELECT fts.rowid FROM fts{clause} LIMIT ?"
            else:
                first_sql = f"SELECT e.rowid FROM {source}{clause} LIMIT ?"
            first = [r for (r,) in self.store.query(first_sql, [*all_params, COUNT_CAP + 1])]
            if len(first) > BROAD_MATCHES:
                return self._broad(source, clause, all_params, match, term_groups, keep,
                                   len(first), first)
            if match is not None:
                return self._bm25_here(first, term_groups)[:keep], len(first)
            sql = f"SELECT e.rowid, {rank} AS rank FROM {source}{clause} ORDER BY {order}"
            ranked = self.store.query(f"{sql} LIMIT {keep}", all_params + order_params)
            return [(r, float(k)) for r, k in ranked], len(first)
        sql = f"SELECT e.rowid, {rank} AS rank FROM {source}{clause} ORDER BY {order}"
        if keep:
            sql += f" LIMIT {keep}"
        rows = [(r, float(k)) for r, k in self.store.query(sql, all_params + order_params)]
        if check:
            rows = self._checked(rows, term_groups, other_groups)
            return rows, len(rows)
        if keep and len(rows) == keep:
            total = self.store.query(count_sql, [*all_params, COUNT_CAP + 1])[0][0]
        else:
            total = len(rows)
        return rows, int(total)

    def _broad(
        self,
        source: str,
        clause: str,
        params: list[object],
        match: str | None,
        term_groups: list[list[_TermPlan]],
        keep: int,
        total: int,
        first: list[int],
    ) -> tuple[list[tuple[int, float]], int]:
        """A term in hundreds of entries or more (mid-typing): title hits first, then the rest.

        Ranking every match would read every position list of the term; instead
        entries whose title has a term come first, then the other matches in index
        order (Python's fine ranking orders what is shown), and the count is capped.
        `first` holds the first matches in index order, already read by the probe.
        """
        if len(first) == total <= COUNT_CAP:
            titled = self._titled_among(first, term_groups, keep)
        elif match is not None and len(term_groups) == 1:
            # The titles-only index: its lists hold title hits alone, so a word in
            # every body costs nothing here (a column filter on `fts` reads them all).
            alternatives = " OR ".join(re.findall(r'"(?:[^"]|"")*"', match))
            title_params = [alternatives if p is match else p for p in params]
            title_clause = clause.replace(" WHERE fts MATCH ?", " WHERE titles MATCH ?", 1)
            title_clause = title_clause.replace(_FTS_ROWID_SET, _ROWID_SET)
            # Ordered as `_titled_among` orders: titles starting with the term, then
            # the shortest (bm25 would first count the term's entries: a full pass).
            first_term = term_groups[0][0].folded
            titled = self.store.query(
                "SELECT e.rowid, 0 "
                f"FROM titles CROSS JOIN entries e ON e.rowid = titles.rowid{title_clause} "
                "ORDER BY e.title_f NOT LIKE ? ESCAPE '\\', length(e.title_f), e.path, e.line "
                "LIMIT ?",
                [*title_params, f"{like_escape(first_term)}%", keep],
            )
        elif match is not None:
            titled = self._titled(term_groups, clause, params, match, keep)
        else:
            needles = [p.folded for g in term_groups for p in g]
            likes = " OR ".join("e.title_f LIKE ? ESCAPE '\\'" for _ in needles)
            joiner = " AND " if clause else " WHERE "
            titled = self.store.query(
                f"SELECT e.rowid, 0 FROM {source}{clause}{joiner}({likes}) LIMIT ?",
                [*params, *(f"%{like_escape(n)}%" for n in needles), keep],
            )
        seen = {r for r, _ in titled}
        rows = [(r, float(k)) for r, k in titled]
        if len(rows) < keep:
            rest = first
            if len(rest) < keep + len(seen):
                found = self.store.query(f"SELECT e.rowid FROM {source}{clause} LIMIT ?",
                                         [*params, keep + len(seen)])
                rest = [r for (r,) in found]
            rows += [(r, 0.0) for r in rest if r not in seen][: keep - len(rows)]
        return rows, int(total)

    def _bm25_here(
        self, rowids: list[int], term_groups: list[list[_TermPlan]]
    ) -> list[tuple[int, float]]:
        """The matches ranked by bm25 as FTS5 would (same column weights), computed here.

        FTS5's bm25() first counts the entries holding each phrase, a second pass
        over every phrase's list, which doubles the cost of a query on common
        words. Every entry here holds every term, so term rarity would only
        weigh one term against another; it is left out (all terms count alike).
        """
        needles = [n for g in term_groups if all(p.long and not p.extra_rowids for p in g)
                   for p in g for n in (p.folded, *p.variants)]
        texts = self.store.folded(rowids)
        places = {row[0]: row[1:] for row in self.store.query(
            "SELECT rowid, path_lower, path, line FROM entries "
            "WHERE rowid IN (SELECT value FROM json_each(?))", [json.dumps(rowids)])}
        averages = self._column_averages()
        ranked = []
        for rowid in rowids:
            if rowid not in texts or rowid not in places:
                continue
            path_lower, path, line = places[rowid]
            score = 0.0
            for text, weight, average in zip((*texts[rowid], path_lower), BM25_WEIGHTS,
                                             averages, strict=True):
                norm = BM25_K1 * (1 - BM25_B + BM25_B * len(text) / average)
                for needle in needles:
                    tf = text.count(needle)
                    if tf:
                        score += weight * tf * (BM25_K1 + 1) / (tf + norm)
            ranked.append((-score * BM25_SCALE, path, line, rowid))
        ranked.sort()
        return [(rowid, rank) for rank, _, _, rowid in ranked]

    def _column_averages(self) -> tuple[float, float, float]:
        """Average title, text and path lengths (a sample: they only normalise)."""
        if self._average_lengths is None:
            row = self.store.query(
                "SELECT avg(length(title)), avg(length(body)), avg(length(path)) "
                "FROM (SELECT title, body, path FROM fts LIMIT 5000)"
            )[0]
            self._average_lengths = tuple(max(1.0, float(v or 1.0)) for v in row)  # type: ignore[assignment]
        return self._average_lengths  # type: ignore[return-value]

    def _titled_among(
        self, rowids: list[int], term_groups: list[list[_TermPlan]], keep: int
    ) -> list[tuple[int, float]]:
        """Of these matches (every match of the query), those with a term in the title:
        shortest titles first, then those starting with the first term."""
        needles = [n for g in term_groups for p in g for n in (p.folded, *p.variants)]
        likes = " OR ".join("e.title_f LIKE ? ESCAPE '\\'" for _ in needles)
        rows = self.store.query(
            f"SELECT e.rowid, 0 FROM entries e WHERE e.rowid IN (SELECT value FROM json_each(?)) "
            f"AND ({likes}) ORDER BY e.title_f NOT LIKE ? ESCAPE '\\', length(e.title_f), "
            "e.path, e.line LIMIT ?",
            [json.dumps(rowids), *(f"%{like_escape(n)}%" for n in needles),
             f"{like_escape(needles[0])}%", keep],
        )
        return [(r, float(k)) for r, k in rows]

    def _titled(
        self,
        term_groups: list[list[_TermPlan]],
        clause: str,
        params: list[object],
        match: str,
        keep: int,
    ) -> list[tuple[int, float]]:
        """Entries whose title holds some term and that match the whole query, best first.

        The titles index gives the best title hits for any term; Python checks
        that each also holds every other term (the FTS phrase test: a substring
        of the folded title, text or path), and SQL applies the other conditions
        to those few rows only.
        """
        pure = [g for g in term_groups if all(p.long and not p.extra_rowids for p in g)]
        alts = [[n for p in g for n in (p.folded, *p.variants)] for g in pure]
        needles = [n for g in alts for n in g]
        candidates = self.store.query(
            "SELECT rowid, bm25(titles) * 10.0 AS rank FROM titles WHERE titles MATCH ? "
            "ORDER BY rank LIMIT ?",
            [" OR ".join(phrase(n) for n in dict.fromkeys(needles)), TITLE_CANDIDATES],
        )
        if not candidates:
            return []
        others = clause.replace(" WHERE fts MATCH ?", "", 1).replace(_FTS_ROWID_SET, _ROWID_SET)
        rest = [p for p in params if p is not match]
        allowed = dict(self.store.query(
            f"SELECT e.rowid, e.path_lower FROM entries e "
            f"WHERE e.rowid IN (SELECT value FROM json_each(?)){others}",
            [json.dumps([r for r, _ in candidates]), *rest],
        ))
        texts = self.store.folded(list(allowed))
        titled = []
        for rowid, rank in candidates:
            if rowid not in texts:
                continue
            title, body = texts[rowid]
            path = allowed[rowid]
            if all(any(n in title or n in body or n in path for n in g) for g in alts):
                titled.append((rowid, float(rank)))
                if len(titled) == keep:
                    break
        return titled

    def _checked(
        self,
        rows: list[tuple[int, float]],
        term_groups: list[list[_TermPlan]],
        other_groups: list[list[Term | FieldFilter]],
    ) -> list[tuple[int, float]]:
        """Keep rows whose terms hold exactly (case, anchors, word boundaries)."""
        entries = self.store.entries([r for r, _ in rows])
        kept = []
        for rowid, rank in rows:
            e = entries.get(rowid)
            if e is None:
                continue
            ok = all(
                any((p.extra_rowids and rowid in p.extra_rowids)
                    or any(v in fold(e.text) for v in p.variants)
                    or _term_in_text(p.term, e.title, e.text, e.path) for p in group)
                for group in term_groups
            ) and all(
                any(
                    isinstance(i, FieldFilter)
                    or (_term_in_text(i, e.title, e.text, e.path) != i.negated)
                    for i in group
                )
                for group in other_groups
                if all(isinstance(i, Term) for i in group)
            )
            if ok:
                kept.append((rowid, rank))
        return kept

    # -- widening a scarce result ---------------------------------------------------

    def _expand(self, term_groups: list[list[_TermPlan]], strict_total: int) -> bool:
        """Typo, pinyin, fuzzy-title and CJK n-gram alternatives for rare terms.

        Only terms that match (almost) nothing by themselves are widened: a
        query whose terms all exist but rarely meet is answered by partial
        matches instead, which costs far less.
        """
        changed = False
        for group in term_groups:
            for plan in group:
                if plan.term.mode != "fuzzy" or plan.term.case_sensitive or not plan.long:
                    continue
                if strict_total == 0 or len(term_groups) == 1:
                    direct = self.store.query(
                        "SELECT count(*) FROM (SELECT 1 FROM fts WHERE fts MATCH ? LIMIT ?)",
                        [phrase(plan.folded), EXPANSION_THRESHOLD],
                    )[0][0]
                else:
                    direct = EXPANSION_THRESHOLD
                if direct < EXPANSION_THRESHOLD:
                    changed |= self._widen(plan, direct)
        return changed

    def _widen(self, plan: _TermPlan, direct: int) -> bool:
        needle = plan.folded
        before = (len(plan.variants), len(plan.extra_rowids))
        if direct == 0 and len(needle) >= 5 and needle.isascii() and needle.isalpha():
            plan.variants.extend(w for w, _ in self._vocab().near(needle))
        if pinyin_term_ok(needle):
            rows = self._grown_rows(
                "pinyin", needle, lambda py: needle in py,
                "SELECT rowid, py FROM pinyin WHERE pinyin MATCH ?", phrase(needle),
                PINYIN_ROWS,
            )
            # Initials are one letter a character, so a hit there is aligned already;
            # a hit in the full spelling may start mid-syllable and is checked.
            unsure = []
            for rowid, py in rows:
                if needle in py.partition("|")[2]:
                    plan.extra_rowids.add(rowid)
                else:
                    unsure.append(rowid)
            found = self.store.entries(unsure[:PINYIN_CHECK_ROWS])
            for rowid, entry in found.items():
                pt = self._pinyin_view(rowid, entry, with_title=True)
                if pt is not None and find_pinyin(needle, pt):
                    plan.extra_rowids.add(rowid)
            plan.pinyin = bool(plan.extra_rowids)
        spelled = plan.pinyin and len(needle) >= PINYIN_SPELLED
        if direct > 0 or len(plan.variants) > before[0] or spelled:
            # Found as typed, as a typo of a real word, or as spelled-out pinyin:
            # no need to guess abbreviations.
            return (len(plan.variants), len(plan.extra_rowids)) != before
        pattern = "%" + "%".join(like_escape(ch) for ch in needle) + "%"
        rows = self._grown_rows(
            "title", needle, lambda title: _in_order(needle, title),
            # The covering title index is a third of the table: a faster scan.
            "SELECT rowid, title_f FROM entries INDEXED BY entries_title "
            "WHERE title_f LIKE ? ESCAPE '\\'", pattern,
        )
        widest = max(3 * len(needle), len(needle) + 12)
        subsequence = re.compile("".join(f"{re.escape(ch)}.*?" for ch in needle[:-1])
                                 + re.escape(needle[-1]), re.S)
        for rowid, title in rows:
            m = subsequence.search(title)
            if m and m.end() - m.start() <= widest:
                plan.extra_rowids.add(rowid)
        if has_han(needle) and len(needle) >= 4:
            grams = {needle[i : i + 3] for i in range(len(needle) - 2)}
            rows = self.store.query(
                f"SELECT rowid, body FROM fts WHERE fts MATCH ? LIMIT {EXPANSION_ROWS}",
                [" OR ".join(phrase(g) for g in grams)],
            )
            for rowid, body in rows:
                if sum(g in body for g in grams) / len(grams) >= 0.5:
                    plan.extra_rowids.add(rowid)
                    plan.variants.extend(g for g in grams if g in body and g not in plan.variants)
        return (len(plan.variants), len(plan.extra_rowids)) != before

    def _grown_rows(
        self, kind: str, needle: str, keep: Callable[[str], bool], sql: str, param: str,
        cap: int = EXPANSION_ROWS,
    ) -> list[tuple[int, str]]:
        """`sql` (rowid, text) rows for `needle`, narrowed from the last keystroke's when it can.

        `keep(text)` must mean exactly what `sql` matches, so a complete earlier
        answer for a prefix of `needle`, filtered, is the answer.
        """
        generation = self.store.generation
        prior = self._grown.get(kind)
        if (prior is not None and prior.complete and prior.generation == generation
                and needle.startswith(prior.needle)):
            rows = [(rowid, text) for rowid, text in prior.rows if keep(text)]
        else:
            rows = [(r, t) for r, t in self.store.query(f"{sql} LIMIT {cap}", [param])]
        self._grown[kind] = _GrownRows(needle, generation, rows, len(rows) < cap)
        return rows

    def _entries_with(self, needle: str, cap: int) -> int:
        """How many entries hold `needle` (up to `cap`); kept while the index is unchanged,
        since the same words are counted again at every keystroke of a long query."""
        key = (self.store.generation, needle, cap)
        if key not in self._frequencies:
            if len(self._frequencies) > 1000:
                self._frequencies.clear()
            self._frequencies[key] = self.store.query(
                f"SELECT count(*) FROM (SELECT 1 FROM fts WHERE fts MATCH ? LIMIT {cap})",
                [phrase(needle)],
            )[0][0]
        return self._frequencies[key]

    def _pinyin_view(self, rowid: int, entry: Entry, *, with_title: bool) -> PinyinText | None:
        """The pinyin of what the pinyin index holds for an entry, kept for later keystrokes.

        With the title: the indexed text (title, then the start of the body), for
        checking a hit. Without: the start of the body alone, whose offsets are
        the body's, for highlighting.
        """
        key = (rowid, with_title)
        if key in self._pinyin_views:
            self._pinyin_views.move_to_end(key)
            return self._pinyin_views[key]
        scope = entry.text[:PINYIN_SCOPE]
        view = pinyin_text(f"{entry.title}\n{scope}" if with_title else scope)
        self._pinyin_views[key] = view
        if len(self._pinyin_views) > PINYIN_VIEWS:
            self._pinyin_views.popitem(last=False)
        return view

    def _vocab(self) -> Vocabulary:
        generation = self.store.generation
        if self._vocabulary is None or self._vocabulary[0] != generation:
            self._vocabulary = (generation, Vocabulary(self.store.vocabulary()))
        return self._vocabulary[1]

    def _partial(
        self,
        long_groups: list[list[_TermPlan]],
        other_groups: list[list[Term | FieldFilter]],
        strict: set[int],
        wanted: int,
        total_entries: int,
    ) -> list[tuple[int, float]]:
        """Entries with some of the terms, rarest terms first.

        The rarest terms, up to PARTIAL_RANKED entries between them, are ranked
        by bm25 over their OR (an IDF ranking). Commoner terms only fill what is
        left, in index order: ranking every entry that holds a mid-frequency word
        costs a scan of its whole list, for results that rank last anyway. Terms
        in a large share of entries are left out: they barely say anything.
        """
        needles = [p.folded for g in long_groups for p in g if p.long]
        needles += [v for g in long_groups for p in g for v in p.variants]
        limit = max(50, int(total_entries * COMMON_SHARE))
        counts = {n: self._entries_with(n, limit) for n in dict.fromkeys(needles)}
        usable = sorted((n for n in counts if counts[n] < limit), key=counts.__getitem__)
        ranked: list[str] = []
        for n in usable:
            if ranked and sum(counts[r] for r in ranked) + counts[n] > PARTIAL_RANKED:
                break
            ranked.append(n)
        filler = usable[len(ranked):] or ([] if usable else list(counts))
        _, where, params, _ = self._conditions([], other_groups, True)
        clause = "".join(f" AND {w}" for w in where)
        source = "fts CROSS JOIN entries e ON e.rowid = fts.rowid WHERE fts MATCH ?"
        found: list[tuple[int, float]] = []
        seen = set(strict)
        if ranked:
            rows = self.store.query(
                f"SELECT e.rowid, {BM25} AS rank FROM {source}{clause} "
                "ORDER BY rank, e.path, e.line LIMIT ?",
                [" OR ".join(phrase(n) for n in ranked), *params, wanted + len(seen)],
            )
            found = [(r, float(k)) for r, k in rows if r not in seen][:wanted]
            seen.update(r for r, _ in found)
        if filler and len(found) < wanted:
            rows = self.store.query(
                f"SELECT e.rowid FROM {source}{clause} LIMIT ?",
                [" OR ".join(phrase(n) for n in filler), *params, wanted + len(seen)],
            )
            found += [(r, 0.0) for (r,) in rows if r not in seen][: wanted - len(found)]
        return found

    # -- presenting -----------------------------------------------------------------

    def _present_all(
        self,
        rows: list[tuple[int, float]],
        term_groups: list[list[_TermPlan]],
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
        self, rows: list[tuple[int, float]], term_groups: list[list[_TermPlan]], partial: bool
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
        term_groups: list[list[_TermPlan]],
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


def prepare_source(signature: str, entries: list[Entry], warnings: list[str]) -> PreparedSource:
    """Everything the store indexes for one parsed source (runs in worker processes)."""
    from tui.core.typos import words_of

    # FTS5 stops reading a text at NUL; U+FFFD keeps the length (offsets still line up).
    titles = [fold(e.title).replace("\x00", "\ufffd") for e in entries]
    bodies = [fold(e.text).replace("\x00", "\ufffd") for e in entries]
    pinyin = []
    for e in entries:
        scope = f"{e.title}\n{e.text[:PINYIN_SCOPE]}"
        pt = pinyin_text(scope) if has_han(scope) else None
        pinyin.append(f"{pt.full}|{pt.initials}" if pt is not None else "")
    words = sorted(set().union(*(words_of(b) for b in bodies))) if bodies else []
    return PreparedSource(signature, entries, titles, bodies, pinyin, words, warnings)


def _short_token_query(folded: str) -> str | None:
    """The `tokens` MATCH for a 1–2 character term, or None if it has no word characters."""
    if not folded or not all(ch.isalnum() for ch in folded):
        return None
    if len(folded) == 2 and all(is_han(ch) for ch in folded):
        return phrase(folded)
    if len(folded) == 1 and folded.isascii():
        return None  # every word starting with one letter: cheaper to read titles
    return phrase(folded) + "*"


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

