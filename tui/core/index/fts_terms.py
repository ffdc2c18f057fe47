"""Literal substrings and pinyin as word-level FTS5 queries.

The index holds words, not every byte's trigram (12x cheaper to build, 2.4x
smaller): the `fts` table tokenizes folded text with `unicode61`, Han runs
spelled as overlapping bigrams. A substring query becomes a query on words:

* a piece inside one word (`onfig`) is found in the *vocabulary* of distinct
  words (tens of thousands, trigram-indexed), and the words holding it are OR-ed,
  one prefix query for words sharing the part up to the piece (`conf*`);
* a Han run is the AND of its bigrams (one character: the bigrams it starts);
* text across words (`foo.ba`) is the AND of its pieces: the first a word
  ending so, the middle ones whole words, the last a word prefix.

Some of these are supersets (Han runs of 3+ characters, several pieces): the
engine checks candidates against the folded text before it counts or shows them
(`Needle.exact`). Pinyin is matched against the Han bigrams of the vocabulary
(`pinyin_query`), so no pinyin is stored at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from tui.core.text.fold import HAN_CLASS
from tui.core.text.lazy_re import lazy_compile
from tui.core.text.pinyin import readings

_HAN_RUN = lazy_compile(f"[{HAN_CLASS}]{{2,}}")
# unicode61's token characters (letters, digits, private use), Han runs apart.
_PIECE = lazy_compile(f"[{HAN_CLASS}]+|[^\\W_{HAN_CLASS}]+")
_WORD = lazy_compile(f"[^\\W_{HAN_CLASS}]+")
_HAN_TOKEN = lazy_compile(f"[{HAN_CLASS}]{{1,2}}")
_IS_HAN = lazy_compile(f"[{HAN_CLASS}]")
VOCAB_MIN = 3  # words shorter than this are never looked up inside
OR_MAX = 400  # alternatives of one piece; beyond, the shortest shared prefixes stand in
PINYIN_SEQUENCES = 300  # Han spellings of one pinyin term tried at most
PINYIN_STEPS = 50_000  # characters tried while spelling one term (a bound on the search)


def index_text(folded: str) -> str:
    """Folded text as the word index stores it: every Han run spelled as its bigrams.

    unicode61 keeps a Han run as one token; as bigrams, a two-character word
    (`开源`) is a token found anywhere in the run. The run's last character also
    stands alone, so a one-character prefix query (`猫*`) finds every place the
    character is, the end of a run (`我的猫`) included.
    """
    if folded.isascii():
        return folded
    return _HAN_RUN.sub(_bigrams, folded)


def _bigrams(match: re.Match[str]) -> str:
    run = match[0]
    return " " + " ".join(map(str.__add__, run, run[1:])) + " " + run[-1] + " "


def is_han_token(token: str) -> bool:
    """A token of the index that is a Han bigram or character (not a word)."""
    return _IS_HAN.match(token) is not None


def words_of(indexed: str) -> set[str]:
    """The distinct non-Han words of indexed text long enough to be looked up inside."""
    return {w for w in _WORD.findall(indexed) if len(w) >= VOCAB_MIN}


def han_tokens_of(indexed: str) -> set[str]:
    """The distinct Han bigrams (and run-final characters) of indexed text."""
    return set(_HAN_TOKEN.findall(indexed))


def quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


@dataclass(slots=True)
class Needle:
    """A substring as an FTS5 expression; `exact` when every hit surely holds it."""

    expression: str | None  # None: no word in it to look up (only a scan finds it)
    exact: bool


NOTHING = '"\x01"'  # a token no text has: matches nothing, cheaply


def _cover(piece: str, words: list[str], ending: bool) -> list[str]:
    """Alternatives for the words holding `piece` (ending with it, if `ending`).

    Words sharing their text up to the piece share one prefix query, which holds
    only words that contain the piece: `con*` for contains, configure, console.
    Words starting with the piece need no vocabulary (a vocabulary still being
    built misses only words with the piece inside).
    """
    if ending:
        return [quote(w) for w in dict.fromkeys([piece, *(w for w in words if w.endswith(piece))])
                ][: OR_MAX * 4]
    prefixes: dict[str, int] = {piece: 2}
    for word in words:
        at = word.find(piece)
        if at > 0:
            key = word[: at + len(piece)]
            prefixes[key] = prefixes.get(key, 0) + 1
    keys = sorted(prefixes)
    if len(keys) > OR_MAX:
        # Keep the prefix list short: a key covered by a shorter key is dropped.
        kept: list[str] = []
        for key in keys:
            if not (kept and key.startswith(kept[-1])):
                kept.append(key)
        keys = kept
    return [quote(k) + ("*" if prefixes.get(k, 0) > 1 or k not in words else "") for k in keys]


def needle_query(
    folded: str,
    words_with: Callable[[str], list[str]],
    words_ending: Callable[[str], list[str] | None] = lambda _: None,
) -> Needle:
    """The FTS5 expression for 'holds `folded` somewhere' (title, body or path).

    `words_with(piece)` lists the vocabulary words that contain `piece` (3+ chars);
    `words_ending(piece)` those ending with a shorter piece (None: too many to list).
    """
    pieces = [(m.start(), m.end(), m[0]) for m in _PIECE.finditer(folded)]
    if not pieces:
        return Needle(None, False)
    exact = len(pieces) == 1 and pieces[0][0] == 0 and pieces[0][1] == len(folded)
    parts: list[str] = []
    last = len(pieces) - 1
    for i, (_, _, piece) in enumerate(pieces):
        if _IS_HAN.match(piece):
            if len(piece) == 1:
                parts.append(quote(piece) + "*")
            else:
                grams = [piece[j : j + 2] for j in range(len(piece) - 1)]
                parts.extend(quote(g) for g in dict.fromkeys(grams))
                exact = exact and len(piece) == 2
            continue
        sole, first = last == 0, i == 0 and last > 0
        if 0 < i < last:
            parts.append(quote(piece))
        elif i == last and not sole:
            if len(piece) >= 2:
                parts.append(quote(piece) + "*")
        elif len(piece) >= VOCAB_MIN:
            alternatives = _cover(piece, words_with(piece), ending=first)
            if not alternatives:
                return Needle(NOTHING, True)
            parts.append("(" + " OR ".join(alternatives) + ")")
        elif sole and pieces[0][1] == len(folded):
            parts.append(quote(piece) + "*")  # a word start, as a 1-2 letter term means
            exact = False
        elif sole or first:
            # A short word followed by other text (`c++`): a word ending so.
            ending = words_ending(piece)
            if ending is not None:
                parts.append("(" + " OR ".join(quote(w) for w in [piece, *ending]) + ")")
    if not parts:
        return Needle(None, False)
    return Needle(parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")", exact)


# --------------------------------------------------------------------------- pinyin


@dataclass(slots=True)
class HanVocabulary:
    """The Han bigrams of the index, arranged for spelling pinyin as characters.

    Characters are grouped by the first letter of their (first) reading, which
    every way of typing a character starts with: a spelling step looks at the
    few characters that can come next, not at every one.
    """

    reading: Mapping[str, str]  # char → its first reading
    starting: Mapping[str, list[str]]  # letter → chars whose reading starts with it
    following: Mapping[tuple[str, str], list[str]]  # (char, letter) → chars after it

    @classmethod
    def of(cls, tokens: list[str]) -> HanVocabulary:
        reading: dict[str, str] = {}
        starting: dict[str, list[str]] = {}
        following: dict[tuple[str, str], list[str]] = {}
        for token in tokens:
            for ch in token:
                if ch not in reading:
                    found = readings(ch)
                    reading[ch] = found[0] if found else ""
                    if reading[ch]:
                        starting.setdefault(reading[ch][0], []).append(ch)
            if len(token) == 2 and reading[token[1]]:
                following.setdefault((token[0], reading[token[1]][0]), []).append(token[1])
        for chars in (*starting.values(), *following.values()):
            chars.sort()
        return cls(reading, starting, following)

    def plain(self) -> tuple[object, ...]:
        """As marshal-able data (kept beside the cache: building costs 0.2-0.5 s)."""
        return (dict(self.reading), dict(self.starting), dict(self.following))

    @classmethod
    def from_plain(cls, data: tuple[object, ...]) -> HanVocabulary:
        reading, starting, following = data
        return cls(reading, starting, following)  # type: ignore[arg-type]


def pinyin_spellings(term: str, han: HanVocabulary, cap: int = PINYIN_SEQUENCES) -> list[str]:
    """Han strings of the index that pinyin `term` may stand for, as `find_pinyin` reads it.

    Full syllables from a syllable start (the last one may be cut short), or one
    initial per character, or syllables then initials; each next character must
    follow the previous one somewhere in the index.
    """
    found: list[str] = []
    n = len(term)
    budget = [PINYIN_STEPS]

    syllables_only = [True]

    def steps(reading: str, at: int, initials: bool) -> list[tuple[int, bool]]:
        # as an initial (the reading starts with term[at])
        out = [] if syllables_only[0] else [(at + 1, True)]
        if not initials:
            if term.startswith(reading, at) and len(reading) > 1:
                out.append((at + len(reading), False))
            elif at + len(reading) > n and reading.startswith(term[at:]) and n - at > 1:
                out.append((n, False))  # the last syllable, cut short
        return out

    def walk(spelled: str, at: int, initials: bool) -> None:
        if at == n:
            found.append(spelled)
            return
        nexts = (han.following.get((spelled[-1], term[at]), ()) if spelled
                 else han.starting.get(term[at], ()))
        for ch in nexts:
            budget[0] -= 1
            if budget[0] < 0:
                return
            for after, as_initial in steps(han.reading[ch], at, initials):
                walk(spelled + ch, after, initials or as_initial)
                if len(found) >= cap:
                    return

    # Whole syllables first: a spelled-out word (`zhangji` → 掌机) is found before the
    # budget goes on reading its letters as initials (z-h-a-n-g-j-i), which rarely mean
    # anything; initials are tried when no spelling in syllables exists.
    walk("", 0, False)
    if not found:
        syllables_only[0] = False
        walk("", 0, False)
    return list(dict.fromkeys(found))


def spelling_query(spellings: list[str]) -> str | None:
    """An FTS5 expression for entries holding any of these Han strings (bigram ANDs).

    Spellings sharing their first bigram share one AND (`AB AND (BC OR BD)`): the
    same entries as one AND per spelling, in the same rowid order, but each
    bigram's postings are read once instead of once per spelling (300 spellings
    of a pinyin term start with a few dozen bigrams).
    """
    alternatives: list[str] = []
    rests: dict[str, list[list[str]]] = {}
    for text in spellings:
        if len(text) == 1:
            alternatives.append(quote(text) + "*")
            continue
        grams = list(dict.fromkeys(text[j : j + 2] for j in range(len(text) - 1)))
        if grams[0] not in rests:
            rests[grams[0]] = []
            alternatives.append(grams[0])  # a placeholder, rendered below
        rests[grams[0]].append([g for g in grams[1:] if g != grams[0]])
    rendered = []
    for item in alternatives:
        if item not in rests:
            rendered.append(item)
            continue
        tails = rests[item]
        if any(not tail for tail in tails):  # the bigram alone is a spelling: it is enough
            rendered.append(quote(item))
            continue
        ands = list(dict.fromkeys(" AND ".join(quote(g) for g in tail) for tail in tails))
        rendered.append("(" + quote(item) + " AND (" + " OR ".join(f"({a})" for a in ands) + "))")
    return " OR ".join(rendered) if rendered else None
