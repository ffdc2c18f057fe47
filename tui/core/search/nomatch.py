"""What an empty result list says: the query, its filters and one hint that helps.

The app asks the engine one extra question when nothing matched (the same words
without the filters); this module only decides what to say from the answers.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
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


TAGS_NAMED = 5  # tags listed by a "tags starting with" hint


def no_match_lines(text: str, query: Query, relaxed: Relaxed | None,
                   tags: Collection[str] | None = None,
                   written: Mapping[str, int] | None = None) -> list[str]:
    """`no matches for "…"`, the active filters, and one hint. `tags`: every tag the
    notes carry, for a `#tag` that none does; `written`: how many entries hold such
    a tag as text (`#meeting` inside code or a link is not a tag)."""
    lines = [f'no matches for "{one_line(text.strip())}"']
    filters = describe_filters(query)
    if filters:
        lines.append("filters: " + "  ".join(filters))
    tag_hint = _tag_hint(query, tags, written or {}) if tags is not None else None
    lines.append("hint: " + (tag_hint or _hint(query, filters, relaxed)))
    return lines


def missing_tags(query: Query, tags: Collection[str]) -> list[str]:
    """The `#tag` filters of `query` that no note carries."""
    return [f.value for f in query.filters
            if f.field == "tag" and not f.negated and isinstance(f.value, str)
            and not any(t == f.value or t.startswith(f.value + "/") for t in tags)]


def _tag_hint(query: Query, tags: Collection[str], written: Mapping[str, int]) -> str | None:
    """`#loop` when only `loop1`…`loop20` exist: name the tags that start so."""
    for f in query.filters:
        if f.field != "tag" or f.negated or not isinstance(f.value, str):
            continue
        if any(t == f.value or t.startswith(f.value + "/") for t in tags):
            continue  # the tag exists: other filters or words found nothing
        near = sorted((t for t in tags if t.startswith(f.value)), key=_natural)
        if near:
            shown = ", ".join(f"#{one_line(t)}" for t in near[:TAGS_NAMED])
            more = f" and {len(near) - TAGS_NAMED} more" if len(near) > TAGS_NAMED else ""
            return f"no tag #{one_line(f.value)}; tags starting so: {shown}{more}"
        held = written.get(f.value, 0)
        if held:
            where = "entry holds" if held == 1 else "entries hold"
            return (f"no note is tagged #{one_line(f.value)}, but {held} {where} the text: "
                    f"'#{one_line(f.value)}")
        return f"no note is tagged #{one_line(f.value)}"
    return None


def _natural(text: str) -> list[object]:
    """`loop2` before `loop10`."""
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text)]


def _hint(query: Query, filters: list[str], relaxed: Relaxed | None) -> str:
    words = [t for t in query.text_terms if isinstance(t, Term)]
    if filters and relaxed is not None and relaxed.total:
        count = f"{relaxed.total:,}"
        if relaxed.partial:
            noun = "match" if relaxed.total == 1 else "matches"
            return f"{count} partial {noun} (some of the words) hidden by {filters[-1]}: drop it"
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
