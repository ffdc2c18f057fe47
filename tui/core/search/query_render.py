"""A query back to text: canonical query text that parses to the same items.

Used for the status line's filter labels (`filters`), the no-match hint's query
without its filters (`nomatch`), and the round-trip property the tests check:
`parse_query(render_query(q)) == q`.
"""

from __future__ import annotations

from tui.core.search.query import FieldFilter, Query, QueryItem, Term, parse_token

_OP_SYMBOL: dict[str, str] = {"ge": ">=", "gt": ">", "le": "<=", "lt": "<", "eq": ""}


def _escape(text: str) -> str:
    return text.replace(" ", "\\ ")


def _render_value(value: str) -> str:
    """A field value as the tokenizer reads it back: bare, or quoted up to its first `"`."""
    if value and not any(c.isspace() for c in value) and not value.startswith('"'):
        return value
    cut = value.find('"')
    if cut < 0:
        cut = len(value)
    return f'"{value[:cut]}"{_escape(value[cut:])}'


def _operand(f: FieldFilter) -> str:
    """The part after `name:` for the ops every field kind shares."""
    if f.op == "range":
        return f"{f.low}..{f.high}"
    if f.op in ("ge", "gt", "le", "lt"):
        return f"{_OP_SYMBOL[f.op]}{f.value}"
    return str(f.value)


def _filter_candidates(f: FieldFilter) -> list[str]:
    bang = "!" if f.negated else ""
    if f.field == "tag":
        return [f"{bang}#{_escape(str(f.value))}", f"{bang}tag:{_render_value(str(f.value))}"]
    if f.field == "author":
        return [f"{bang}@{_escape(str(f.value))}", f"{bang}author:{_render_value(str(f.value))}"]
    if f.field in ("path", "title"):
        return [f"{bang}{f.field}:{_render_value(str(f.value))}"]
    return [f"{bang}{f.field}:{_operand(f)}"]


def _term_candidates(t: Term) -> list[str]:
    text = t.text
    forms = {
        "fuzzy": [text],
        # A trailing `$` would read as a suffix anchor: `'a$$` keeps it literal.
        "exact": [f"'{text}", f"'{text}$"],
        "word": [f"'{text}'"],
        "prefix": [f"^{text}"],
        "suffix": [f"{text}$"],
        "equal": [f"^{text}$"],
    }[t.mode]
    if t.negated:
        # `!x` is the canonical inverse exact; `!'x` keeps a leading `'`/`^` literal.
        forms = [f"!{form}" for form in ([text, *forms] if t.mode == "exact" else forms)]
    return [_escape(form) for form in forms]


def _reads_back(token: str, item: QueryItem) -> bool:
    return parse_token(token) == item


def render_item(item: QueryItem) -> str:
    """One term or filter as canonical query text that parses back to it."""
    candidates = _term_candidates(item) if isinstance(item, Term) else _filter_candidates(item)
    for candidate in candidates:
        if _reads_back(candidate, item):
            return candidate
    return candidates[-1]


def render_query(query: Query) -> str:
    """Canonical text for `query`; `parse_query(render_query(q)) == q`.

    Bad tokens (`query.errors`) are not rendered.
    """
    pieces: list[str] = []
    for group in query.groups:
        for i, item in enumerate(group):
            if i:
                pieces.append("|")
            pieces.append(render_item(item))
    out: list[str] = []
    for i, piece in enumerate(pieces):
        if i:
            # A token ending in `\` would escape a following space: use a tab.
            out.append("\t" if pieces[i - 1].endswith("\\") else " ")
        out.append(piece)
    return "".join(out)
