"""Length-preserving text folding, Han helpers and pinyin matching for search.

The search engine matches query terms against *folded* text and reuses the match
offsets to highlight the *original* text, so every fold here maps exactly one
character to one character: ``len(fold(s)) == len(s)`` and ``fold(s)[i]`` is the
fold of ``s[i]``. Anything that would change the length (``"ß".casefold()`` →
``"ss"``, ``"İ".lower()`` → two chars, multi-char OpenCC mappings) is left alone.

Pinyin: ``pinyin_text`` turns the Han characters of a text into toneless pinyin
(``生产力`` → ``"shengchanli"``, initials ``"scl"``) and ``find_pinyin`` maps a
typed ASCII term back to (start, end) offsets in that text. Pass the ORIGINAL
text (or its fold, the offsets are the same): traditional characters have
readings too, so ``生產力`` matches ``"scl"`` without folding first. ``ü`` is
written ``v`` (``绿`` → ``"lv"``), as in pypinyin's default and common IMEs.

Data comes from OpenCC's ``TSCharacters.txt`` and pypinyin's ``pinyin_dict.json``,
both read straight from the installed packages (importing ``pypinyin`` itself
costs ~0.2 s because it loads its phrase dictionary). Both tables are built
lazily on first use and cached; if a data file is missing we degrade (no
traditional→simplified, no pinyin) instead of raising.
"""

from __future__ import annotations

import importlib.util
import json
import re
import unicodedata
from bisect import bisect_right
from functools import cache, cached_property
from itertools import accumulate
from pathlib import Path

from tui.core.text.table_cache import cached_table

__all__ = [
    "PinyinText",
    "cjk_bigram_overlap",
    "cjk_bigrams",
    "find_pinyin",
    "fold",
    "fold_keep_case",
    "han_runs",
    "has_han",
    "is_han",
    "pinyin_term_ok",
    "pinyin_text",
    "readings",
]

# Han ideographs: CJK Unified (+ Ext A, Ext B..H), compatibility ideographs
# (+ supplement) and 〇 (U+3007, an ideographic zero that has a reading: líng).
HAN_CLASS = (  # a regex character class body, shared by every module that spots Han text
    "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\U00020000-\U0002fa1f\U00030000-\U0003134f\U00031350-\U000323af"
)
_HAN_RE = re.compile(f"[{HAN_CLASS}]")
_HAN_RUN_RE = re.compile(f"[{HAN_CLASS}]+")
_ASTRAL_RE = re.compile("[\U00010000-\U0010ffff]")

# Codepoint ranges scanned for case mappings. Skipping the big CJK / Hangul / PUA
# blocks (no case there) keeps the one-time table build cheap.
_CASE_SCAN_RANGES = ((0x0000, 0x3400), (0xA000, 0xAC00), (0xF900, 0x20000))


# --------------------------------------------------------------------------- data


def _package_dir(name: str) -> Path | None:
    """Locate an installed package without importing it (imports can be slow)."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


# Tables search needed but could not read: shown as warnings, never a silent loss.
_TABLE_PROBLEMS: list[str] = []


def table_problems() -> list[str]:
    """The pinyin / OpenCC tables that were needed and did not load (cheap: loads nothing)."""
    return list(_TABLE_PROBLEMS)


def _table_missing(name: str, where: Path | None, relative: str) -> None:
    place = str(where / relative) if where is not None else f"the {name} package"
    _TABLE_PROBLEMS.append(f"{place}: not readable; searching without {name} tables")


@cache
def _ts_chars() -> dict[str, str]:
    """Traditional → simplified, one char to one char (first OpenCC candidate)."""
    base = _package_dir("opencc")
    if base is None:
        _table_missing("OpenCC", None, "")
        return {}
    mapping: dict[str, str] = {}
    try:
        with open(base / "dictionary" / "TSCharacters.txt", encoding="utf-8") as fh:
            for line in fh:
                src, _, targets = line.rstrip("\n").partition("\t")
                first = targets.split(" ", 1)[0]
                if len(src) == 1 and len(first) == 1 and src != first:
                    mapping[src] = first
    except (OSError, UnicodeDecodeError):
        _table_missing("OpenCC", base, "dictionary/TSCharacters.txt")
        return {}
    return mapping


def _width_map() -> dict[int, str]:
    """Full-width ASCII (U+FF01–U+FF5E) and the ideographic space → ASCII."""
    table = {cp: chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F)}
    table[0x3000] = " "
    return table


def _case_map() -> dict[int, str]:
    """Single-char case folds; casefold first so ς/σ and ſ/s also meet."""
    table: dict[int, str] = {}
    for lo, hi in _CASE_SCAN_RANGES:
        for cp in range(lo, hi):
            if 0xD800 <= cp <= 0xDFFF:
                continue
            ch = chr(cp)
            folded = ch.casefold()
            if len(folded) != 1:
                folded = ch.lower()
                if len(folded) != 1:
                    continue
            if folded != ch:
                table[cp] = folded
    return table


@cache
def _keep_case_table() -> dict[int, str]:
    """Width + traditional→simplified: the fold for case-sensitive terms."""
    table: dict[int, str] = {ord(k): v for k, v in _ts_chars().items()}
    table.update(_width_map())
    return table


def _ts_file() -> Path | None:
    base = _package_dir("opencc")
    return base / "dictionary" / "TSCharacters.txt" if base is not None else None


@cache
def _fold_table() -> dict[int, str]:
    """Everything `fold` does; width chars go straight to their lowercase ASCII.

    Kept on disk between processes (`table_cache`): the case scan alone is ~0.1 s.
    """
    return cached_table("fold", [_ts_file()], _build_fold_table, keep=lambda _: bool(_ts_chars()))


def _build_fold_table() -> dict[int, str]:
    case = _case_map()
    table: dict[int, str] = {ord(k): v for k, v in _ts_chars().items()}
    table.update(case)
    for cp, ch in _width_map().items():
        table[cp] = case.get(ord(ch), ch)
    return table


def _bmp_list(table: dict[int, str]) -> list[int | str]:
    """The BMP part of `table` as a list: `str.translate` indexes a list ~2x faster
    than it looks up a dict (no hashing). Costs ~2 MB per table."""
    out: list[int | str] = list(range(0x10000))
    for cp, ch in table.items():
        if cp < 0x10000:
            out[cp] = ch
    return out


@cache
def _fold_bmp() -> list[int | str]:
    return _bmp_list(_fold_table())


@cache
def _keep_case_bmp() -> list[int | str]:
    return _bmp_list(_keep_case_table())


def _translate(text: str, lower: bool) -> str:
    """Translate non-ASCII `text` with the fastest table that covers it."""
    if _ASTRAL_RE.search(text) is None:
        return text.translate(_fold_bmp() if lower else _keep_case_bmp())
    return text.translate(_fold_table() if lower else _keep_case_table())


# --------------------------------------------------------------------------- folding


def fold(text: str) -> str:
    """Case-, width- and traditional/simplified-insensitive form, same length as `text`."""
    if text.isascii():
        return text.lower()  # ASCII lower is 1:1 and far faster than translate
    if "\n" not in text:
        return _translate(text, True)
    # Line by line: most lines of mixed notes are pure ASCII and take the fast path.
    return "\n".join(
        [line.lower() if line.isascii() else _translate(line, True) for line in text.split("\n")]
    )


def fold_keep_case(text: str) -> str:
    """Width + traditional→simplified only, for case-sensitive (smart-case) terms."""
    if text.isascii():
        return text
    if "\n" not in text:
        return _translate(text, False)
    return "\n".join(
        [line if line.isascii() else _translate(line, False) for line in text.split("\n")]
    )


# --------------------------------------------------------------------------- Han


def is_han(ch: str) -> bool:
    """True for a single Han ideograph (CJK Unified incl. extensions, compatibility)."""
    return len(ch) == 1 and _HAN_RE.match(ch) is not None


def has_han(text: str) -> bool:
    """Cheap check so callers can skip all CJK work for Latin-only text."""
    return not text.isascii() and _HAN_RE.search(text) is not None


def han_runs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each maximal run of Han characters, in order."""
    if text.isascii():
        return []
    return [m.span() for m in _HAN_RUN_RE.finditer(text)]


def cjk_bigrams(s: str) -> set[str]:
    """Adjacent Han pairs inside each Han run (no pair straddles a non-Han char)."""
    grams: set[str] = set()
    for m in _HAN_RUN_RE.finditer(s):
        run = m.group()
        grams.update(run[i : i + 2] for i in range(len(run) - 1))
    return grams


def cjk_bigram_overlap(term: str, folded_text: str) -> float:
    """Fraction (0..1) of the term's Han bigrams found in `folded_text`.

    Gives partial credit when a Chinese term only partly occurs (``显存优化`` vs a
    text that says ``显存`` and ``优化`` apart). The term is folded here; the text
    must already be folded. A term with a single Han char scores 1.0 or 0.0 by
    plain containment; a term without Han scores 0.0.
    """
    term = fold(term)
    grams = cjk_bigrams(term)
    if not grams:
        chars = {ch for ch in term if is_han(ch)}
        if not chars:
            return 0.0
        return sum(ch in folded_text for ch in chars) / len(chars)
    return sum(g in folded_text for g in grams) / len(grams)


# --------------------------------------------------------------------------- pinyin


def _strip_tones(reading: str) -> str:
    """ "zhōng" → "zhong", "lǜ" → "lv" (NFD, drop marks, ü → v)."""
    base = unicodedata.normalize("NFD", reading).replace("u\u0308", "v").replace("U\u0308", "v")
    return "".join(c for c in base if not unicodedata.combining(c)).lower()


class _PinyinTables:
    """Per-char readings, plus `str.translate` tables for whole-run conversion.

    The translate tables are built on first use: a search that only needs a
    few characters' readings (pinyin widening, homophones) never builds them.
    """

    def __init__(self, readings: dict[str, tuple[str, ...]]) -> None:
        self.readings = readings

    @cached_property
    def full(self) -> dict[int, str]:
        return {ord(ch): r[0] for ch, r in self.readings.items()}

    @cached_property
    def initial(self) -> dict[int, str]:
        return {ord(ch): r[0][0] for ch, r in self.readings.items()}

    @cached_property
    def length(self) -> dict[int, str]:
        """Length of each first reading as a control char; "|" (a run break) is 1."""
        table = {cp: chr(len(r)) for cp, r in self.full.items()}
        table[ord("|")] = "\x01"
        return table


@cache
def _pinyin_tables() -> _PinyinTables:
    """Toneless readings from pypinyin's JSON, read directly (empty if missing).

    Kept on disk between processes (`table_cache`): parsing the JSON costs ~0.2 s.
    """
    base = _package_dir("pypinyin")
    sources = [base / "pinyin_dict.json" if base is not None else None, _ts_file()]
    return _PinyinTables(cached_table("pinyin", sources, lambda: _build_readings(base),
                                      keep=bool))


def _build_readings(base: Path | None) -> dict[str, tuple[str, ...]]:
    raw: dict[str, str] = {}
    if base is not None:
        try:
            data = (base / "pinyin_dict.json").read_text(encoding="utf-8")
            # Strip tones from the whole file at once: only the (few dozen distinct)
            # marked letters are non-ASCII; str.replace per letter beats translate.
            for c in {c for c in set(data) if not c.isascii()}:
                data = data.replace(c, _strip_tones(c))
            raw = json.loads(data)
        except (OSError, ValueError):
            _table_missing("pinyin", base, "pinyin_dict.json")
            raw = {}
    else:
        _table_missing("pinyin", None, "")
    result: dict[str, tuple[str, ...]] = {}
    for key, value in raw.items():
        try:
            ch = chr(int(key))
        except (ValueError, TypeError):
            continue
        if "," in value:
            uniq = tuple(dict.fromkeys(r for r in value.split(",") if r.isalpha()))
        else:
            uniq = (value,) if value.isalpha() else ()
        if uniq:
            result[ch] = uniq
    # Traditional chars pypinyin lacks borrow their simplified form's readings.
    for trad, simp in _ts_chars().items():
        if trad not in result and simp in result:
            result[trad] = result[simp]
    return result


def readings(ch: str) -> tuple[str, ...]:
    """All toneless readings of one Han char, most common first; () if unknown."""
    return _pinyin_tables().readings.get(ch, ())


def pinyin_term_ok(term: str) -> bool:
    """Whether a query term may be tried as pinyin: ASCII letters only, length >= 2."""
    return len(term) >= 2 and term.isascii() and term.isalpha()


class PinyinText:
    """Toneless pinyin of the Han chars in one text, with offset maps back to it.

    `full` is the first reading of each Han char concatenated (``"shengchanli"``),
    `initials` one letter per Han char (``"scl"``). Distinct Han runs are joined
    by ``"|"`` so no match can straddle non-Han text. A Han char with no known
    reading stands for itself (one char) in both strings, so it never matches an
    ASCII term but keeps the alignment.

    `initials` is index-aligned with the joined runs (`joined`), which is what
    makes the maps cheap; the per-syllable map into `full` is only built on the
    first match (most entries never match a given term).
    """

    def __init__(self, runs: list[tuple[int, int]], pieces: list[str]) -> None:
        tables = _pinyin_tables()
        self.joined = "|".join(pieces)
        self.full = self.joined.translate(tables.full)
        self.initials = self.joined.translate(tables.initial)
        self._run_starts = [s for s, _ in runs]
        jstarts: list[int] = []
        pos = 0
        for piece in pieces:
            jstarts.append(pos)
            pos += len(piece) + 1
        self._jstarts = jstarts

    @cached_property
    def _fstart(self) -> list[int]:
        """Start of each joined char's syllable in `full` (plus a final sentinel)."""
        # Syllable lengths as one char each (via translate), then a C-level running sum.
        lens = self.joined.translate(_pinyin_tables().length)
        if not lens.isascii():  # Han chars without a reading stand for themselves
            lens = "".join(c if c.isascii() else "\x01" for c in lens)
        return list(accumulate(lens.encode("ascii"), initial=0))

    def orig(self, j: int) -> int:
        """Offset in the original text of the `j`-th char of `joined`/`initials`."""
        r = bisect_right(self._jstarts, j) - 1
        return self._run_starts[r] + (j - self._jstarts[r])

    def joined_index(self, full_pos: int) -> int:
        """Index in `joined` of the Han char whose syllable covers `full_pos`."""
        return bisect_right(self._fstart, full_pos) - 1

    def span(self, j_first: int, j_last: int) -> tuple[int, int]:
        """Original (start, end) covering joined chars `j_first`..`j_last` inclusive."""
        return self.orig(j_first), self.orig(j_last) + 1

    def __repr__(self) -> str:
        return f"PinyinText(full={self.full!r}, initials={self.initials!r})"


def pinyin_text(text: str) -> PinyinText | None:
    """Build the pinyin view of `text`; None when it has no Han chars."""
    if text.isascii():
        return None
    runs: list[tuple[int, int]] = []
    pieces: list[str] = []
    for m in _HAN_RUN_RE.finditer(text):
        runs.append(m.span())
        pieces.append(m.group())
    if not runs:
        return None
    return PinyinText(runs, pieces)


def find_pinyin(term: str, pt: PinyinText) -> list[tuple[int, int]]:
    """Spans (start, end) in the original text where pinyin `term` matches, sorted.

    A term (ASCII letters, length >= 2, case ignored) matches consecutive Han
    chars of one run in any of three ways:

    * full syllables, starting at a syllable boundary; the LAST syllable may be
      cut short after any number (>= 1) of its letters, as an IME would accept
      while typing: ``shengchanl``/``shengchan``/``shengc`` → 生产力/生产/生产,
      but ``hengchan`` (starts mid-syllable) matches nothing;
    * initials, one letter per char: ``scl`` → 生产力;
    * whole syllables followed by initials: ``shengcl`` → 生产力.

    Only each char's first (most common) reading is used, so a polyphone read
    its other way (银行 as "yinhang") does not match; `readings` lists them all.
    """
    term = term.lower()
    if not pinyin_term_ok(term):
        return []
    spans: set[tuple[int, int]] = set()
    full, initials, n = pt.full, pt.initials, len(term)

    # Full syllables (last one may be a prefix).
    p = full.find(term)
    while p != -1:
        j = pt.joined_index(p)
        if pt._fstart[j] == p:
            spans.add(pt.span(j, pt.joined_index(p + n - 1)))
        p = full.find(term, p + 1)

    # Initials.
    p = initials.find(term)
    while p != -1:
        spans.add(pt.span(p, p + n - 1))
        p = initials.find(term, p + 1)

    # Whole syllables then initials. A one-letter head is a syllable that equals
    # its own initial, already covered above, so heads start at two letters.
    for cut in range(2, n):
        head, tail = term[:cut], term[cut:]
        if tail[0] not in initials:
            continue
        p = full.find(head)
        while p != -1:
            j = pt.joined_index(p)
            end = p + cut
            if pt._fstart[j] == p and end < len(full):
                k = pt.joined_index(end)
                if pt._fstart[k] == end and initials.startswith(tail, k):
                    spans.add(pt.span(j, k + len(tail) - 1))
            p = full.find(head, p + 1)
    return sorted(spans)


def table_status() -> dict[str, tuple[bool, str]]:
    """Whether the pinyin and OpenCC tables loaded, with where from (for `notesift check`).

    The tables are read from files inside the pypinyin and OpenCC packages; when
    a release moves them, search quietly loses pinyin or simplified/traditional
    folding, so `check` reports it as an error instead.
    """
    status: dict[str, tuple[bool, str]] = {}
    for name, package, relative, size in (
        ("pinyin", "pypinyin", "pinyin_dict.json", lambda: len(_pinyin_tables().readings)),
        ("OpenCC", "opencc", "dictionary/TSCharacters.txt", lambda: len(_ts_chars())),
    ):
        base = _package_dir(package)
        where = str(base / relative) if base is not None else f"package {package} not installed"
        count = size()
        if count:
            status[name] = (True, f"{count} characters from {where}")
        else:
            status[name] = (False, f"not loaded: {where} missing or unreadable")
    return status
