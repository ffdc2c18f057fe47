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

About 480 lines, on purpose: how text becomes FTS5 tokens and how a query's
pieces and pinyin spellings become FTS5 queries over those same tokens must
change together (one tokenization, read by both sides).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from tui.core.text.fold import HAN_CLASS, join_marked_han
from tui.core.text.lazy_re import lazy_compile
from tui.core.text.pinyin import readings

_HAN_RUN = lazy_compile(f"([{HAN_CLASS}]{{2,}})")  # a group: `split` keeps the runs
# unicode61's token characters (letters, digits, private use), Han runs apart.
_PIECE = lazy_compile(f"[{HAN_CLASS}]+|[^\\W_{HAN_CLASS}]+")
_WORD = lazy_compile(f"[^\\W_{HAN_CLASS}]+")
_HAN_TOKEN = lazy_compile(f"[{HAN_CLASS}]{{1,2}}")
_IS_HAN = lazy_compile(f"[{HAN_CLASS}]")
VOCAB_MIN = 3  # words shorter than this are never looked up inside
OR_MAX = 400  # alternatives of one piece; beyond, the shortest shared prefixes stand in
PINYIN_SEQUENCES = 120  # Han spellings of one pinyin term tried at most (the most written)
PINYIN_STEPS = 12_000  # spelling steps for one term: best first finds the words early
PINYIN_BRANCHES = 12  # next characters tried per step, the most written first
HAN_VOCABULARY_FORMAT = 4  # the layout `HanVocabulary.plain` keeps beside the cache


def index_text(folded: str) -> str:
    """Folded text as the word index stores it: every Han run spelled as its bigrams.

    unicode61 keeps a Han run as one token; as bigrams, a two-character word
    (`开源`) is a token found anywhere in the run. The run's last character also
    stands alone, so a one-character prefix query (`猫*`) finds every place the
    character is, the end of a run (`我的猫`) included.
    """
    if folded.isascii():
        return folded
    parts = _HAN_RUN.split(join_marked_han(folded))
    if len(parts) == 1:
        return folded
    # `abc` → `a ab bc c` by one translate, then ` ab bc c `: a third of the cost of
    # joining the pairs (the bigrams were a fifth of a 100k build's parse workers).
    doubled = _DOUBLED
    parts[1::2] = [run.translate(doubled)[1:] + " " for run in parts[1::2]]
    return "".join(parts)


class _Doubling(dict[int, str]):
    """A `str.translate` table: each character (Han, in a run) → `c c`, made as met."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        value = self[code] = f"{ch} {ch}"
        return value


_DOUBLED = _Doubling()


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


class HanCounts(Mapping[str, int]):
    """Entries holding each Han character or bigram, keyed inside by code points.

    Read back from the file beside the cache by every process that spells pinyin: as
    a dict of 95,000 two-character strings it took 28 ms to unmarshal (10k bench
    tree), as ints about a third of that; `get` is what the spelling walk calls.
    """

    __slots__ = ("_counts",)

    def __init__(self, counts: dict[int, int]) -> None:
        self._counts = counts

    @classmethod
    def of(cls, counts: Mapping[str, int]) -> HanCounts:
        return cls({_code(token): n for token, n in counts.items()})

    def get(self, key: object, default: int | None = None) -> int | None:  # type: ignore[override]
        if isinstance(key, str) and 0 < len(key) <= 2:
            return self._counts.get(_code(key), default)
        return default

    def __getitem__(self, key: str) -> int:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __iter__(self) -> Iterator[str]:
        return (chr(code >> 21) + (chr(code & 0x1FFFFF) if code & 0x1FFFFF else "")
                for code in self._counts)

    def __len__(self) -> int:
        return len(self._counts)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, HanCounts):
            return self._counts == other._counts
        return super().__eq__(other)

    __hash__ = None  # type: ignore[assignment]  # mutable-looking, as a dict

    def plain(self) -> dict[int, int]:
        return self._counts


def _coded_counts(docs: Mapping[str, int]) -> Callable[[int, int], int]:
    """`get` by `_code` key: the spelling walk asks ~12,000 times per term, and a key made
    of two ords skips the bigram string and `HanCounts.get`'s checks (a third of its CPU)."""
    if isinstance(docs, HanCounts):
        return docs._counts.get  # type: ignore[return-value]
    return lambda code, default: docs.get(chr(code >> 21) + chr(code & 0x1FFFFF), default)


def _code(token: str) -> int:
    """One or two characters as one int (code points fit 21 bits)."""
    return ord(token[0]) << 21 | (ord(token[1]) if len(token) == 2 else 0)


@dataclass(slots=True)
class HanVocabulary:
    """The Han bigrams of the index, arranged for spelling pinyin as characters.

    Characters are grouped by the first letter of each of their readings (行 is
    xing and hang), which every way of typing a character starts with: a spelling
    step looks at the few characters that can come next, not at every one. Each
    group lists the most written first (`docs`: entries holding each bigram), and
    `pinyin_spellings` keeps the spellings whose rarest bigram is the most common:
    a term spells thousands of strings, and people search words they write
    (`rgzn` is 人工智能, not 人估中你).
    """

    reading: Mapping[str, tuple[str, ...]]  # char → its readings, most common first
    # Chars in a str, not a list: the table is read back by every process that spells
    # pinyin, and 120,000 one-char strings were a third of its cost.
    starting: Mapping[str, str]  # letter → chars with a reading starting so
    following: Mapping[tuple[str, str], str]  # (char, letter) → chars after it
    docs: Mapping[str, int]  # token → entries holding it (a char: those of its bigrams)
    # What `pinyin_spellings` found: one keystroke asks for the same term's several times.
    # With whether they are whole syllables (`spelled_in_syllables`).
    spelled: dict[tuple[str, int], tuple[list[str], bool]] = field(default_factory=dict,
                                                                     compare=False)
    # Every reading of a character, and each start of one of 2+ letters (`_spellable`).
    syllables: tuple[frozenset[str], frozenset[str]] | None = field(default=None,
                                                                    compare=False)

    @classmethod
    def of(cls, tokens: list[str], docs: Mapping[str, int] | None = None) -> HanVocabulary:
        """`docs` as counted by the index; a token it lacks counts as rare (one)."""
        docs = docs or {}
        reading: dict[str, tuple[str, ...]] = {}
        weight: dict[str, int] = {}
        for token in tokens:
            if len(token) == 2:
                token_docs = docs.get(token, 1)
                weight[token] = token_docs
                for ch in token:
                    weight[ch] = weight.get(ch, 0) + token_docs
            for ch in token:
                if ch not in reading:
                    reading[ch] = readings(ch)
        starting: dict[str, set[str]] = {}
        for ch, found in reading.items():
            for letter in {r[0] for r in found}:
                starting.setdefault(letter, set()).add(ch)
        following: dict[tuple[str, str], set[str]] = {}
        for token in tokens:
            if len(token) == 2:
                for letter in {r[0] for r in reading[token[1]]}:
                    following.setdefault((token[0], letter), set()).add(token[1])

        starts = {k: "".join(sorted(v, key=lambda ch: (-weight.get(ch, 0), ch)))
                  for k, v in starting.items()}
        follows = {k: "".join(sorted(v, key=lambda ch, k=k: (-weight.get(k[0] + ch, 0), ch)))
                   for k, v in following.items()}
        return cls(reading, starts, follows, HanCounts.of(weight))

    def plain(self) -> tuple[object, ...]:
        """As marshal-able data (kept beside the cache: building costs 0.2-0.5 s)."""
        docs = self.docs if isinstance(self.docs, HanCounts) else HanCounts.of(self.docs)
        return (HAN_VOCABULARY_FORMAT, dict(self.reading), dict(self.starting),
                dict(self.following), docs.plain())

    @classmethod
    def from_plain(cls, data: tuple[object, ...]) -> HanVocabulary:
        _, reading, starting, following, docs = data
        return cls(reading, starting, following, HanCounts(docs))  # type: ignore[arg-type]




def pinyin_spellings(term: str, han: HanVocabulary, cap: int = PINYIN_SEQUENCES) -> list[str]:
    """Han strings of the index that pinyin `term` may stand for, most written first.

    Full syllables from a syllable start (the last one may be cut short), or one
    initial per character, or syllables then initials; each next character must
    follow the previous one somewhere in the index, and any reading of a
    character counts (银行 is yinhang). Whole syllables first: a spelled-out word
    (`zhangji` → 掌机) is found before its letters are read as initials
    (z-h-a-n-g-j-i), which rarely mean anything; initials are tried when no
    spelling in syllables exists.
    """
    return _spellings(term, han, cap)[0]


def spelled_in_syllables(term: str, han: HanVocabulary, cap: int = PINYIN_SEQUENCES) -> bool:
    """Whether `term`'s spellings are whole syllables (`yinhang` → 银行), not initials:
    a word written out in pinyin is that word, as surely as typed in Han."""
    return _spellings(term, han, cap)[1]


def _spellings(term: str, han: HanVocabulary, cap: int) -> tuple[list[str], bool]:
    key = (term, cap)
    if key not in han.spelled:
        if len(han.spelled) > 256:
            han.spelled.clear()
        found = _spelled(term, han, cap, syllables_only=True)
        han.spelled[key] = ((found, True) if found
                            else (_spelled(term, han, cap, syllables_only=False), False))
    return han.spelled[key]


def _spellable(term: str, han: HanVocabulary, *, syllables_only: bool) -> bool:
    """Whether the letters of `term` split as a spelling may: whole syllables, the last
    maybe cut short (2+ letters), then (unless `syllables_only`) initials, letters that
    start a reading. Characters aside, so when they do not, no walk can spell the term:
    an English word (`batching`: no syllable `tc`, and no reading starts with `i`) or
    a `v` among initials is known unspelled at once, where the walk spent its whole
    budget (40-60 ms at 100k entries) finding nothing."""
    if han.syllables is None:
        every = frozenset(r for found in han.reading.values() for r in found)
        han.syllables = (every, frozenset(r[:k] for r in every for k in range(2, len(r))))
    syllables, starts = han.syllables
    n = len(term)
    reached, at_syllable = {0}, [0]
    while at_syllable:
        at = at_syllable.pop()
        if at == n or (n - at > 1 and term[at:] in starts):
            return True
        if not syllables_only and all(letter in han.starting for letter in term[at:]):
            return True
        for end in range(at + 2, n + 1):
            if end not in reached and term[at:end] in syllables:
                reached.add(end)
                at_syllable.append(end)
    return False


# A step of the spelling walk: its bigram's count, the next character, where it leads.
_Try = tuple[int, str, int, bool]


def _spelled(term: str, han: HanVocabulary, cap: int, *, syllables_only: bool) -> list[str]:
    """Best first: the partial spelling whose rarest bigram is the most written grows
    next. A longer spelling is never more written than its start, so the spellings
    come out in that order, and the common word is found in a few hundred steps
    where walking the characters in any fixed order exhausted the budget first."""
    if not _spellable(term, han, syllables_only=syllables_only):
        return []
    n = len(term)

    def steps(ch: str, at: int) -> set[tuple[int, bool]]:
        """Where `ch` at `at` may lead in syllables (or, unless syllables_only, as an initial)."""
        out = set() if syllables_only else {(at + 1, True)}  # as an initial
        for reading in han.reading[ch]:
            if not reading.startswith(term[at]):
                continue
            if term.startswith(reading, at) and len(reading) > 1:
                out.add((at + len(reading), False))
            elif at + len(reading) > n and reading.startswith(term[at:]) and n - at > 1:
                out.add((n, False))  # the last syllable, cut short
        return out

    heap: list[tuple[int, str, int, bool]] = []
    push = heapq.heappush
    # A character's steps in syllables from one place are the same wherever it is met
    # (thousands of times a walk): worked out once. Read as an initial, a character
    # has one step, the next letter, and nothing else is asked.
    syllable_steps: dict[tuple[str, int], tuple[tuple[int, bool], ...]] = {}

    def after_syllable(ch: str, at: int) -> tuple[tuple[int, bool], ...]:
        found = syllable_steps.get((ch, at))
        if found is None:
            found = syllable_steps[ch, at] = tuple(steps(ch, at))
        return found

    # Read as initials, a letter fits hundreds of characters: only the most written
    # are tried. Whole syllables fit few, and a rare word must still be spelled.
    most = PINYIN_BRANCHES if not syllables_only else PINYIN_STEPS
    branches = 0
    for ch in han.starting.get(term[0], ()):
        outs = after_syllable(ch, 0)
        for after, as_initial in outs:
            push(heap, (-han.docs.get(ch, 0), ch, after, as_initial))
        branches += bool(outs)
        if branches >= most * 4:
            break
    found: dict[str, None] = {}
    budget = PINYIN_STEPS
    count = _coded_counts(han.docs)
    # What a step from a character at a place tries is the same each time the walk
    # comes back there (most steps do): worked out once, only the ceiling differs.
    tries: dict[tuple[str, int, bool], tuple[list[_Try], list[int]]] = {}

    def tried(key: tuple[str, int, bool]) -> tuple[list[_Try], list[int]]:
        """The steps from `key` in the order they are pushed, and after each next
        character (each costs one of the budget) how many of them lead from it so far."""
        # The most written next characters that fit only: a rarer one cannot make a
        # spelling more written than these, and pushing every one was most of the cost.
        prev, at, initials = key
        high = ord(prev) << 21  # the bigram's key in `counts` (see `_code`)
        pushes: list[_Try] = []
        ends: list[int] = []
        branches = 0
        for ch in han.following.get((prev, term[at]), ()):
            # After an initial, initials only: one step, the next letter.
            outs = ((at + 1, True),) if initials else after_syllable(ch, at)
            pushes += [(count(high | ord(ch), 0), ch, after, as_initial)
                       for after, as_initial in outs]
            ends.append(len(pushes))
            branches += bool(outs)
            if branches >= most:
                break
        tries[key] = (pushes, ends)
        return tries[key]

    pop = heapq.heappop
    while heap and len(found) < cap and budget > 0:
        negative, spelled, at, initials = pop(heap)
        if at == n:
            found[spelled] = None
            continue
        key = (spelled[-1], at, initials)
        pushes, ends = tries.get(key) or tried(key)
        if budget < len(ends):  # the budget runs out at this step's `budget`-th character
            pushes = pushes[: ends[budget - 1]]
            budget = 0
        else:
            budget -= len(ends)
        ceiling = -negative
        for score, ch, after, as_initial in pushes:
            push(heap, (-(score if score < ceiling else ceiling), spelled + ch, after, as_initial))
    return list(found)


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
