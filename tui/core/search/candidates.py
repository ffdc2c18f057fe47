"""The candidate finder: (rowid, coarse rank) of the entries that match a plan.

A capped pass of rowids gives the count; a narrow match list (most keystrokes)
is ranked by bm25 (`bm25`), a broad one shows title hits first. When no entry
has every term, `partial` finds entries with the rarest terms.
"""

from __future__ import annotations

import json
import re

from tui.core.index.store import IndexStore
from tui.core.search.bm25 import Bm25Ranker
from tui.core.search.candidate_sql import CandidateSqlBuilder, order_sql
from tui.core.search.lines import looks_like_file_name
from tui.core.search.lookup import WordLookup
from tui.core.search.plan import (
    FTS_JOIN,
    CandidateSql,
    Expression,
    QueryPlan,
    Rendered,
    RowidIn,
    Sql,
)
from tui.core.search.presenting import FINE_RANK_COUNT
from tui.core.search.query import FieldFilter, Term
from tui.core.search.sqlfilters import like_escape
from tui.core.search.term_plan import TermPlan
from tui.core.text.fold import fold, fold_keep_case

TITLE_CANDIDATES = 200  # best title hits checked against a broad multi-term query
TITLE_HITS = 5000  # title hits of a broad one-term query that are ordered for the top rows
BROAD_MATCHES = 500  # above this, ranking every match costs too much per keystroke
COUNT_CAP = 2000  # counts stop here ("2000+"): exact counts of broad terms cost a scan
RANK_ALL_CAP = 5000  # matches an unlimited search ranks by bm25; the rest follow in index order
PARTIAL_RANKED = 1000  # entries that partial matching ranks by bm25; commoner terms only fill
COMMON_SHARE = 0.05  # terms in more entries than this share add little to a partial
NAMED_NOTES = 20  # note entries a file-name-like term adds to the candidates
TITLES_FIRST = "e.title_f NOT LIKE ? ESCAPE '\\', length(e.title_f), e.path, e.line"

Rows = list[tuple[int, float]]


def term_in_text(term: Term, title: str, text: str, path: str) -> bool:
    """The exact meaning of one term against an entry (for checks SQL cannot do)."""
    if term.case_sensitive:
        needle = fold_keep_case(term.text)
        haystacks = [fold_keep_case(title), fold_keep_case(text), fold_keep_case(path)]
    else:
        needle = fold(term.text)
        haystacks = [fold(title), fold(text), fold(path)]
    if term.mode in ("fuzzy", "exact"):
        return any(needle in h for h in haystacks)
    if term.mode == "word":
        pattern = re.compile(rf"(?<!\w){re.escape(needle)}(?!\w)")
        return any(pattern.search(h) for h in haystacks)
    lines = [line for h in haystacks[:2] for line in h.split("\n")]
    if term.mode == "prefix":
        return any(line.startswith(needle) for line in lines)
    if term.mode == "suffix":
        return any(line.endswith(needle) for line in lines)
    return needle in lines


def _alternatives(group: list[TermPlan]) -> list[str]:
    return [n for p in group for n in (p.folded, *p.variants)]


class CandidateFinder:
    """Finds a plan's candidates in one store, best first, and counts them."""

    def __init__(self, store: IndexStore, lookup: WordLookup,
                 ranker: Bm25Ranker | None = None,
                 sql: CandidateSqlBuilder | None = None) -> None:
        self.store = store
        self.lookup = lookup
        self.ranker = ranker or Bm25Ranker(store, lookup)
        self.sql = sql or CandidateSqlBuilder(store, lookup)
        self._best_titles_last: tuple[tuple[int, tuple[str, ...]], Rows] | None = None

    def strict(self, plan: QueryPlan) -> tuple[Rows, int]:
        """(rowid, rank) of entries matching every group, best first, and their count."""
        sql = self.sql.build(plan)
        rendered = sql.render(self.store.rowid_table_size)
        keep = 0 if sql.check or plan.limit <= 0 else max(plan.limit, FINE_RANK_COUNT)
        if plan.term_groups and keep and plan.ranked:
            return self._page(plan, sql, rendered, keep)
        rows = self._every(plan, sql, rendered, keep)
        if sql.check:
            rows = self.checked(rows, plan)
            return rows, len(rows)
        if keep and len(rows) == keep:
            total = self.store.query(rendered.count(), [*rendered.params, COUNT_CAP + 1])[0][0]
        else:
            total = len(rows)
        return rows, int(total)

    def _page(self, plan: QueryPlan, sql: CandidateSql, rendered: Rendered, keep: int
              ) -> tuple[Rows, int]:
        """The best `keep` of a ranked query with a limit."""
        # The capped matches in index order first, unranked: the total, and for a
        # broad query also the rows shown after the title hits.
        first = [r for (r,) in self.store.query(rendered.first_rowids(),
                                                [*rendered.params, COUNT_CAP + 1])]
        if len(first) > BROAD_MATCHES:
            return self._broad(plan, sql, rendered, keep, first), len(first)
        if sql.match is not None:
            ranked = self.ranker.rank(first, plan.term_groups)
            return ranked[:keep], len(ranked)
        # `first` holds every match (fewer than the cap): they are ordered, not found again
        # (a token stream would merge its lists a second time).
        order, order_params = order_sql(sql.match, plan)
        rows = self.store.query(
            "SELECT e.rowid, 0 AS rank FROM json_each(?) j CROSS JOIN entries e "
            f"ON e.rowid = j.value ORDER BY {order} LIMIT {keep}",
            [json.dumps(first), *order_params])
        return [(r, float(k)) for r, k in rows], len(first)

    def _every(self, plan: QueryPlan, sql: CandidateSql, rendered: Rendered, keep: int) -> Rows:
        """Every match (or the first `keep`) in the plan's order."""
        if sql.match is not None and plan.ranked and plan.term_groups:
            found = [r for (r,) in self.store.query(rendered.select("e.rowid"), rendered.params)]
            rows = self.ranker.rank(found[:RANK_ALL_CAP], plan.term_groups)
            return rows + [(r, 0.0) for r in found[RANK_ALL_CAP:]]
        order, order_params = order_sql(sql.match, plan)
        sql_text = rendered.select("e.rowid, 0 AS rank", order=order, limit=keep or None)
        return [(r, float(k)) for r, k in self.store.query(
            sql_text, [*rendered.params, *order_params])]

    def _broad(self, plan: QueryPlan, sql: CandidateSql, rendered: Rendered, keep: int,
               first: list[int]) -> Rows:
        """A term in hundreds of entries or more (mid-typing): title hits first, then the rest.

        Ranking every match would read every position list of the term; instead
        entries whose title has a term come first, then the other matches in index
        order (the fine ranking orders what is shown), and the count is capped.
        `first` holds the first matches in index order, already read by the probe.
        """
        if len(first) <= COUNT_CAP:
            titled = self._titled_among(first, plan.term_groups, keep)
        elif sql.match is not None and len(plan.term_groups) == 1:
            titled = self._titles_of_one_term(plan, sql, keep)
        elif sql.match is not None:
            titled = self._titled(plan.term_groups, sql, keep)
        else:
            titled = self._titles_like(plan, sql, keep, first)
        seen = {r for r, _ in titled}
        rows = [(r, float(k)) for r, k in titled]
        if len(rows) < keep:
            rest = first
            if len(rest) < keep + len(seen):
                found = self.store.query(rendered.select("e.rowid", capped=True),
                                         [*rendered.params, keep + len(seen)])
                rest = [r for (r,) in found]
            rows += [(r, 0.0) for r in rest if r not in seen][: keep - len(rows)]
        return rows

    def _titles_of_one_term(self, plan: QueryPlan, sql: CandidateSql, keep: int) -> Rows:
        """The titles-only index: its lists hold title hits alone, so a word in every body
        costs nothing here (a column filter on `fts` reads them all). Ordered as
        `_titled_among` orders, among the first TITLE_HITS title hits (a 3-letter term
        has tens of thousands in a million entries; bm25 would first count them all)."""
        alternatives = self.lookup.match(_alternatives(plan.term_groups[0])) or sql.match
        rendered = sql.without_match(
            "(SELECT rowid AS hit FROM titles WHERE titles MATCH ? "
            f"LIMIT {TITLE_HITS}) t CROSS JOIN entries e ON e.rowid = t.hit", [alternatives])
        first_term = plan.term_groups[0][0].folded
        rows = self.store.query(rendered.select("e.rowid, 0", order=TITLES_FIRST, capped=True),
                                [*rendered.params, f"{like_escape(first_term)}%", keep])
        return [(r, float(k)) for r, k in rows]

    def _titles_like(self, plan: QueryPlan, sql: CandidateSql, keep: int, first: list[int]
                     ) -> Rows:
        """Matches with a term in the title, for candidates found without the word index:
        the first `keep` in the source's order."""
        needles = [p.folded for g in plan.term_groups for p in g]
        likes = Sql("(" + " OR ".join("e.title_f LIKE ? ESCAPE '\\'" for _ in needles) + ")",
                    tuple(f"%{like_escape(n)}%" for n in needles))
        if sql.stream is not None:
            # A token stream yields its matches in rowid order, and `first` holds the
            # first of them: when `keep` of those have a term in the title, they are the
            # first `keep` of all, found without merging the token lists again (~10 ms).
            rows = self.store.query(
                "SELECT e.rowid, 0 FROM json_each(?) j CROSS JOIN entries e "
                f"ON e.rowid = j.value WHERE {likes.text} LIMIT ?",
                [json.dumps(first), *likes.params, keep])
            if len(rows) == keep:
                return [(r, float(k)) for r, k in rows]
        rendered = sql.render(self.store.rowid_table_size, extra=[likes])
        rows = self.store.query(rendered.select("e.rowid, 0", capped=True),
                                [*rendered.params, keep])
        return [(r, float(k)) for r, k in rows]

    def _titled_among(self, rowids: list[int], term_groups: list[list[TermPlan]], keep: int
                      ) -> Rows:
        """Of these matches (every match of the query), those with a term in the title:
        titles starting with the first term first, then the shortest."""
        needles = [n for g in term_groups for n in _alternatives(g)]
        likes = " OR ".join("e.title_f LIKE ? ESCAPE '\\'" for _ in needles)
        rows = self.store.query(
            # The list drives (CROSS JOIN): left to itself, SQLite may walk an index of
            # `entries` instead and test every row against the list.
            "SELECT e.rowid, 0 FROM json_each(?) j CROSS JOIN entries e ON e.rowid = j.value "
            f"WHERE ({likes}) ORDER BY {TITLES_FIRST} LIMIT ?",
            [json.dumps(rowids), *(f"%{like_escape(n)}%" for n in needles),
             f"{like_escape(needles[0])}%", keep],
        )
        return [(r, float(k)) for r, k in rows]

    def _titled(self, term_groups: list[list[TermPlan]], sql: CandidateSql, keep: int) -> Rows:
        """Entries whose title holds some term and that match the whole query, best first.

        The titles index gives the best title hits for any term; Python checks
        that each also holds every other term (the FTS phrase test: a substring
        of the folded title, text or path), and SQL applies the other conditions
        to those few rows only.
        """
        pure = [g for g in term_groups if all(p.long and not p.extra_rowids for p in g)]
        alts = [_alternatives(g) for g in pure]
        candidates = self._best_titles([n for g in alts for n in g])
        if not candidates:
            return []
        if sql.word is not None:  # the last short word is in the match: its rows as a set
            sql = sql.also(RowidIn.temp(self.store.token_table(sql.word)))
        rendered = sql.without_match("json_each(?) j CROSS JOIN entries e ON e.rowid = j.value",
                                     [json.dumps([r for r, _ in candidates])])
        allowed = dict(self.store.query(rendered.select("e.rowid, e.path_lower"),
                                        rendered.params))
        texts = self.store.folded(list(allowed))
        titled = []
        for rowid, rank in candidates:
            if rowid in texts and _holds_every(alts, *texts[rowid], allowed[rowid]):
                titled.append((rowid, float(rank)))
                if len(titled) == keep:
                    break
        return titled

    def without_flags(self, plan: QueryPlan, strict: set[int]) -> Rows:
        """A flag or punctuation term (`-i`, `\\d`) never empties the result: entries with
        every other term follow, and so do entries with the flag and all but one other
        term (`psql \\x auto` finds the note on `\\x auto` that never says psql)."""
        served = plan.served
        flags = [g for g in plan.term_groups if g not in served]
        found, _ = self.strict(plan.with_groups(served))
        if len(served) >= 2:
            for left_out in range(len(served)):
                kept = [g for i, g in enumerate(served) if i != left_out] + flags
                more, _ = self.strict(plan.with_groups(kept))
                found += more
        rows: dict[int, float] = {}
        for rowid, rank in found:
            if rowid not in strict and rowid not in rows:
                rows[rowid] = rank
        return list(rows.items())

    def with_named_note(self, group: list[TermPlan], rows: Rows) -> Rows:
        """A file name or slug alone (`git-rebase-onto`, `issue-12.md`): the note entries
        of files whose path holds it join the candidates, wherever the term's other
        matches (links to the file, mostly) would have put them."""
        names = [p.folded for p in group if looks_like_file_name(p.folded)]
        match = self.lookup.match(names) if names else None
        if match is None:
            return rows
        # The word query is a superset (`issue-9` is `issue AND 9*`): paths are checked.
        found = self.store.query(
            f"SELECT e.rowid, e.path_lower FROM {FTS_JOIN} "
            "WHERE fts MATCH ? AND e.kind = 'note' LIMIT ?",
            ["{path} : (" + match + ")", NAMED_NOTES * 5],
        )
        have = {r for r, _ in rows}
        named = [r for r, path in found if r not in have and any(n in path for n in names)]
        return [(r, 0.0) for r in named[:NAMED_NOTES]] + rows

    def _best_titles(self, needles: list[str]) -> Rows:
        """The TITLE_CANDIDATES best title hits of any needle, by bm25 over the titles.
        Kept for the next keystroke: after a word, the space and the next word's first
        letter (dropped while alone) ask for the same needles (10-15 ms at 100k)."""
        key = (self.store.generation, tuple(needles))
        last = self._best_titles_last
        if last is not None and last[0] == key:
            return list(last[1])
        title_match = self.lookup.match(needles)
        if title_match is None:
            return []
        hits = [r for (r,) in self.store.query(
            "SELECT rowid FROM titles WHERE titles MATCH ? LIMIT ?", [title_match, TITLE_HITS]
        )]
        best = self.ranker.titles_ranked(hits, needles)[:TITLE_CANDIDATES]
        self._best_titles_last = (key, best)  # replaced whole: overlapping searches are safe
        return list(best)

    def checked(self, rows: Rows, plan: QueryPlan) -> Rows:
        """Keep rows whose terms hold exactly (case, anchors, word boundaries)."""
        entries = self.store.entries([r for r, _ in rows])
        negatable = [g for g in plan.other_groups if all(isinstance(i, Term) for i in g)]
        kept = []
        for rowid, rank in rows:
            e = entries.get(rowid)
            if e is None:
                continue
            if all(_group_holds(rowid, e.title, e.text, e.path, g) for g in plan.term_groups) \
                    and all(_others_hold(e.title, e.text, e.path, g) for g in negatable):
                kept.append((rowid, rank))
        return kept

    def partial(self, plan: QueryPlan, long_groups: list[list[TermPlan]], strict: set[int],
                wanted: int, total_entries: int) -> Rows:
        """Entries with some of the terms, rarest terms first.

        The rarest terms, up to PARTIAL_RANKED entries between them, are ranked
        by bm25 over their OR (an IDF ranking). Commoner terms only fill what is
        left, in index order: ranking every entry that holds a mid-frequency word
        costs a scan of its whole list, for results that rank last anyway. Terms
        in a large share of entries are left out: they barely say anything.
        """
        ranked, filler, broad = self._partial_terms(long_groups, total_entries)
        others = tuple(self.sql.others_sql(g) for g in plan.other_groups)
        found: Rows = []
        seen = set(strict)
        if broad:
            found = self._partial_broad(ranked[0], others, seen, wanted)
            seen.update(r for r, _ in found)
        elif ranked:
            rendered = CandidateSql(self.lookup.match(ranked), others).render(probe_on_fts=False)
            rows = self.store.query(rendered.select("e.rowid", capped=True),
                                    [*rendered.params, PARTIAL_RANKED + len(seen)])
            candidates = [r for (r,) in rows if r not in seen]
            found = self.ranker.scored(candidates, [[n] for n in ranked], every=False)[:wanted]
            seen.update(r for r, _ in found)
        if filler and len(found) < wanted:
            rendered = CandidateSql(self.lookup.match(filler), others).render(probe_on_fts=False)
            rows = self.store.query(rendered.select("e.rowid", capped=True),
                                    [*rendered.params, wanted + len(seen)])
            found += [(r, 0.0) for (r,) in rows if r not in seen][: wanted - len(found)]
        return found

    def _partial_broad(self, needle: str, others: tuple[Expression, ...], seen: set[int],
                       wanted: int) -> Rows:
        """The rarest term is itself in more than PARTIAL_RANKED entries (`mod` of
        `attention vowel agent mod` at 100k entries: 3,653): as for a broad strict term
        (`_broad`), its title hits come first, best title first, then its other entries
        in index order. Ranking a thousand of them by their texts read each text (~80 µs
        an entry: 80 ms a key), to order what was an arbitrary first thousand anyway."""
        match = self.lookup.match([needle])
        rendered = CandidateSql(None, others).without_match(
            "(SELECT rowid AS hit FROM titles WHERE titles MATCH ? "
            f"LIMIT {TITLE_HITS}) t CROSS JOIN entries e ON e.rowid = t.hit", [match])
        titled = [r for (r,) in self.store.query(rendered.select("e.rowid"), rendered.params)
                  if r not in seen]
        found = [(r, k) for r, k in self.ranker.titles_ranked(titled, [needle]) if k < 0]
        found = found[:wanted]
        if len(found) < wanted:
            have = seen | {r for r, _ in found}
            rendered = CandidateSql(match, others).render(probe_on_fts=False)
            rows = self.store.query(rendered.select("e.rowid", capped=True),
                                    [*rendered.params, wanted + len(have)])
            found += [(r, 0.0) for (r,) in rows if r not in have][: wanted - len(found)]
        return found

    def _partial_terms(self, long_groups: list[list[TermPlan]], total_entries: int
                       ) -> tuple[list[str], list[str], bool]:
        """The needles partial matching ranks (rarest first), those that only fill, and
        whether the rarest alone is in more than PARTIAL_RANKED entries."""
        needles = [n for n in _long_needles(long_groups) if self.lookup.match([n]) is not None]
        limit = max(50, int(total_entries * COMMON_SHARE))
        counts = {n: self.lookup.count(n, limit) for n in dict.fromkeys(needles)}
        usable = sorted((n for n in counts if counts[n] < limit), key=counts.__getitem__)
        ranked: list[str] = []
        for n in usable:
            if ranked and sum(counts[r] for r in ranked) + counts[n] > PARTIAL_RANKED:
                break
            ranked.append(n)
        broad = bool(ranked) and counts[ranked[0]] > PARTIAL_RANKED
        return ranked, usable[len(ranked):] or ([] if usable else list(counts)), broad


def _long_needles(groups: list[list[TermPlan]]) -> list[str]:
    """The 3+ character terms of `groups`, then every variant."""
    return ([p.folded for g in groups for p in g if p.long]
            + [v for g in groups for p in g for v in p.variants])


def _holds_every(alts: list[list[str]], title: str, body: str, path: str) -> bool:
    """Whether some alternative of every group is in the folded title, text or path."""
    return all(any(n in title or n in body or n in path for n in g) for g in alts)


def _group_holds(rowid: int, title: str, text: str, path: str, group: list[TermPlan]) -> bool:
    return any((p.extra_rowids and rowid in p.extra_rowids)
               or any(v in fold(text) for v in p.variants)
               or term_in_text(p.term, title, text, path) for p in group)


def _others_hold(title: str, text: str, path: str, group: list[Term | FieldFilter]) -> bool:
    return any(isinstance(i, FieldFilter) or (term_in_text(i, title, text, path) != i.negated)
               for i in group)
