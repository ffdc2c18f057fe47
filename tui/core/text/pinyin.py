"""Pinyin matching: typed ASCII finds Han text by its toneless readings.

``pinyin_text`` turns the Han characters of a text into toneless pinyin
(``生产力`` → ``"shengchanli"``, initials ``"scl"``) and ``find_pinyin`` maps a
typed ASCII term back to (start, end) offsets in that text. Pass the ORIGINAL
text (or its fold, the offsets are the same): traditional characters have
readings too, so ``生產力`` matches ``"scl"`` without folding first. ``ü`` is
written ``v`` (``绿`` → ``"lv"``), as in pypinyin's default and common IMEs.

Readings come from pypinyin's ``pinyin_dict.json``, read straight from the
installed package (importing ``pypinyin`` costs ~0.2 s for its phrase
dictionary), built on first use and kept on disk between processes.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from functools import cache, cached_property
from itertools import accumulate
from pathlib import Path

from tui.core.text import fold as folding
from tui.core.text.fold import HAN_RUN, table_missing, ts_chars, ts_file
from tui.core.text.table_cache import cached_table

__all__ = ["PinyinText", "find_pinyin", "pinyin_term_ok", "pinyin_text", "readings", "table_status"]


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

    # The same tables as lists over the BMP, for text without astral characters:
    # `str.translate` indexes a list ~2x faster than it looks up a dict, and putting
    # the hits of a pinyin keystroke in pinyin was ~a third of presenting them.
    @cached_property
    def full_bmp(self) -> list[int | str]:
        return _bmp_list(self.full)

    @cached_property
    def initial_bmp(self) -> list[int | str]:
        return _bmp_list(self.initial)

    @cached_property
    def length_bmp(self) -> list[int | str]:
        return _bmp_list(self.length)


def _bmp_list(table: dict[int, str]) -> list[int | str]:
    """`table` for the BMP as a list (unmapped code points map to themselves)."""
    out: list[int | str] = list(range(0x10000))
    for cp, ch in table.items():
        if cp < 0x10000:
            out[cp] = ch
    return out


@cache
def _pinyin_tables() -> _PinyinTables:
    """Toneless readings from pypinyin's JSON, read directly (empty if missing).

    Kept on disk between processes (`table_cache`): parsing the JSON costs ~0.2 s.
    """
    base = folding.package_dir("pypinyin")
    sources = [base / "pinyin_dict.json" if base is not None else None, ts_file()]
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
            import json  # only when the table is built (it is kept on disk)

            raw = json.loads(data)
        except (OSError, ValueError):
            table_missing("pinyin", base, "pinyin_dict.json")
            raw = {}
    else:
        table_missing("pinyin", None, "")
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
    for trad, simp in ts_chars().items():
        if trad not in result and simp in result:
            result[trad] = result[simp]
    return result


def readings(ch: str) -> tuple[str, ...]:
    """All toneless readings of one Han char, most common first; () if unknown."""
    return _pinyin_tables().readings.get(ch, ())


COMMON_READINGS = 2  # a character's readings past these are rare (接 jiē, xié… chā)


def spelled_commonly(word: str, spelling: str) -> bool:
    """Whether `spelling` reads `word` with one of each character's common readings
    (银行 yínháng, 插件 chājiàn; not 接将 through 接's rare `cha`), the last syllable
    perhaps still being typed (`chaji`)."""
    def reads(at: int, i: int) -> bool:
        if i == len(word):
            return at == len(spelling)
        if at >= len(spelling):
            return False
        options = readings(word[i])[:COMMON_READINGS] or (word[i],)
        rest = spelling[at:]
        if i == len(word) - 1 and any(r.startswith(rest) for r in options):
            return True
        return any(rest.startswith(r) and reads(at + len(r), i + 1) for r in options)

    return reads(0, 0)


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
        self._bmp = max(self.joined) < "\U00010000"
        self.full = self.joined.translate(tables.full_bmp if self._bmp else tables.full)
        self.initials = self.joined.translate(tables.initial_bmp if self._bmp else tables.initial)
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
        tables = _pinyin_tables()
        lens = self.joined.translate(tables.length_bmp if self._bmp else tables.length)
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
    for m in HAN_RUN.finditer(text):
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
        ("OpenCC", "opencc", "dictionary/TSCharacters.txt", lambda: len(ts_chars())),
    ):
        base = folding.package_dir(package)
        where = str(base / relative) if base is not None else f"package {package} not installed"
        count = size()
        if count:
            status[name] = (True, f"{count} characters from {where}")
        else:
            status[name] = (False, f"not loaded: {where} missing or unreadable")
    return status
