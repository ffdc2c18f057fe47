"""The query language: fzf's extended-search syntax plus zk/Obsidian-style fields.

One box does everything, so typing must never fail: `parse_query` never raises. A
malformed field value becomes a `QueryError` (shown to the user) and that token is
dropped, so the rest of the query keeps filtering while the user fixes it.

Plain terms follow fzf's `parseTerms` step for step (space = AND, a lone `|` =
OR, `'exact`, `'word'`, `^prefix`, `suffix$`, `^equal$`, `!not`, smart case), with
one deliberate difference: fzf reads `!'x` as an *inverse fuzzy* term; we read it as
inverse exact, the same as `!x`, which is what people mean by it.

Like fzf, a bare `'`, `^`, `!`, `!'`, `!^` or `^$` leaves nothing to search for
and is ignored (so a half-typed operator does not empty the results), while a bare
`$` is a plain term for the character `$`, and `|` at the start of the query or
right after another `|` is a plain term for `|`.

Fields: `kind:` `tag:`/`#x` `author:`/`@x` `path:` `title:` `date:` and the tweet
counters `likes:` `retweets:` `replies:` `quotes:`. An unknown `name:value` is a
plain term (URLs, `key:value` text), and a leading `'` turns a field into text too
(`'kind:tweet` searches for that text).

One module, over the ~400 lines of the others, on purpose: the grammar reads top
to bottom in one place (limits → tokens → terms → field values), and each part
uses the others' private helpers. Rendering a query back to text is
`query_render`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Literal, Union

from tui.core.ingest.entry import ENTRY_KINDS
from tui.core.text.suggest import closest

TermMode = Literal["fuzzy", "exact", "word", "prefix", "suffix", "equal"]
FilterOp = Literal["eq", "nested", "substring", "glob", "prefix", "ge", "gt", "le", "lt", "range"]

NUMERIC_FIELDS = ("likes", "retweets", "replies", "quotes")
FIELDS = ("kind", "tag", "author", "path", "title", "date", *NUMERIC_FIELDS)

# A number bigger than this is a typo, and refusing it keeps str(int) cheap.
_MAX_DIGITS = 15

# Limits checked before anything reaches SQL; past them the query is refused, not
# run. They bound the worst case: a term that matches nothing is widened (typos,
# pinyin, abbreviations), tens of milliseconds each at 100k entries, so the term
# count is what keeps any query within them under a second (bench/query_limits.py).
MAX_QUERY_CHARS = 4096
MAX_TERMS = 16  # terms and filters in the whole query
MAX_ALTERNATIVES = 16  # items in one `a | b | c` group (each `|` nests the SQL one level)


@dataclass(frozen=True, slots=True)
class Term:
    """One fzf search term.

    `text` is the term without its operators. When `case_sensitive` is False the
    text has no uppercase letters (`text == text.lower()`), so the engine compares
    it against the lowercased candidate; otherwise it compares as is.
    `mode` "word" is fzf's `'word'` (exact match at word boundaries), "equal" is
    `^whole$`. A negated term (`!x`) is never "fuzzy".
    """

    text: str
    mode: TermMode = "fuzzy"
    negated: bool = False
    case_sensitive: bool = False


@dataclass(frozen=True, slots=True)
class FieldFilter:
    """One field condition, e.g. `likes:>1000` or `!#draft`.

    `value` holds the operand of single-value ops; `low`/`high` the inclusive ends
    of "range". Numeric fields hold ints, the others strings. Normalisation is
    done here so the evaluator stays trivial: kind is a singular kind name, tag
    and author are lowercased without `#`/`@`, dates are zero-padded partial ISO
    dates ("2024", "2024-06", "2024-06-01"). path and title keep the user's text
    (path is smart-case, title always folds case at match time).
    """

    field: str
    op: FilterOp
    value: str | int | None = None
    low: str | int | None = None
    high: str | int | None = None
    negated: bool = False


QueryItem = Union[Term, FieldFilter]  # noqa: UP007 - a runtime alias, py3.10 safe


@dataclass
class QueryError(ValueError):
    """A malformed field in the query: what is wrong, and where, for highlighting.

    `position`/`length` index the original query string (characters, not cells).
    It is an exception so callers may raise it, but `parse_query` only collects.
    """

    message: str
    position: int
    length: int
    token: str

    def __str__(self) -> str:
        return self.message


@dataclass
class Query:
    """An AND of OR-groups: every group must match, any item of a group may.

    `errors` do not take part in equality: a query equals its rendering re-parsed,
    and the rendering leaves the bad tokens out.
    """

    groups: list[list[QueryItem]] = field(default_factory=list)
    errors: list[QueryError] = field(default_factory=list, compare=False)
    refused: bool = field(default=False, compare=False)  # past a limit: search nothing

    @property
    def text_terms(self) -> list[Term]:
        """The positive plain terms, in order: what to highlight in results."""
        return [i for g in self.groups for i in g if isinstance(i, Term) and not i.negated]

    @property
    def filters(self) -> list[FieldFilter]:
        """Every field filter, in order."""
        return [i for g in self.groups for i in g if isinstance(i, FieldFilter)]

    @property
    def is_empty(self) -> bool:
        """True when nothing constrains the results (blank or all-invalid query)."""
        return not self.groups


# --------------------------------------------------------------------------- tokens


@dataclass(frozen=True, slots=True)
class _Token:
    text: str  # unescaped: `\ ` became a space, field quotes are gone
    start: int
    length: int


_QUOTED_FIELD = re.compile(r'!?([A-Za-z]+):"')


def _tokenize(text: str) -> list[_Token]:
    """Split on whitespace; `\\ ` is a literal space and `field:"..."` may hold spaces.

    An unclosed quote runs to the end of the input, so `title:"kill wo` works while
    the user is still typing. After the closing quote the token goes on up to the
    next whitespace, as in a shell.
    """
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        start = i
        buf: list[str] = []
        m = _QUOTED_FIELD.match(text, i)
        if m and m.group(1).lower() in FIELDS:
            buf.append(text[i : m.end() - 1])
            close = text.find('"', m.end())
            if close == -1:
                buf.append(text[m.end() :])
                i = n
            else:
                buf.append(text[m.end() : close])
                i = close + 1
        while i < n and not text[i].isspace():
            if text[i] == "\\" and i + 1 < n and text[i + 1] == " ":
                buf.append(" ")
                i += 2
            else:
                buf.append(text[i])
                i += 1
        tokens.append(_Token("".join(buf), start, i - start))
    return tokens


# --------------------------------------------------------------------------- parsing


def _refused(message: str, text: str) -> Query:
    return Query(errors=[QueryError(message, 0, len(text), "")], refused=True)


def parse_query(text: str) -> Query:
    """Parse the search box; never raises, whatever the input.

    A query past the limits (MAX_QUERY_CHARS, MAX_TERMS, MAX_ALTERNATIVES) comes
    back `refused`, with one error saying which limit and by how much.
    """
    if len(text) > MAX_QUERY_CHARS:
        return _refused(
            f"query too long: {len(text):,} characters (limit {MAX_QUERY_CHARS:,})", text
        )
    query = _parse_items(text)
    widest = max((len(g) for g in query.groups), default=0)
    if widest > MAX_ALTERNATIVES:  # the more telling message when both apply
        return _refused(
            f"too many alternatives in one | group: {widest:,} (limit {MAX_ALTERNATIVES})", text
        )
    items = sum(len(g) for g in query.groups)
    if items > MAX_TERMS:
        return _refused(f"too many terms: {items:,} (limit {MAX_TERMS})", text)
    return query


def _parse_items(text: str) -> Query:
    query = Query()
    current: list[QueryItem] = []
    switch = False  # the next item starts a new AND group
    after_bar = False
    for tok in _tokenize(text):
        # fzf: `|` is OR only between two items; at the start or doubled it is text.
        if current and not after_bar and tok.text == "|":
            switch = False
            after_bar = True
            continue
        after_bar = False
        item = _parse_token(tok, query.errors)
        if item is None:
            continue
        if switch:
            query.groups.append(current)
            current = []
        current.append(item)
        switch = True
    if current:
        query.groups.append(current)
    return query


_FIELD_TOKEN = re.compile(r"(!?)([A-Za-z]+):(.*)", re.DOTALL)
_TAG_TOKEN = re.compile(r"(!?)#([^#\s].*)", re.DOTALL)
_AUTHOR_TOKEN = re.compile(r"(!?)@([^@\s].*)", re.DOTALL)


def _parse_token(tok: _Token, errors: list[QueryError]) -> QueryItem | None:
    """A field filter, a plain term, or None for a dropped (empty or bad) token."""
    s = tok.text
    m = _FIELD_TOKEN.fullmatch(s)
    if m and m.group(2).lower() in FIELDS:
        try:
            return _parse_field(m.group(2).lower(), m.group(3), m.group(1) == "!")
        except _BadValue as exc:
            errors.append(QueryError(str(exc), tok.start, tok.length, s))
            return None
    m = _TAG_TOKEN.fullmatch(s)
    if m:
        tag = _norm_tag(m.group(2))
        # `#1` is an issue number, not a tag (Obsidian's rule too); `#/` is text.
        if tag and not tag.isdigit():
            return FieldFilter("tag", "nested", tag, negated=m.group(1) == "!")
    m = _AUTHOR_TOKEN.fullmatch(s)
    if m:
        return FieldFilter("author", "substring", m.group(2).lower(), negated=m.group(1) == "!")
    return _parse_term(s)


def _parse_term(s: str) -> Term | None:
    """fzf's term rules (pattern.go parseTerms), with `!'x` kept exact."""
    case_sensitive = s != s.lower()
    mode: TermMode = "fuzzy"
    negated = False
    text = s
    if text.startswith("!"):
        negated, mode, text = True, "exact", text[1:]
    if text != "$" and text.endswith("$"):
        mode, text = "suffix", text[:-1]
    if len(text) > 2 and text.startswith("'") and text.endswith("'"):
        mode, text = "word", text[1:-1]
    elif text.startswith("'"):
        mode, text = "exact", text[1:]
    elif text.startswith("^"):
        mode = "equal" if mode == "suffix" else "prefix"
        text = text[1:]
    if not text:
        return None
    return Term(text, mode, negated, case_sensitive)


class _BadValue(Exception):
    """Internal: a field value that cannot be understood; becomes a QueryError."""


_DATE_HELP = "date: expects YYYY, YYYY-MM or YYYY-MM-DD, ranges a..b, or >=, <=, >, <"
_OPS: tuple[tuple[str, FilterOp], ...] = (
    (">=", "ge"),
    ("<=", "le"),
    (">", "gt"),
    ("<", "lt"),
    ("=", "eq"),
)


def _parse_field(name: str, value: str, negated: bool) -> FieldFilter:
    """Validate and normalise one `name:value`; raise _BadValue when malformed."""
    if name == "kind":
        return FieldFilter("kind", "eq", _parse_kind(value), negated=negated)
    if name == "tag":
        tag = _norm_tag(value)
        if not tag:
            raise _BadValue(f"tag: expects a tag name, e.g. tag:ai or #ai — got {value!r}")
        return FieldFilter("tag", "nested", tag, negated=negated)
    if name == "author":
        author = value.lstrip("@").lower()
        if not author:
            raise _BadValue(f"author: expects a handle, e.g. author:karpathy — got {value!r}")
        return FieldFilter("author", "substring", author, negated=negated)
    if name in ("path", "title"):
        if not value:
            raise _BadValue(f"{name}: expects some text, e.g. {name}:blog — got ''")
        op: FilterOp = "glob" if name == "path" and ("*" in value or "?" in value) else "substring"
        return FieldFilter(name, op, value, negated=negated)
    if name == "date":
        return _parse_date_filter(value, negated)
    return _parse_number_filter(name, value, negated)


def _norm_tag(value: str) -> str:
    """`#AI/` and `ai` name the same tag: no leading `#`, no trailing `/`, lowercase."""
    return value.lstrip("#").rstrip("/").lower()


def _parse_kind(value: str) -> str:
    kind = value.lower()
    if kind not in ENTRY_KINDS and kind.endswith("s") and kind[:-1] in ENTRY_KINDS:
        kind = kind[:-1]
    if kind in ENTRY_KINDS:
        return kind
    expected = "kind: expects note, section, tweet or key"
    if not value:
        raise _BadValue(f"{expected} — got nothing")
    close = closest(kind, ENTRY_KINDS, cutoff=0.5)
    hint = f" (did you mean kind:{close}?)" if close else ""
    raise _BadValue(f"{expected} — got {value!r}{hint}")


_PARTIAL_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{1,2})(?:-([0-9]{1,2}))?)?")


def _norm_date(text: str) -> str | None:
    """Zero-padded `YYYY[-MM[-DD]]` if `text` is a real (partial) date, else None."""
    m = _PARTIAL_DATE.fullmatch(text)
    if not m:
        return None
    year, month, day = m.groups()
    out = year
    if month is not None:
        mo = int(month)
        if not 1 <= mo <= 12:
            return None
        out += f"-{mo:02d}"
        if day is not None:
            y = int(year)
            leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
            days = (31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[mo - 1]
            if not 1 <= int(day) <= days:
                return None
            out += f"-{int(day):02d}"
    return out


def _parse_date_filter(value: str, negated: bool) -> FieldFilter:
    def bad() -> _BadValue:
        return _BadValue(f"{_DATE_HELP} — got {value!r}")

    if ".." in value:
        lo_text, _, hi_text = value.partition("..")
        lo = _norm_date(lo_text) if lo_text else ""
        hi = _norm_date(hi_text) if hi_text else ""
        if lo is None or hi is None or (not lo and not hi):
            raise bad()
        if not lo:
            return FieldFilter("date", "le", hi, negated=negated)
        if not hi:
            return FieldFilter("date", "ge", lo, negated=negated)
        n = min(len(lo), len(hi))
        if lo[:n] > hi[:n]:
            raise _BadValue(f"date: the range {value!r} starts after it ends")
        return FieldFilter("date", "range", low=lo, high=hi, negated=negated)
    op: FilterOp = "prefix"
    rest = value
    for sym, sym_op in _OPS:
        if value.startswith(sym):
            op = "prefix" if sym_op == "eq" else sym_op
            rest = value[len(sym) :]
            break
    date = _norm_date(rest)
    if date is None:
        raise bad()
    return FieldFilter("date", op, date, negated=negated)


_NUMBER = re.compile(r"([0-9]+(?:\.[0-9]+)?)([kKmM]?)")


def _parse_number(text: str, name: str) -> int | None:
    """`1500`, `1.5k`, `2m` → int; None if it is not such a number."""
    m = _NUMBER.fullmatch(text)
    if not m or len(m.group(1)) > _MAX_DIGITS:
        return None
    try:
        number = Decimal(m.group(1)) * {"": 1, "k": 1000, "m": 1_000_000}[m.group(2).lower()]
    except InvalidOperation:  # pragma: no cover - the regex admits only plain decimals
        return None
    if number != number.to_integral_value():
        raise _BadValue(f"{name}: {text!r} is not a whole number")
    return int(number)


def _parse_number_filter(name: str, value: str, negated: bool) -> FieldFilter:
    def bad() -> _BadValue:
        return _BadValue(
            f"{name}: expects a number (1500, 1.5k, 2m), a range a..b, "
            f"or >=, <=, >, < — got {value!r}"
        )

    if ".." in value:
        lo_text, _, hi_text = value.partition("..")
        lo = _parse_number(lo_text, name) if lo_text else -1
        hi = _parse_number(hi_text, name) if hi_text else -1
        if lo is None or hi is None or (lo < 0 and hi < 0):
            raise bad()
        if lo < 0:
            return FieldFilter(name, "le", hi, negated=negated)
        if hi < 0:
            return FieldFilter(name, "ge", lo, negated=negated)
        if lo > hi:
            raise _BadValue(f"{name}: the range {value!r} starts after it ends")
        return FieldFilter(name, "range", low=lo, high=hi, negated=negated)
    op: FilterOp = "eq"
    rest = value
    for sym, sym_op in _OPS:
        if value.startswith(sym):
            op, rest = sym_op, value[len(sym) :]
            break
    number = _parse_number(rest, name)
    if number is None:
        raise bad()
    return FieldFilter(name, op, number, negated=negated)


def parse_token(text: str) -> QueryItem | None:
    """The item that `text` reads as when it is exactly one token, else None."""
    toks = _tokenize(text)
    return _parse_token(toks[0], []) if len(toks) == 1 else None
