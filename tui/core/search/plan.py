"""A query's plan: what the engine reads from the query, once, and its SQL.

`QueryPlan` is everything one search knows (terms, filters, sort, limit, boost)
and everything it learns on the way (widened terms): it belongs to that search
alone, so searches overlapping on threads share nothing mutable.

The SQL of a query is a tree of fragments (`Sql`, `RowidIn`, `AnyOf`, `Not`),
each with its own parameters, gathered in `CandidateSql`. `CandidateSql.render`
is the one place that turns them into a statement: where a condition is tested
(on the FTS side or on `entries`), which rowid set drives, with or without the
FTS match. Nothing edits SQL text after it is written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from tui.core.search.query import FieldFilter, Query, Term
from tui.core.search.term_plan import TermPlan
from tui.core.text.fold import fold, is_han

FTS_JOIN = "fts CROSS JOIN entries e ON e.rowid = fts.rowid"


# -- the query as the engine reads it ---------------------------------------------------

def typing_letter(plan: TermPlan) -> bool:
    """A single letter, fuzzy or anchored: most likely a word still being typed.

    A quoted letter (`'x`) is meant as typed; a Han character is a word itself.
    """
    return len(plan.folded) == 1 and plan.term.mode != "exact" and not is_han(plan.folded)


def _split_groups(query: Query) -> tuple[list[list[TermPlan]], list[list[Term | FieldFilter]]]:
    """Groups of positive terms only (planned), and the rest (filters, negated terms)."""
    term_groups: list[list[TermPlan]] = []
    other_groups: list[list[Term | FieldFilter]] = []
    for group in query.groups:
        if group and all(isinstance(i, Term) and not i.negated for i in group):
            plans = [TermPlan(t, fold(t.text)) for t in group if isinstance(t, Term)]
            term_groups.append([p for p in plans if p.folded])
        elif group:
            other_groups.append(group)
    return [g for g in term_groups if g], other_groups


@dataclass(slots=True)
class QueryPlan:
    """One search: its term groups (ORs of positive terms), other groups (filters and
    negated terms), options, and the widening its terms receive on the way."""

    query: Query
    term_groups: list[list[TermPlan]]
    other_groups: list[list[Term | FieldFilter]]
    sort: str = "score"
    limit: int = 50
    boost: Mapping[str, float] = field(default_factory=dict)
    widen: bool = True  # look up alternatives for terms that find little
    # Lone letters left out as words still being typed; they only order the matches
    # (`chapter 3`: Chapter 3 before Chapter 1).
    held: tuple[str, ...] = ()

    @classmethod
    def of(cls, query: Query, *, sort: str = "score", limit: int = 50,
           boost: Mapping[str, float] | None = None, widen: bool = True) -> QueryPlan:
        term_groups, other_groups = _split_groups(query)
        held: tuple[str, ...] = ()
        if other_groups or any(not typing_letter(p) for g in term_groups for p in g):
            # A lone letter next to real terms or filters is a word still being typed;
            # it would match almost every entry, so it waits for its second letter.
            # A quoted letter (`'x`) or a Han character is meant.
            held = tuple(p.folded for g in term_groups if all(map(typing_letter, g)) for p in g)
            term_groups = [g for g in term_groups if not all(map(typing_letter, g))]
        return cls(query, term_groups, other_groups, sort, limit, dict(boost or {}), widen,
                   held)

    @property
    def ranked(self) -> bool:
        """Ordered by relevance (not by date, likes or path)."""
        return self.sort == "score"

    @property
    def typing(self) -> bool:
        """One unquoted character alone (`a`, `@`): the start of something being typed."""
        groups = self.term_groups
        return (not self.other_groups and len(groups) == 1 and len(groups[0]) == 1
                and typing_letter(groups[0][0]))

    @property
    def served(self) -> list[list[TermPlan]]:
        """Term groups an index can serve (not all flags or punctuation)."""
        return [g for g in self.term_groups if not all(p.unservable for p in g)]

    def terms(self) -> list[str]:
        """The folded terms and their variants (what the UI highlights)."""
        plans = [p for g in self.term_groups for p in g]
        return [p.folded for p in plans] + [v for p in plans for v in p.variants]

    def with_groups(self, term_groups: list[list[TermPlan]]) -> QueryPlan:
        """The same search over other term groups (the same plans, so widening is shared)."""
        return QueryPlan(self.query, term_groups, self.other_groups, self.sort, self.limit,
                         self.boost, self.widen, self.held)


# -- SQL fragments ------------------------------------------------------------------------

TEMP_SET = "SELECT id FROM {}"  # a temp rowid table's rows


@dataclass(frozen=True, slots=True)
class Sql:
    """A boolean expression over `e.` columns and its parameters."""

    text: str
    params: tuple[object, ...] = ()


@dataclass(frozen=True, slots=True)
class RowidIn:
    """The entry is in one of these rowid sets (subqueries); several are one UNION,
    which SQLite walks by rowid where an OR of `IN`s would test every entry.

    `table` names a single temp rowid table: such a set may drive a query or be
    probed on the FTS side, sparing a join per hit.
    """

    sets: tuple[str, ...]
    params: tuple[object, ...] = ()
    table: str | None = None

    @classmethod
    def temp(cls, table: str) -> RowidIn:
        return cls((TEMP_SET.format(table),), (), table)

    @property
    def on_temp_table(self) -> bool:
        return self.sets[0].startswith("SELECT id FROM ")


@dataclass(frozen=True, slots=True)
class AnyOf:
    parts: tuple[Expression, ...]


@dataclass(frozen=True, slots=True)
class Not:
    part: Expression


Expression = Sql | RowidIn | AnyOf | Not


def any_of(parts: Sequence[Expression]) -> Expression:
    """OR of `parts`; rowid sets alone become one set (one UNION)."""
    if len(parts) == 1:
        return parts[0]
    if len(parts) > 1 and all(isinstance(p, RowidIn) for p in parts):
        sets = tuple(s for p in parts for s in p.sets)  # type: ignore[union-attr]
        params = tuple(v for p in parts for v in p.params)  # type: ignore[union-attr]
        return RowidIn(sets, params)
    return AnyOf(tuple(parts))


def render(expression: Expression, fts_side: bool) -> tuple[str, list[object]]:
    """SQL text and parameters of `expression`. `fts_side`: temp rowid sets are probed
    against `fts.rowid` (`+`: never an FTS rowid lookup), not against the joined entry."""
    if isinstance(expression, Sql):
        return expression.text, list(expression.params)
    if isinstance(expression, RowidIn):
        column = "+fts.rowid" if fts_side and expression.on_temp_table else "e.rowid"
        return f"{column} IN ({' UNION '.join(expression.sets)})", list(expression.params)
    if isinstance(expression, Not):
        text, params = render(expression.part, fts_side)
        return f"NOT ({text})", params
    rendered = [render(p, fts_side) for p in expression.parts]
    return ("(" + " OR ".join(t for t, _ in rendered) + ")",
            [v for _, params in rendered for v in params])


def reads_entries(expression: Expression, fts_side: bool) -> bool:
    """Whether the rendered `expression` reads a column of `entries`."""
    if isinstance(expression, RowidIn):
        return not (fts_side and expression.on_temp_table)
    if isinstance(expression, Not):
        return reads_entries(expression.part, fts_side)
    if isinstance(expression, AnyOf):
        return any(reads_entries(p, fts_side) for p in expression.parts)
    return True


# -- a statement ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Rendered:
    """A FROM source, its conditions and their parameters, ready to be selected from."""

    source: str
    conditions: tuple[str, ...]
    params: tuple[object, ...]
    fts_only: bool = False  # every condition is on `fts`: `entries` need not be joined

    @property
    def where(self) -> str:
        return " WHERE " + " AND ".join(self.conditions) if self.conditions else ""

    def select(self, columns: str, *, order: str = "", limit: int | None = None,
               capped: bool = False) -> str:
        """`SELECT columns` of the matches; `capped` ends with a `LIMIT ?` parameter."""
        sql = f"SELECT {columns} FROM {self.source}{self.where}"
        if order:
            sql += f" ORDER BY {order}"
        if limit is not None:
            sql += f" LIMIT {limit}"
        return sql + (" LIMIT ?" if capped else "")

    def first_rowids(self) -> str:
        """The first matches in index order (`LIMIT ?`), from `fts` alone when it can."""
        if self.fts_only:
            return f"SELECT fts.rowid FROM fts{self.where} LIMIT ?"
        return self.select("e.rowid", capped=True)

    def count(self) -> str:
        """How many match, up to a `LIMIT ?` parameter."""
        return f"SELECT count(*) FROM (SELECT 1 FROM {self.source}{self.where} LIMIT ?)"


@dataclass(frozen=True, slots=True)
class CandidateSql:
    """The SQL of one query's candidates: an FTS match (the terms' words), or a
    `tokens` stream for a lone short word, and conditions over each entry."""

    match: str | None
    conditions: tuple[Expression, ...] = ()
    check: bool = False  # Python must confirm each row (case, anchors, boundaries)
    stream: str | None = None  # a lone 1-2 letter word: its token list drives
    # The `tokens` MATCH of a last 1-2 letter word AND-ed into `match` (not among the
    # conditions): `without_match` must be given its rows another way.
    word: str | None = None

    def render(self, set_size: Callable[[str], int] | None = None, *,
               probe_on_fts: bool = True, extra: Sequence[Expression] = ()) -> Rendered:
        """The statement's parts. Driven by the FTS match when there is one, else by
        the smallest temp rowid set (`set_size`), else by `entries`; `extra`
        conditions are added to a statement without a match."""
        if self.stream is not None:
            # Rowid sets are probed on the FTS side, before any row of `entries` is read.
            parts = [render(c, True) for c in self.conditions]
            more = _rendered(FTS_JOIN, (), extra)
            only = not extra and not any(reads_entries(c, True) for c in self.conditions)
            return Rendered(FTS_JOIN, ("fts MATCH ?", *(t for t, _ in parts), *more.conditions),
                            (self.stream, *(v for _, p in parts for v in p), *more.params), only)
        if self.match is not None:
            fts_side = probe_on_fts
            parts = [render(c, fts_side) for c in self.conditions]
            only = not any(reads_entries(c, fts_side) for c in self.conditions)
            return Rendered(FTS_JOIN, ("fts MATCH ?", *(t for t, _ in parts)),
                            (self.match, *(v for _, p in parts for v in p)), only)
        conditions = list(self.conditions)
        source = "entries e"
        tables = [c for c in conditions if isinstance(c, RowidIn) and c.table is not None]
        if tables and set_size is not None:
            # Walk the smallest rowid set and probe the others: driven from `entries`,
            # SQLite would read tens of thousands of rows to keep a few hundred.
            driver = min(tables, key=lambda c: set_size(c.table or ""))
            source = f"{driver.table} d CROSS JOIN entries e ON e.rowid = d.id"
            conditions.remove(driver)
        return _rendered(source, (), [*conditions, *extra])

    def without_match(self, source: str, source_params: Sequence[object] = ()) -> Rendered:
        """The conditions alone, tested on `entries` rows that `source` (which joins
        `entries e`) finds another way, after its own parameters."""
        return _rendered(source, source_params, self.conditions)

    def also(self, *extra: Expression) -> CandidateSql:
        """The same candidates under more conditions."""
        return CandidateSql(self.match, (*self.conditions, *extra), self.check, self.stream,
                            self.word)


def _rendered(source: str, source_params: Sequence[object],
              conditions: Sequence[Expression]) -> Rendered:
    parts = [render(c, False) for c in conditions]
    return Rendered(source, tuple(t for t, _ in parts),
                    (*source_params, *(v for _, p in parts for v in p)))
