"""What an empty result list says: the query, its filters and one hint that helps.

The app asks the engine one extra question when nothing matched (the same words
without the filters); this module only decides what to say from the answers.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.core.search.filters import describe_filters
from tui.core.search.query import FieldFilter, Query, Term
from tui.core.search.query_render import render_query
from tui.core.text.sanitize import one_line

SHORT_WORD = 2  # fuzzy words this short match word starts only (see the README)


@dataclass(frozen=True, slots=True)
class Relaxed:
    """The query's words searched without its filters."""

    total: int
    partial: bool  # every one of those hits matched only some of the words


def without_filters(query: Query) -> str:
    """The query's text with every group that holds a field filter left out."""
    kept = Query([g for g in query.groups if not any(isinstance(i, FieldFilter) for i in g)])
    return render_query(kept)


def no_match_lines(text: str, query: Query, relaxed: Relaxed | None) -> list[str]:
    """`no matches for "…"`, the active filters, and one hint."""
    lines = [f'no matches for "{one_line(text.strip())}"']
    filters = describe_filters(query)
    if filters:
        lines.append("filters: " + "  ".join(filters))
    lines.append("hint: " + _hint(query, filters, relaxed))
    return lines


def _hint(query: Query, filters: list[str], relaxed: Relaxed | None) -> str:
    words = [t for t in query.text_terms if isinstance(t, Term)]
    if filters and relaxed is not None and relaxed.total:
        count = f"{relaxed.total:,}"
        if relaxed.partial:
            return f"{count} partial matches (some of the words) hidden by {filters[-1]}: drop it"
        return f"{count} match without {filters[-1]}: drop it"
    if filters and not words:
        return "no entry passes all these filters: drop one"
    short = [t for t in words if t.mode == "fuzzy" and len(t.text) <= SHORT_WORD]
    if short:
        return f"'{short[0].text} finds \"{short[0].text}\" anywhere (unquoted: word starts only)"
    if filters:
        return f"nothing matches even without {filters[-1]}: drop a word"
    # An unquoted word already matches as a substring (and, from 5 letters, a letter away), so
    # quoting it ('word) could only find less: the hints never suggest it.
    if len(words) > 1:
        return "no entry has all the words: drop one"
    return "no text holds it: check the spelling, or type less of it"
