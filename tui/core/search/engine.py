"""Find and rank entries for a query, fast enough to run on every keystroke.

Coarse to fine. SQLite does the heavy part in C: word-level FTS5 queries find
the entries holding every term (`fts_terms` turns a substring, CJK included,
into words of the vocabulary and Han bigrams), field filters and short
terms run as SQL, often as rowid sets built once while the user types on. A
capped pass of rowids gives the count; a narrow match list (most keystrokes) is
ranked by bm25 computed here, a broad one shows title hits first. `presenting`
re-ranks the best few dozen in Python (terms on one line, word boundaries, title
hits) and builds snippets and highlight spans. `widening` adds typo, pinyin,
title-abbreviation and CJK n-gram alternatives for terms that find little. When
no entry has every term, entries with the rarest terms follow as partial matches.

Terms of one or two characters are a word start (or a two-character Chinese
word anywhere) in titles and texts.
"""

from __future__ import annotations

import json
import logging
import math
import re
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from tui.core.index.store import IndexStore, contains_sql, prepare_source, text_only
from tui.core.ingest.entry import Entry
from tui.core.search.presenting import (
    FINE_RANK_COUNT,
    SNIPPET_WIDTH,
    Presenter,
    SearchHit,
    find_all,
    looks_like_file_name,
    merge_spans,
    plain_hit,
)
from tui.core.search.query import FieldFilter, Query, QueryError, Term, parse_query
from tui.core.search.sqlfilters import filter_sql, like_escape
from tui.core.search.term_plan import TermPlan, phrase
from tui.core.search.typos import Vocabulary
from tui.core.search.widening import EXPANSION_THRESHOLD, Widener, _GrownRows
from tui.core.text.fold import fold, fold_keep_case, is_han
from tui.core.text.pinyin import PinyinText, readings

# Re-exported: the UI and the CLI import these from here.
__all__ = [
    "COUNT_CAP", "SNIPPET_WIDTH", "SORT_ORDERS", "SearchEngine", "SearchHit", "SearchResult",
    "find_all", "merge_spans", "phrase", "plain_hit", "prepare_source",
]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())  # a library: the app decides where records go

SORT_ORDERS = ("score", "date", "likes", "path")
TITLE_CANDIDATES = 200  # best title hits checked against a broad multi-term query
TITLE_HITS = 5000  # title hits of a broad one-term query that are ordered for the top rows
FILTER_SET_MAX = 20_000  # entries of field filters gathered into a set; above, checked per row
BROAD_MATCHES = 500  # above this, ranking every match costs too much per keystroke
COUNT_CAP = 2000  # counts stop here ("2000+"): exact counts of broad terms cost a scan
NAMED_NOTES = 20  # note entries a file-name-like term adds to the candidates
PARTIAL_PAGE = 50  # with no limit, strict hits under which partial matches are added
COMMON_SHARE = 0.05  # terms in more entries than this share add little to a partial
PARTIAL_RANKED = 1000  # entries that partial matching ranks by bm25; commoner terms only fill
RANK_ALL_CAP = 5000  # matches an unlimited search ranks by bm25; the rest follow in index order
BM25_WEIGHTS = (10.0, 1.0, 0.3)  # title, text, path: as in BM25
BM25_K1, BM25_B = 1.2, 0.75  # FTS5's constants
IDF_COUNT_CAP = 2000  # a term in more entries than this has its count estimated
TYPICAL_IDF = 4.0  # the weight of a lone term, so scores sit where FTS5's would
# Conditions that are a set of rowids; checked on the FTS side they spare a join per hit.
_ROWID_SET = "e.rowid IN (SELECT id FROM "
_FTS_ROWID_SET = "+fts.rowid IN (SELECT id FROM "  # `+`: never an FTS rowid lookup
_ROWID_SET_ONLY = re.compile(r"^\(?e\.rowid IN \(SELECT id FROM (temp\.rowids_\d+)\)\)?$")


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
    # Asked with `widen=False`, and typo/pinyin/abbreviation alternatives might have
    # been added: a first answer, which a full search may change.
    narrowed: bool = False


def _any_of(conditions: list[str]) -> str:
    """OR of conditions; rowid sets become one set (a UNION), which SQLite walks by
    rowid, where an OR of `IN`s makes it test every entry."""
    prefix = "e.rowid IN ("
    if len(conditions) > 1 and all(c.startswith(prefix) and c.endswith(")") for c in conditions):
        return prefix + " UNION ".join(c[len(prefix) : -1] for c in conditions) + ")"
    return "(" + " OR ".join(conditions) + ")"


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


def _typing_letter(plan: TermPlan) -> bool:
    """A single letter, fuzzy or anchored: most likely a word still being typed.

    A quoted letter (`'x`) is meant as typed; a Han character is a word itself.
    """
    return len(plan.folded) == 1 and plan.term.mode != "exact" and not is_han(plan.folded)


def _contains_sql(text: str) -> tuple[str, list[object]]:
    """'Title, text or path contains `text`', tested on each candidate row's payload
    (for text with no word to look up; a capped scan stops at the rows it needs)."""
    return contains_sql(), [text]


class SearchEngine(Widener, Presenter):
    """Ranks the entries of one `IndexStore`."""

    def __init__(self, store: IndexStore) -> None:
        self.store = store
        self._vocabulary: tuple[int, Vocabulary] | None = None
        self._boost: Mapping[str, float] = {}
        self._entries_cache: tuple[int, list[Entry]] | None = None
        self._grown: dict[str, _GrownRows] = {}
        self._average_lengths: tuple[float, float, float] | None = None
        self._frequencies: dict[tuple[int, str, int], tuple[int, int]] = {}
        # Rowids are never reused, so an entry's pinyin view never goes stale.
        self._pinyin_views: OrderedDict[tuple[int, bool], PinyinText | None] = OrderedDict()
        self._pinyin_views_lock = threading.Lock()
        self._pinyin_view_chars = 0

    @classmethod
    def from_entries(cls, entries: Sequence[Entry]) -> SearchEngine:
        """An engine over a list of entries held in an in-memory database."""
        store = IndexStore(None)
        store.replace_sources({"<memory>": prepare_source("", list(entries), [])}, [])
        if store.vocabulary_stale():
            store.sync_vocabulary()
        return cls(store)

    def warm_up(self) -> None:
        """Build, off the UI's path, what a session's first searches would build mid-keystroke.

        The fold table for non-ASCII text (the first Han or accented letter), the
        pinyin readings and the index's Han vocabulary (the first typo or pinyin
        widening), and the length averages bm25 normalises by: 0.3-1.2 s at 100k
        entries that the first such keystroke would otherwise wait for.
        """
        fold("É量")
        readings("量")
        self.store.han_vocabulary()
        self._column_averages()

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
        widen: bool = True,
    ) -> SearchResult:
        """Run `query`; `limit` 0 means every match; `boost` (frecency) breaks ties.

        `widen=False` skips looking up alternatives for rare terms (typos, pinyin,
        abbreviations): a fast first answer, marked `narrowed` when they might matter.
        """
        try:
            with self.store.holding_rowid_tables():
                return self._search(query, limit=limit, sort=sort, boost=boost, widen=widen)
        except sqlite3.OperationalError as error:
            if "fts5:" in str(error):
                # A word the tokenizer splits where the vocabulary did not: find nothing
                # rather than fail the keystroke.
                log.warning("search %r: %s", query, error)
                return SearchResult(hits=[], total=0, searched=self.store.count())
            # A temp rowid table this search was given went missing (it should not:
            # searches hold theirs): start over once with fresh ones.
            if "no such table: temp.rowids" not in str(error):
                raise
            log.warning("search %r lost a temp table (%s); retrying once", query, error)
            self.store.forget_rowid_tables()
        with self.store.holding_rowid_tables():
            return self._search(query, limit=limit, sort=sort, boost=boost, widen=widen)

    def _search(
        self,
        query: str | Query,
        *,
        limit: int,
        sort: str,
        boost: Mapping[str, float] | None,
        widen: bool = True,
    ) -> SearchResult:
        self._boost = boost or {}
        parsed = parse_query(query) if isinstance(query, str) else query
        total_entries = self.store.count()
        if parsed.refused:  # past the query limits: nothing reaches SQL
            return SearchResult([], 0, total_entries, errors=list(parsed.errors))
        term_groups: list[list[TermPlan]] = []
        other_groups: list[list[Term | FieldFilter]] = []
        for group in parsed.groups:
            if group and all(isinstance(i, Term) and not i.negated for i in group):
                plans = [TermPlan(t, fold(t.text)) for t in group if isinstance(t, Term)]
                term_groups.append([p for p in plans if p.folded])
            elif group:
                other_groups.append(group)
        term_groups = [g for g in term_groups if g]
        if other_groups or any(not _typing_letter(p) for g in term_groups for p in g):
            # A lone letter next to real terms or filters is a word still being typed;
            # it would match almost every entry, so it waits for its second letter.
            # A quoted letter (`'x`) or a Han character is meant.
            term_groups = [g for g in term_groups if not all(map(_typing_letter, g))]
        has_long = any(p.long for g in term_groups for p in g)

        rows, total = self._strict(term_groups, other_groups, has_long, limit, sort)
        narrowed = (not widen and total < EXPANSION_THRESHOLD
                    and self._widenable(term_groups))
        if (widen and total < EXPANSION_THRESHOLD and term_groups
                and self._expand(term_groups, total)):
            rows, total = self._strict(term_groups, other_groups, has_long, limit, sort)
        if sort == "score" and not other_groups and len(term_groups) == 1:
            rows = self._with_named_note(term_groups[0], rows)
        capped = total > COUNT_CAP
        total = min(total, COUNT_CAP)

        wanted = limit if limit > 0 else total_entries
        page = limit if limit > 0 else PARTIAL_PAGE
        loose: list[tuple[int, float]] = []
        served = [g for g in term_groups if not all(p.unservable for p in g)]
        if len(served) < len(term_groups) and served and total < page and sort == "score":
            loose = self._without_flags(term_groups, served, other_groups, has_long, limit,
                                        {r for r, _ in rows})
        partial: list[tuple[int, float]] = []
        long_groups = [g for g in served if any(p.long for p in g)]
        if (len(long_groups) >= 2 and total + len(loose) < page
                and sort == "score"):
            # Read in bm25 order and never re-sorted, so the first of them are the
            # same whatever the limit.
            partial += self._partial(long_groups, other_groups,
                                     {r for r, _ in rows} | {r for r, _ in loose},
                                     wanted - len(rows) - len(loose), total_entries)

        hits = self._present_all(rows, term_groups, sort, limit, partial=False)
        # Entries missing a flag or one other term are ranked like full matches (the
        # terms they have, and where), then marked partial.
        flagged = self._present_all(loose, term_groups, sort, 0, partial=False)
        for hit in flagged:
            hit.partial = True
        hits += flagged
        shown = partial if limit <= 0 else partial[: max(0, limit - len(hits))]
        hits += self._present_all(shown, term_groups, sort, 0, partial=True)
        partial = loose + partial
        return SearchResult(
            hits=hits[:limit] if limit > 0 else hits,
            total=total + len(partial),
            searched=total_entries,
            errors=list(parsed.errors),
            partial_count=len(partial),
            terms=[p.folded for g in term_groups for p in g]
            + [v for g in term_groups for p in g for v in p.variants],
            total_capped=capped,
            narrowed=narrowed,
        )

    def _without_flags(
        self,
        term_groups: list[list[TermPlan]],
        served: list[list[TermPlan]],
        other_groups: list[list[Term | FieldFilter]],
        has_long: bool,
        limit: int,
        strict: set[int],
    ) -> list[tuple[int, float]]:
        """A flag or punctuation term (`-i`, `\\d`) never empties the result: entries with
        every other term follow, and so do entries with the flag and all but one other
        term (`psql \\x auto` finds the note on `\\x auto` that never says psql)."""
        flags = [g for g in term_groups if g not in served]
        found, _ = self._strict(served, other_groups, has_long, limit, "score")
        if len(served) >= 2:
            for left_out in range(len(served)):
                kept = [g for i, g in enumerate(served) if i != left_out] + flags
                more, _ = self._strict(kept, other_groups, has_long, limit, "score")
                found += more
        rows: dict[int, float] = {}
        for rowid, rank in found:
            if rowid not in strict and rowid not in rows:
                rows[rowid] = rank
        return list(rows.items())

    def _with_named_note(self, group: list[TermPlan], rows: list[tuple[int, float]]
                         ) -> list[tuple[int, float]]:
        """A file name or slug alone (`git-rebase-onto`, `issue-12.md`): the note entries
        of files whose path holds it join the candidates, wherever the term's other
        matches (links to the file, mostly) would have put them."""
        names = [p.folded for p in group if looks_like_file_name(p.folded)]
        if not names:
            return rows
        match = self._match(names)
        if match is None:
            return rows
        # The word query is a superset (`issue-9` is `issue AND 9*`): paths are checked.
        found = self.store.query(
            "SELECT e.rowid, e.path_lower FROM fts CROSS JOIN entries e ON e.rowid = fts.rowid "
            "WHERE fts MATCH ? AND e.kind = 'note' LIMIT ?",
            ["{path} : (" + match + ")", NAMED_NOTES * 5],
        )
        have = {r for r, _ in rows}
        named = [r for r, path in found if r not in have and any(n in path for n in names)]
        return [(r, 0.0) for r in named[:NAMED_NOTES]] + rows

    def _conditions(
        self,
        term_groups: list[list[TermPlan]],
        other_groups: list[list[Term | FieldFilter]],
        has_long: bool,
    ) -> tuple[str | None, list[str], list[object], bool]:
        """FTS match expression, WHERE conditions, parameters, and whether Python must check."""
        match_parts: list[str] = []
        where: list[str] = []
        params: list[object] = []
        check = False
        # One unquoted character alone (`@`, `#`, `-`) is the start of something being
        # typed, as a lone letter is: titles starting with it, not a scan of every text
        # for a character that may be rare (9 s at 1M entries for `@`).
        typing = not other_groups and len(term_groups) == 1 and len(term_groups[0]) == 1 \
            and _typing_letter(term_groups[0][0])
        for group in term_groups:
            check = check or any(p.needs_check for p in group)
            pure = all(p.long and not p.extra_rowids for p in group)
            needles = [n for p in group for n in (p.folded, *p.variants)]
            expression = self._match(needles)
            if pure and expression is not None and self._exact(needles):
                match_parts.append("(" + expression + ")")
                continue
            ors: list[str] = []
            for plan in group:
                if (plan.unservable and not typing) or (
                        len(plan.folded) == 1 and plan.term.mode == "exact"):
                    # `'x`, `-i`, `\\d`: the literal anywhere; next to indexed terms it is
                    # tested on their candidates only, alone a capped scan stops early.
                    sql, more = _contains_sql(plan.folded)
                else:
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
            expr = self._match(needles)
            if expr is not None and self._exact(needles):
                return "e.rowid IN (SELECT rowid FROM fts WHERE fts MATCH ?)", [expr]
            if expr is not None:
                # Words that hold the term's pieces, checked against the text itself
                # (`foo.ba`, `c++`, a Han run of 3+): the count stays exact.
                parts = [_contains_sql(n) for n in needles]
                return ("(e.rowid IN (SELECT rowid FROM fts WHERE fts MATCH ?) AND ("
                        + " OR ".join(sql for sql, _ in parts) + "))",
                        [expr, *(p for _, more in parts for p in more)])
            # No word to look up (`-->`): a scan of the texts, stopped by a LIMIT.
            parts = [_contains_sql(n) for n in needles]
            return ("(" + " OR ".join(sql for sql, _ in parts) + ")",
                    [p for _, more in parts for p in more])
        short = _short_token_query(folded)
        if short is not None:
            return f"{_ROWID_SET}{self.store.token_table(short)})", []
        if len(folded) == 1:
            # Titles starting with the letter: a range on the title index, not a scan.
            return "(e.title_f >= ? AND e.title_f < ?)", [folded, chr(ord(folded) + 1)]
        return "e.title_f LIKE ? ESCAPE '\\'", [f"%{like_escape(folded)}%"]

    def _order(self, match: str | None, term_groups: list[list[TermPlan]], sort: str
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
        term_groups: list[list[TermPlan]],
        other_groups: list[list[Term | FieldFilter]],
        has_long: bool,
        limit: int,
        sort: str,
    ) -> tuple[list[tuple[int, float]], int]:
        """(rowid, rank) of entries matching every group, best first, and their count."""
        lone = _lone_short_term(term_groups, other_groups)
        if lone is not None:
            # One 1–2 letter word and nothing else: stream its token list, which stops
            # at the first rows needed, instead of gathering every entry it is in.
            match, where, params, check = None, ["fts MATCH ?"], [text_only(lone)], False
            source = "fts CROSS JOIN entries e ON e.rowid = fts.rowid"
        else:
            match, where, params, check = self._conditions(term_groups, other_groups, has_long)
            # CROSS JOIN keeps FTS as the outer loop: driven from an `entries` index
            # instead, SQLite runs the MATCH once per row (7 s, not 20 ms, at 100k).
            source = "fts CROSS JOIN entries e ON e.rowid = fts.rowid" if match else "entries e"
        if match is not None:
            where = [w.replace(_ROWID_SET, _FTS_ROWID_SET) for w in where]
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
        rank = "0"  # FTS5 cannot rank a contentless word index: bm25 is computed here
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
                # Ranking reads each match's text; it also drops candidates that hold a
                # term's words but not the term (a Han run's bigrams apart, say).
                ranked = self._bm25_here(first, term_groups)
                return ranked[:keep], len(ranked)
            sql = f"SELECT e.rowid, {rank} AS rank FROM {source}{clause} ORDER BY {order}"
            ranked = self.store.query(f"{sql} LIMIT {keep}", all_params + order_params)
            return [(r, float(k)) for r, k in ranked], len(first)
        if match is not None and sort == "score" and term_groups:
            found = [r for (r,) in self.store.query(f"SELECT e.rowid FROM {source}{clause}",
                                                    all_params)]
            rows = self._bm25_here(found[:RANK_ALL_CAP], term_groups)
            rows += [(r, 0.0) for r in found[RANK_ALL_CAP:]]
        else:
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
        term_groups: list[list[TermPlan]],
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
            alternatives = self._match(
                [n for p in term_groups[0] for n in (p.folded, *p.variants)]) or match
            title_params = [alternatives if p is match else p for p in params]
            others = clause.replace(" WHERE fts MATCH ?", "", 1).replace(_FTS_ROWID_SET, _ROWID_SET)
            # Ordered as `_titled_among` orders: titles starting with the term, then
            # the shortest (bm25 would first count the term's entries: a full pass),
            # among the first TITLE_HITS title hits (a 3-letter term has tens of
            # thousands in a million entries).
            first_term = term_groups[0][0].folded
            titled = self.store.query(
                "SELECT e.rowid, 0 FROM (SELECT rowid AS hit FROM titles WHERE titles MATCH ? "
                f"LIMIT {TITLE_HITS}) t CROSS JOIN entries e ON e.rowid = t.hit WHERE 1{others} "
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
        self, rowids: list[int], term_groups: list[list[TermPlan]]
    ) -> list[tuple[int, float]]:
        """The matches ranked by bm25 as FTS5 would (same column weights), computed here.

        FTS5's bm25() first counts the entries holding each phrase, a second pass
        over every phrase's whole list, which doubles the cost of a query on common
        words. Here the count stops at IDF_COUNT_CAP (and is kept for the next
        keystrokes): past that a term is common, and how common barely matters.
        """
        groups = [[n for p in g for n in (p.folded, *p.variants)] for g in term_groups
                  if all(p.long and not p.extra_rowids for p in g)]
        return self._scored(rowids, groups, every=True)

    def _scored(
        self, rowids: list[int], groups: list[list[str]], *, every: bool
    ) -> list[tuple[int, float]]:
        """`rowids` holding a needle of `every` group (else of any), ranked by bm25."""
        needles = [n for g in groups for n in g]
        weights = self._idf(needles)
        holds = all if every else any
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
            title, body = texts[rowid]
            if not holds(any(n in title or n in body or n in path_lower for n in g)
                         for g in groups):
                continue  # its words are there, the term is not
            score = 0.0
            for text, weight, average in zip((*texts[rowid], path_lower), BM25_WEIGHTS,
                                             averages, strict=True):
                norm = BM25_K1 * (1 - BM25_B + BM25_B * len(text) / average)
                for needle in needles:
                    tf = text.count(needle)
                    if tf:
                        score += weights[needle] * weight * tf * (BM25_K1 + 1) / (tf + norm)
            ranked.append((-score, path, line, rowid))
        ranked.sort()
        return [(rowid, rank) for rank, _, _, rowid in ranked]

    def _idf(self, needles: list[str]) -> dict[str, float]:
        """FTS5's term rarity weight for each needle (one needle: a typical weight, since
        a weight shared by every match cannot change their order)."""
        distinct = list(dict.fromkeys(needles))
        if len(distinct) < 2:
            return dict.fromkeys(distinct, TYPICAL_IDF)
        total = self.store.count()
        weights = {}
        for needle in distinct:
            holding = self._entries_estimate(needle)
            weights[needle] = max(1e-6, math.log((total - holding + 0.5) / (holding + 0.5)))
        return weights

    def _entries_estimate(self, needle: str) -> float:
        """How many entries hold `needle`: counted up to IDF_COUNT_CAP, extrapolated above.

        Matches come in rowid order, so the rowid of the last one read tells what
        share of the index the first IDF_COUNT_CAP came from: one capped read, not
        the pass over the term's whole list that an exact count costs.
        """
        read, last = self._capped_matches(needle, IDF_COUNT_CAP)
        if read < IDF_COUNT_CAP or not last:
            return float(read)
        return max(float(read), read * self.store.highest_rowid() / last)

    def _column_averages(self) -> tuple[float, float, float]:
        """Average title, text and path lengths (a sample: they only normalise)."""
        if self._average_lengths is None:
            rowids = [r for (r,) in self.store.query("SELECT rowid FROM entries LIMIT 2000")]
            entries = self.store.entries(rowids).values()
            count = max(1, len(entries))
            self._average_lengths = (
                max(1.0, sum(len(e.title) for e in entries) / count),
                max(1.0, sum(len(e.text) for e in entries) / count),
                max(1.0, sum(len(e.path) for e in entries) / count),
            )
        return self._average_lengths  # type: ignore[return-value]

    def _titled_among(
        self, rowids: list[int], term_groups: list[list[TermPlan]], keep: int
    ) -> list[tuple[int, float]]:
        """Of these matches (every match of the query), those with a term in the title:
        titles starting with the first term first, then the shortest."""
        needles = [n for g in term_groups for p in g for n in (p.folded, *p.variants)]
        likes = " OR ".join("e.title_f LIKE ? ESCAPE '\\'" for _ in needles)
        rows = self.store.query(
            # The list drives (CROSS JOIN): left to itself, SQLite may walk an index of
            # `entries` instead and test every row against the list.
            "SELECT e.rowid, 0 FROM json_each(?) j CROSS JOIN entries e ON e.rowid = j.value "
            f"WHERE ({likes}) ORDER BY e.title_f NOT LIKE ? ESCAPE '\\', length(e.title_f), "
            "e.path, e.line LIMIT ?",
            [json.dumps(rowids), *(f"%{like_escape(n)}%" for n in needles),
             f"{like_escape(needles[0])}%", keep],
        )
        return [(r, float(k)) for r, k in rows]

    def _titled(
        self,
        term_groups: list[list[TermPlan]],
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
        title_match = self._match(needles)
        if title_match is None:
            return []
        hits = [r for (r,) in self.store.query(
            "SELECT rowid FROM titles WHERE titles MATCH ? LIMIT ?", [title_match, TITLE_HITS]
        )]
        candidates = self._titles_ranked(hits, needles)[:TITLE_CANDIDATES]
        if not candidates:
            return []
        others = clause.replace(" WHERE fts MATCH ?", "", 1).replace(_FTS_ROWID_SET, _ROWID_SET)
        rest = [p for p in params if p is not match]
        allowed = dict(self.store.query(
            "SELECT e.rowid, e.path_lower FROM json_each(?) j "
            f"CROSS JOIN entries e ON e.rowid = j.value WHERE 1{others}",
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

    def _titles_ranked(self, rowids: list[int], needles: list[str]) -> list[tuple[int, float]]:
        """Title hits ranked by bm25 over their titles alone (x10, the title weight)."""
        weights = self._idf(needles)
        average = self._column_averages()[0]
        ranked = []
        for rowid, title in self.store.query(
            "SELECT e.rowid, e.title_f FROM json_each(?) j CROSS JOIN entries e "
            "ON e.rowid = j.value", [json.dumps(rowids)]
        ):
            norm = BM25_K1 * (1 - BM25_B + BM25_B * len(title) / average)
            score = 0.0
            for needle in dict.fromkeys(needles):
                tf = title.count(needle)
                if tf:
                    score += weights[needle] * BM25_WEIGHTS[0] * tf * (BM25_K1 + 1) / (tf + norm)
            ranked.append((-score, rowid))
        ranked.sort()
        return [(rowid, rank) for rank, rowid in ranked]

    def _checked(
        self,
        rows: list[tuple[int, float]],
        term_groups: list[list[TermPlan]],
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

    def _partial(
        self,
        long_groups: list[list[TermPlan]],
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
        needles = [n for n in needles if self._match([n]) is not None]
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
                f"SELECT e.rowid FROM {source}{clause} LIMIT ?",
                [self._match(ranked), *params, PARTIAL_RANKED + len(seen)],
            )
            candidates = [r for (r,) in rows if r not in seen]
            found = self._scored(candidates, [[n] for n in ranked], every=False)[:wanted]
            seen.update(r for r, _ in found)
        if filler and len(found) < wanted:
            rows = self.store.query(
                f"SELECT e.rowid FROM {source}{clause} LIMIT ?",
                [self._match(filler), *params, wanted + len(seen)],
            )
            found += [(r, 0.0) for (r,) in rows if r not in seen][: wanted - len(found)]
        return found

    # -- presenting -----------------------------------------------------------------


def _lone_short_term(
    term_groups: list[list[TermPlan]], other_groups: list[list[Term | FieldFilter]]
) -> str | None:
    """The `tokens` MATCH of a query that is one 1–2 character word alone, else None."""
    if other_groups or len(term_groups) != 1 or len(term_groups[0]) != 1:
        return None
    plan = term_groups[0][0]
    if plan.long or plan.variants or plan.extra_rowids or plan.needs_check:
        return None
    return _short_token_query(plan.folded)


def _short_token_query(folded: str) -> str | None:
    """The `tokens` MATCH for a 1–2 character term, or None if it has no word characters."""
    if not folded or not all(ch.isalnum() for ch in folded):
        return None
    if len(folded) == 2 and all(is_han(ch) for ch in folded):
        return phrase(folded)
    if len(folded) == 1 and folded.isascii():
        return None  # every word starting with one letter: cheaper to read titles
    return phrase(folded) + "*"
