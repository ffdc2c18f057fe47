"""Field filters (`kind:tweet`, `#ai`, `likes:>1k`, ...) described for people.

The engine runs filters as SQL (`sqlfilters`); this module only labels the
active ones for the status line and the no-match message. The tests keep a
Python evaluator of the same filters (`tests/filter_oracle.py`) as the
reference the SQL is checked against.
"""

from __future__ import annotations

from tui.core.search.query import FieldFilter, Query, QueryItem, Term
from tui.core.search.query_render import render_item


def describe_filters(query: Query) -> list[str]:
    """Short labels for the active filters, one per AND group, for a status line.

    An OR group reads `#a | #b`; plain terms in such a group show as typed.
    """
    labels = []
    for group in query.groups:
        if any(isinstance(i, FieldFilter) for i in group):
            labels.append(" | ".join(_label(i) for i in group))
    return labels


def _label(item: QueryItem) -> str:
    if isinstance(item, Term):
        return render_item(item)
    bang = "!" if item.negated else ""
    if item.field == "tag":
        return f"{bang}#{item.value}"
    if item.field == "author":
        return f"{bang}@{item.value}"
    if item.field in ("path", "title"):
        value = str(item.value)
        return f'{bang}{item.field}:"{value}"' if " " in value else f"{bang}{item.field}:{value}"
    symbol = {"ge": ">=", "gt": ">", "le": "<=", "lt": "<"}.get(item.op)
    if symbol:
        return f"{bang}{item.field}{symbol}{item.value}"
    if item.op == "range":
        return f"{bang}{item.field}:{item.low}..{item.high}"
    if item.field != "date" and item.op == "eq" and item.field != "kind":
        return f"{bang}{item.field}={item.value}"
    return f"{bang}{item.field}:{item.value}"
