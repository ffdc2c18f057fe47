"""Find and rank entries for a query, fast enough to run on every keystroke.

The flow of one search, each stage an object the engine is given:

    query ─► QueryPlan ─► CandidateFinder ─► Widener ─► Presenter ─► SearchResult
    (parse)  (terms,      (SQL over the      (typos,    (fine score:
              filters,     store, bm25,       pinyin,    FineRanker; best line,
              options)     partial matches)   initials)  snippet, spans: Highlighter)

Coarse to fine: SQLite finds the candidates (`candidates`, `candidate_sql`,
rendered from the plan in one place, `plan.CandidateSql.render`), ranked by
bm25 computed here (`bm25`); `presenting` re-ranks the best few dozen in Python
and builds snippets and highlight spans. `widening` adds alternatives for terms
that find little. When no entry has every term, entries with the rarest terms
follow as partial matches.

Everything one search learns lives in its `QueryPlan`: searches overlapping on
threads share only caches keyed by the index generation.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from tui.core.index.prepared import prepare_source
from tui.core.index.store import IndexStore
from tui.core.ingest.entry import Entry
from tui.core.search.candidates import COUNT_CAP, CandidateFinder, Rows
from tui.core.search.filters import describe_filters
from tui.core.search.lookup import WordLookup
from tui.core.search.pinyin_views import PinyinViews
from tui.core.search.plan import QueryPlan
from tui.core.search.presenting import FineRanker, Presenter, SearchHit, plain_hit
from tui.core.search.query import Query, QueryError, parse_query
from tui.core.search.spans import SNIPPET_WIDTH
from tui.core.search.widening import EXPANSION_THRESHOLD, Widener
from tui.core.text.fold import fold
from tui.core.text.pinyin import find_pinyin, pinyin_text, readings

# Re-exported for the UI and the CLI (span helpers live in `spans`).
__all__ = [
    "COUNT_CAP", "SNIPPET_WIDTH", "SORT_ORDERS", "SearchEngine", "SearchHit", "SearchResult",
    "plain_hit",
]



def _warn(message: str, *args: object) -> None:
    """A warning record (`logging` loads on the first: ~7 ms a one-shot need not pay)."""
    import logging

    log = logging.getLogger(__name__)
    if not log.handlers:
        log.addHandler(logging.NullHandler())  # a library: the app decides where records go
    log.warning(message, *args)

SORT_ORDERS = ("score", "date", "likes", "path")
PARTIAL_PAGE = 50  # with no limit, strict hits under which partial matches are added


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
    filters: list[str] = field(default_factory=list)  # the query's filters, for a status line
    # Asked with `widen=False`, and typo/pinyin/abbreviation alternatives might have
    # been added: a first answer, which a full search may change.
    narrowed: bool = False


@dataclass(slots=True)
class _Found:
    """The rows of one search: strict matches, then the two kinds of partial ones."""

    rows: Rows
    total: int
    narrowed: bool = False
    loose: Rows = field(default_factory=list)  # all but a flag or one other term
    partial: Rows = field(default_factory=list)  # some of the rarest terms


class SearchEngine:
    """Searches one `IndexStore` with the collaborators it is given (or the usual ones)."""

    def __init__(
        self,
        store: IndexStore,
        *,
        finder: CandidateFinder | None = None,
        widener: Widener | None = None,
        presenter: Presenter | None = None,
    ) -> None:
        self.store = store
        lookup = WordLookup(store)
        self.finder = finder or CandidateFinder(store, lookup)
        self.widener = widener or Widener(store, lookup)
        self.presenter = presenter or Presenter(store, FineRanker(PinyinViews()))
        self._entries_cache: tuple[int, list[Entry]] | None = None

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
        pinyin readings and the tables that put text in pinyin (the first pinyin hit
        to highlight: ~80 ms), the index's Han vocabulary (the first typo or pinyin
        widening), and the length averages bm25 normalises by: 0.3-1.2 s at 100k
        entries that the first such keystroke would otherwise wait for.
        """
        fold("É量")
        readings("量")
        view = pinyin_text("量")
        if view is not None:
            find_pinyin("liang", view)
        self.store.han_vocabulary()
        self.finder.ranker.column_averages()

    @property
    def entries(self) -> list[Entry]:
        """Every entry (path, line order); loads them all, so not for hot paths."""
        generation = self.store.generation
        if self._entries_cache is None or self._entries_cache[0] != generation:
            self._entries_cache = (generation, self.store.all_entries())
        return self._entries_cache[1]

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
        parsed = parse_query(query) if isinstance(query, str) else query
        if parsed.refused:  # past the query limits: nothing reaches SQL
            return SearchResult([], 0, self.store.count(), errors=list(parsed.errors),
                                filters=describe_filters(parsed))
        try:
            with self.store.holding_rowid_tables():
                return self._search(QueryPlan.of(parsed, sort=sort, limit=limit, boost=boost,
                                                  widen=widen))
        except sqlite3.OperationalError as error:
            if "fts5:" in str(error):
                # A word the tokenizer splits where the vocabulary did not: find nothing
                # rather than fail the keystroke.
                _warn("search %r: %s", query, error)
                return SearchResult(hits=[], total=0, searched=self.store.count(),
                                    filters=describe_filters(parsed))
            # A temp rowid table this search was given went missing (it should not:
            # searches hold theirs): start over once with fresh ones.
            if "no such table: temp.rowids" not in str(error):
                raise
            _warn("search %r lost a temp table (%s); retrying once", query, error)
            self.store.forget_rowid_tables()
        with self.store.holding_rowid_tables():
            return self._search(QueryPlan.of(parsed, sort=sort, limit=limit, boost=boost,
                                                  widen=widen))

    def _search(self, plan: QueryPlan) -> SearchResult:
        total_entries = self.store.count()
        found = self._strict(plan)
        capped = found.total > COUNT_CAP
        found.total = min(found.total, COUNT_CAP)
        if plan.ranked:
            self._add_partial(plan, found, total_entries)
        hits = self._hits(plan, found)
        partial = found.loose + found.partial
        return SearchResult(
            hits=hits[: plan.limit] if plan.limit > 0 else hits,
            total=found.total + len(partial),
            searched=total_entries,
            errors=list(plan.query.errors),
            partial_count=len(partial),
            terms=plan.terms(),
            total_capped=capped,
            filters=describe_filters(plan.query),
            narrowed=found.narrowed,
        )

    def _strict(self, plan: QueryPlan) -> _Found:
        """Entries with every term, widened when the terms as typed find little."""
        rows, total = self.finder.strict(plan)
        scarce = total < EXPANSION_THRESHOLD and bool(plan.term_groups)
        narrowed = scarce and not plan.widen and self.widener.widenable(plan.term_groups)
        if scarce and plan.widen and self.widener.expand(plan.term_groups, total):
            rows, total = self.finder.strict(plan)
        if plan.ranked and not plan.other_groups and len(plan.term_groups) == 1:
            rows = self.finder.with_named_note(plan.term_groups[0], rows)
        return _Found(rows, total, narrowed)

    def _add_partial(self, plan: QueryPlan, found: _Found, total_entries: int) -> None:
        """Entries missing a flag or a term, when the strict matches are few."""
        page = plan.limit if plan.limit > 0 else PARTIAL_PAGE
        served = plan.served
        strict = {r for r, _ in found.rows}
        if len(served) < len(plan.term_groups) and served and found.total < page:
            found.loose = self.finder.without_flags(plan, strict)
        long_groups = [g for g in served if any(p.long for p in g)]
        if len(long_groups) >= 2 and found.total + len(found.loose) < page:
            if not plan.widen and found.rows:
                # A first answer: the full matches now, the partial ones (ranking every
                # entry with some of the words) in the full search.
                found.narrowed = True
                return
            # Read in bm25 order and never re-sorted, so the first of them are the
            # same whatever the limit.
            wanted = plan.limit if plan.limit > 0 else total_entries
            found.partial = self.finder.partial(
                plan, long_groups, strict | {r for r, _ in found.loose},
                wanted - len(found.rows) - len(found.loose), total_entries)

    def _hits(self, plan: QueryPlan, found: _Found) -> list[SearchHit]:
        present = self.presenter.present
        hits = present(found.rows, plan, plan.limit, partial=False)
        # Entries missing a flag or one other term are ranked like full matches (the
        # terms they have, and where), then marked partial.
        flagged = present(found.loose, plan, 0, partial=False)
        for hit in flagged:
            hit.partial = True
        hits += flagged
        partial = found.partial
        shown = partial if plan.limit <= 0 else partial[: max(0, plan.limit - len(hits))]
        return hits + present(shown, plan, 0, partial=True)
