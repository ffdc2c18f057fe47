"""A query plan's terms and filters as SQL fragments (`plan.CandidateSql`).

SQLite does the heavy part in C: word-level FTS5 queries find the entries
holding every term (`fts_terms` turns a substring, CJK included, into words of
the vocabulary and Han bigrams); field filters and short terms run as SQL,
often as rowid sets built once while the user types on.
"""

from __future__ import annotations

import json

from tui.core.index.fts_terms import quote
from tui.core.index.payloads import contains_sql as store_contains_sql
from tui.core.index.store import IndexStore, text_only
from tui.core.search.lookup import WordLookup
from tui.core.search.plan import AnyOf, CandidateSql, Expression, Not, QueryPlan, RowidIn, Sql
from tui.core.search.plan import any_of as any_of_sql
from tui.core.search.plan import render as render_sql
from tui.core.search.query import FieldFilter, Term
from tui.core.search.sqlfilters import filter_sql, like_escape
from tui.core.search.term_plan import TermPlan, phrase
from tui.core.text.fold import fold, is_han

FILTER_SET_MAX = 20_000  # entries of field filters gathered into a set; above, checked per row
FTS_ROWIDS = "SELECT rowid FROM fts WHERE fts MATCH ?"


def contains_sql(text: str) -> Sql:
    """'Title, text or path contains `text`', tested on each candidate row's payload
    (for text with no word to look up; a capped scan stops at the rows it needs)."""
    return Sql(store_contains_sql(), (text,))


def _any_contains(needles: list[str]) -> Sql:
    parts = [contains_sql(n) for n in needles]
    return Sql("(" + " OR ".join(p.text for p in parts) + ")",
               tuple(v for p in parts for v in p.params))


def short_token_query(folded: str) -> str | None:
    """The `tokens` MATCH for a 1–2 character term, or None if it has no word characters."""
    if not folded or not all(ch.isalnum() for ch in folded):
        return None
    if len(folded) == 2 and all(is_han(ch) for ch in folded):
        return phrase(folded)
    if len(folded) == 1 and folded.isascii():
        return None  # every word starting with one letter: cheaper to read titles
    return phrase(folded) + "*"


def short_exact(plan: TermPlan) -> bool:
    """`'ux`, `'q`: an exact 1-2 character word piece, found anywhere inside words (an
    exact term is a substring); a single Han character keeps its own path."""
    folded = plan.folded
    return (plan.term.mode == "exact" and 0 < len(folded) <= 2
            and all(ch.isalnum() and not is_han(ch) for ch in folded))


def _plain_short_word(group: list[TermPlan]) -> str | None:
    """The `tokens` MATCH of a group that is one plain 1–2 character word, else None."""
    if len(group) != 1:
        return None
    term = group[0]
    if term.long or term.variants or term.extra_rowids or term.needs_check:
        return None
    if (len(term.folded) == 1 and term.term.mode == "exact") or short_exact(term):
        return None  # `'é`, `'ux`: the literal anywhere (`_group_sql`), not a word's start
    return short_token_query(term.folded)


def lone_short_term(plan: QueryPlan) -> str | None:
    """The `tokens` MATCH of a query whose one term is a 1–2 character word (alone, or
    beside filters and negated terms), else None."""
    groups = plan.term_groups
    return _plain_short_word(groups[0]) if len(groups) == 1 else None


def _needs_check(item: Term | FieldFilter) -> bool:
    return isinstance(item, Term) and (item.case_sensitive
                                       or item.mode not in ("fuzzy", "exact"))


class CandidateSqlBuilder:
    """Builds the `CandidateSql` of a plan over one store."""

    def __init__(self, store: IndexStore, lookup: WordLookup) -> None:
        self.store = store
        self.lookup = lookup

    def build(self, plan: QueryPlan) -> CandidateSql:
        """The candidates of every group of `plan`."""
        lone = lone_short_term(plan)
        stream = None
        if lone is not None and (not plan.other_groups
                                 or self.store.kept_token_table(lone) is None):
            # One 1–2 letter word (the word being typed, most often): stream its token
            # list, which stops at the first rows needed, instead of gathering every
            # entry it is in (50-70k at 100k entries: ~20 ms) for one keystroke. Beside
            # filters, a table an earlier keystroke made is probed instead.
            stream = text_only(lone)
        groups = [] if stream is not None else plan.term_groups
        word = self._typed_word(groups)
        match_parts: list[str] = []
        conditions: list[Expression] = []
        for group in groups[:-1] if word is not None else groups:
            expression = self._group_match(group)
            if expression is not None:
                match_parts.append("(" + expression + ")")
            else:
                conditions.append(self._group_sql(group, plan.typing))
        if word is not None and match_parts:
            # The last word, 1–2 letters after words of 3+ (`clou ma`): one more AND of
            # the FTS match, which merges its token lists once, instead of a table of
            # every entry holding it (~2x the cost) that the next letter no longer uses.
            match_parts.append("(" + text_only(word) + ")")
        elif word is not None:
            conditions.append(self._group_sql(groups[-1], plan.typing))
            word = None
        other_groups = plan.other_groups
        if plan.term_groups:
            other_groups, table = self._filter_set(other_groups)
            conditions += [RowidIn.temp(table)] if table is not None else []
        conditions += [self.others_sql(group) for group in other_groups]
        check = any(p.needs_check for g in plan.term_groups for p in g) or any(
            _needs_check(i) for g in other_groups for i in g)
        return CandidateSql(" AND ".join(match_parts) or None, tuple(conditions), check, stream,
                            word)

    def _typed_word(self, groups: list[list[TermPlan]]) -> str | None:
        """The `tokens` MATCH of the last of several groups when it is one plain 1–2
        letter word no earlier keystroke gathered into a kept table, else None."""
        if len(groups) < 2:
            return None
        word = _plain_short_word(groups[-1])
        if word is None or self.store.kept_token_table(word) is not None:
            return None
        return word

    def others_sql(self, group: list[Term | FieldFilter]) -> Expression:
        """One group of filters and negated terms (any of them holds)."""
        parts: list[Expression] = []
        for item in group:
            if isinstance(item, FieldFilter):
                sql, params = filter_sql(item, self.store.authors)
                parts.append(Sql(sql, tuple(params)))
            else:
                expression = self.term_sql(fold(item.text), [])
                parts.append(Not(expression) if item.negated else expression)
        return AnyOf(tuple(parts))

    def _group_match(self, group: list[TermPlan]) -> str | None:
        """The FTS match of a group the word index answers exactly by itself, else None."""
        if not all(p.long and not p.extra_rowids for p in group):
            return None
        needles = [n for p in group for n in (p.folded, *p.variants)]
        expression = self.lookup.match(needles)
        if expression is not None and self.lookup.exact(needles):
            return expression
        return None

    def _group_sql(self, group: list[TermPlan], typing: bool) -> Expression:
        parts: list[Expression] = []
        for plan in group:
            if short_exact(plan):
                parts.append(self._words_holding_sql(plan.folded))
            elif (plan.unservable and not typing) or (
                    len(plan.folded) == 1 and plan.term.mode == "exact"):
                # `-i`, `\\d`, `'生`: the literal anywhere; next to indexed terms it is
                # tested on their candidates only, alone a capped scan stops early.
                parts.append(contains_sql(plan.folded))
            else:
                parts.append(self.term_sql(plan.folded, plan.variants))
            if plan.extra_rowids:
                parts.append(RowidIn(("SELECT value FROM json_each(?)",),
                                     (json.dumps(sorted(plan.extra_rowids)),)))
        return any_of_sql(parts)

    def _words_holding_sql(self, piece: str) -> Expression:
        """Entries with a word that holds `piece`: the vocabulary's words, looked up.
        A piece in more words than a query lists is common, and a capped scan of
        the texts meets it at once."""
        if len(piece) == 1:
            return contains_sql(piece)  # 1-2 letter words hold it too: not in the vocab
        words = self.store.words_holding(piece)
        if words is None:
            return contains_sql(piece)
        # The piece as a word or a word's start (2-letter words are not in the vocab).
        return RowidIn((FTS_ROWIDS,), (" OR ".join([quote(piece) + "*", *map(quote, words)]),))

    def _filter_set(self, other_groups: list[list[Term | FieldFilter]]
                    ) -> tuple[list[list[Term | FieldFilter]], str | None]:
        """Filters in front of a word being typed stay the same for many keystrokes:
        their entries are gathered once, and each FTS hit is probed against them
        before any row of `entries` is read. Returns the groups left and the set."""
        filter_only = [g for g in other_groups if all(isinstance(i, FieldFilter) for i in g)]
        if not filter_only:
            return other_groups, None
        rendered = [render_sql(self.others_sql(g), False) for g in filter_only]
        table = self.store.rowid_table(
            "SELECT e.rowid FROM entries e WHERE " + " AND ".join(t for t, _ in rendered),
            [v for _, params in rendered for v in params], max_rows=FILTER_SET_MAX,
        )
        if table is None:  # filters this broad are checked row by row
            return other_groups, None
        return [g for g in other_groups if g not in filter_only], table

    def term_sql(self, folded: str, variants: list[str]) -> Expression:
        """SQL for 'entry contains this text', always through an index when it can be.

        3+ characters: a trigram phrase (any substring). Shorter: a token of the
        `tokens` table: a Chinese two-character word anywhere, or a word starting
        with the letters. Only text with no word characters falls back to titles.
        """
        needles = [folded, *variants]
        if all(len(n) >= 3 for n in needles):
            return self._long_term_sql(needles)
        short = short_token_query(folded)
        if short is not None:
            return RowidIn.temp(self.store.token_table(short))
        if len(folded) == 1:
            # Titles starting with the letter: a range on the title index, not a scan.
            return Sql("(e.title_f >= ? AND e.title_f < ?)", (folded, chr(ord(folded) + 1)))
        return Sql("e.title_f LIKE ? ESCAPE '\\'", (f"%{like_escape(folded)}%",))

    def _long_term_sql(self, needles: list[str]) -> Expression:
        expression = self.lookup.match(needles)
        if expression is None:
            # No word to look up (`-->`): a scan of the texts, stopped by a LIMIT.
            return _any_contains(needles)
        if self.lookup.exact(needles):
            return RowidIn((FTS_ROWIDS,), (expression,))
        # Words that hold the term's pieces, checked against the text itself
        # (`foo.ba`, `c++`, a Han run of 3+): the count stays exact.
        contains = _any_contains(needles)
        return Sql(f"(e.rowid IN ({FTS_ROWIDS}) AND {contains.text})",
                   (expression, *contains.params))


def order_sql(match: str | None, plan: QueryPlan) -> tuple[str, list[object]]:
    """ORDER BY of a plan's candidates read in SQL order."""
    if plan.sort == "date":
        return "e.date IS NULL, e.date DESC, e.path, e.line", []
    if plan.sort == "likes":
        return "e.likes IS NULL, e.likes DESC, e.path, e.line", []
    if plan.sort == "path" or not plan.term_groups:
        return "e.path, e.line", []
    if match is not None:
        return "rank, e.path, e.line", []
    first = plan.term_groups[0][0].folded
    titled = sorted(r for p in plan.term_groups[0] for r in p.title_rowids)
    return (
        "e.rowid NOT IN (SELECT value FROM json_each(?)), "
        "e.title_f NOT LIKE ? ESCAPE '\\', length(e.title_f), e.path, e.line",
        [json.dumps(titled), f"{like_escape(first)}%"],
    )
