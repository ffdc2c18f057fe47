"""Edits of the query text that filter keys make: add a filter, toggle it, drop them all.

A filter key narrows what the user is looking at: `<M-t>` on `rust` asks for the
tweets about rust, so the words stay and only the filter of that field is swapped;
pressing it again takes it away, as a toggle does in fzf's and telescope's pickers.
"""

from __future__ import annotations

from tui.core.search.query import _AUTHOR_TOKEN, _FIELD_TOKEN, _TAG_TOKEN, FIELDS, _tokenize


def _field(token: str) -> str | None:
    """The field a query token filters on (`kind`, `tag`, `author`, …), None for words."""
    m = _FIELD_TOKEN.fullmatch(token)
    if m and m.group(2).lower() in FIELDS:
        return m.group(2).lower()
    if _TAG_TOKEN.fullmatch(token):
        return "tag"
    if _AUTHOR_TOKEN.fullmatch(token):
        return "author"
    return None


def _pieces(text: str) -> list[tuple[str, str | None]]:
    """Each token as typed (quotes and escapes kept) with the field it filters on."""
    return [(text[t.start : t.start + t.length], _field(t.text)) for t in _tokenize(text)]


def with_filter(query: str, wanted: str) -> str:
    """`query` with the filters and words of `wanted` added, ahead of what was typed.

    A filter replaces the query's filter of the same field; when everything
    `wanted` holds is in the query already, it is taken out instead (a toggle).
    """
    adding = _pieces(wanted)
    present = [piece for piece, _ in _pieces(query)]
    if adding and all(piece in present for piece, _ in adding):
        removing = {piece for piece, _ in adding}
        return _joined([p for p in present if p not in removing])
    fields = {field for _, field in adding if field is not None}
    kept = [piece for piece, field in _pieces(query) if field not in fields or field is None]
    new = [piece for piece, _ in adding if piece not in kept]
    return _joined(new + kept)


def without_filter_tokens(query: str) -> str:
    """The words of `query`, its filters dropped."""
    return _joined([piece for piece, field in _pieces(query) if field is None])


def _joined(pieces: list[str]) -> str:
    """Tokens with a space after, so typing goes on as a new word."""
    return " ".join(pieces) + " " if pieces else ""
