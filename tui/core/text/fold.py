"""Length-preserving text folding and Han helpers for search (pinyin: `pinyin`).

The search engine matches query terms against *folded* text and reuses the match
offsets to highlight the *original* text, so every fold here maps exactly one
character to one character: ``len(fold(s)) == len(s)`` and ``fold(s)[i]`` is the
fold of ``s[i]``. Anything that would change the length (``"ß".casefold()`` →
``"ss"``, ``"İ".lower()`` → two chars, multi-char OpenCC mappings) is left alone.

Data comes from OpenCC's ``TSCharacters.txt`` and pypinyin's ``pinyin_dict.json``,
both read straight from the installed packages (importing ``pypinyin`` itself
costs ~0.2 s because it loads its phrase dictionary). Both tables are built
lazily on first use and cached; if a data file is missing we degrade (no
traditional→simplified, no pinyin) instead of raising.
"""

from __future__ import annotations

import importlib.util
import re
import unicodedata
from collections.abc import Callable
from functools import cache
from pathlib import Path

from tui.core.text.lazy_re import lazy_compile
from tui.core.text.table_cache import cached_table

__all__ = [
    "cjk_bigram_overlap",
    "cjk_bigrams",
    "fold",
    "fold_keep_case",
    "fold_path",
    "han_runs",
    "has_han",
    "is_han",
]

# Han ideographs: CJK Unified (+ Ext A, Ext B..H), compatibility ideographs
# (+ supplement) and 〇 (U+3007, an ideographic zero that has a reading: líng).
HAN_CLASS = (  # a regex character class body, shared by every module that spots Han text
    "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\U00020000-\U0002fa1f\U00030000-\U0003134f\U00031350-\U000323af"
)
_HAN_RE = lazy_compile(f"[{HAN_CLASS}]")
HAN_RUN = lazy_compile(f"[{HAN_CLASS}]+")  # a maximal run of Han characters
_ASTRAL_RE = re.compile("[\U00010000-\U0010ffff]")

# Codepoint ranges scanned for case mappings. Skipping the big CJK / Hangul / PUA
# blocks (no case there) keeps the one-time table build cheap.
_CASE_SCAN_RANGES = ((0x0000, 0x3400), (0xA000, 0xAC00), (0xF900, 0x20000))


# --------------------------------------------------------------------------- data


def package_dir(name: str) -> Path | None:
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
# Who wants to hear of a new one (the app's status line); called on the loading thread.
_TABLE_LISTENERS: list[Callable[[list[str]], None]] = []


def table_problems() -> list[str]:
    """The pinyin / OpenCC tables that were needed and did not load (cheap: loads nothing)."""
    return list(_TABLE_PROBLEMS)


def listen_for_table_problems(listener: Callable[[list[str]], None]) -> None:
    """`listener(all problems)` after each table that fails to load, on that thread."""
    _TABLE_LISTENERS.append(listener)


def stop_listening_for_table_problems(listener: Callable[[list[str]], None]) -> None:
    if listener in _TABLE_LISTENERS:
        _TABLE_LISTENERS.remove(listener)


def table_missing(name: str, where: Path | None, relative: str) -> None:
    place = str(where / relative) if where is not None else f"the {name} package"
    _TABLE_PROBLEMS.append(f"{place}: not readable; searching without {name} tables")
    for listener in list(_TABLE_LISTENERS):
        listener(table_problems())


@cache
def ts_chars() -> dict[str, str]:
    """Traditional → simplified, one char to one char (first OpenCC candidate)."""
    base = package_dir("opencc")
    if base is None:
        table_missing("OpenCC", None, "")
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
        table_missing("OpenCC", base, "dictionary/TSCharacters.txt")
        return {}
    return mapping


def _width_map() -> dict[int, str]:
    """Full-width ASCII (U+FF01–U+FF5E) and the ideographic space → ASCII."""
    table = {cp: chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F)}
    table[0x3000] = " "
    return table


# Latin letters with diacritics (Latin-1 Supplement, Extended-A/B, Extended Additional).
_LATIN_RANGES = ((0x00C0, 0x0250), (0x1E00, 0x1F00))


@cache
def _latin_base_map() -> dict[int, str]:
    """Each accented Latin letter → its base letter (é → e, Ü → U, ņ → n), as fzf
    matches by default: `cafe` finds café, `zurich` Zürich. One character each way,
    so folding stays length-preserving; letters that are not a base plus marks (ø,
    æ, ß, ł) are left alone, as are other scripts (й is its own Russian letter)."""
    table: dict[int, str] = {}
    for lo, hi in _LATIN_RANGES:
        for cp in range(lo, hi):
            parts = unicodedata.normalize("NFD", chr(cp))
            if len(parts) > 1 and parts[0].isascii() and parts[0].isalpha() and all(
                    unicodedata.combining(mark) for mark in parts[1:]):
                table[cp] = parts[0]
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
    """Accents + width + traditional→simplified: the fold for case-sensitive terms."""
    table: dict[int, str] = {ord(k): v for k, v in ts_chars().items()}
    table.update(_width_map())
    table.update(_latin_base_map())
    return table


def ts_file() -> Path | None:
    base = package_dir("opencc")
    return base / "dictionary" / "TSCharacters.txt" if base is not None else None


@cache
def _fold_table() -> dict[int, str]:
    """Everything `fold` does; width chars go straight to their lowercase ASCII.

    Kept on disk between processes (`table_cache`): the case scan alone is ~0.1 s.
    """
    return cached_table("fold", [ts_file()], _build_fold_table, keep=lambda _: bool(ts_chars()),
                        stamp="latin-base")


def _build_fold_table() -> dict[int, str]:
    case = _case_map()
    table: dict[int, str] = {ord(k): v for k, v in ts_chars().items()}
    table.update(case)
    for cp, base in _latin_base_map().items():
        table[cp] = case.get(ord(base), base)
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
    """Case-, accent-, width- and traditional/simplified-insensitive form, same length as `text`."""
    if text.isascii():
        return text.lower()  # ASCII lower is 1:1 and far faster than translate
    if "\n" not in text:
        return _translate(text, True)
    # Line by line: most lines of mixed notes are pure ASCII and take the fast path.
    return "\n".join(
        [line.lower() if line.isascii() else _translate(line, True) for line in text.split("\n")]
    )


def fold_path(path: str) -> str:
    """A path as names are matched: composed first (macOS stores `café` as `cafe` +
    U+0301), then folded, so `café`, `cafe` and `path:*cafe.md` all find it. Not
    length-preserving: for matching only, never for highlight offsets."""
    return fold(unicodedata.normalize("NFC", path)) if not path.isascii() else path.lower()


def fold_keep_case(text: str) -> str:
    """Accents, width and traditional→simplified only, for case-sensitive (smart-case) terms."""
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


# Emphasis inside a Han phrase: `进入**社区插件**` reads 进入社区插件 (Chinese has no
# spaces around bold, italic, highlight or strike-through).
_MARKED_HAN = lazy_compile(
    f"(?<=[{HAN_CLASS}])(?:\\*{{1,3}}|_{{1,3}}|~~|==)(?=[{HAN_CLASS}])")


def join_marked_han(text: str) -> str:
    """`text` without the emphasis marks between two Han characters, so a phrase reads
    (and is indexed, and found) as the reader sees it. Not one character to one: for
    indexing and matching, never for offsets."""
    return _MARKED_HAN.sub("", text) if _may_hold_marks(text) else text


def _may_hold_marks(text: str) -> bool:
    """A cheap test first: most texts hold no emphasis mark at all."""
    return "*" in text or "_" in text or "~~" in text or "==" in text


def find_across_marks(text: str, needle: str, limit: int = 0) -> list[tuple[int, int]]:
    """Where `needle` occurs in `join_marked_han(text)`, as spans of `text` (the marks
    inside a match included): `进入社区` in `进入**社区插件**` is (0, 6)."""
    marks = list(_MARKED_HAN.finditer(text)) if _may_hold_marks(text) else []
    if not marks:
        return []
    kept = list(range(len(text)))
    for match in reversed(marks):
        del kept[match.start():match.end()]
    joined = "".join(text[i] for i in kept)
    spans: list[tuple[int, int]] = []
    pos = joined.find(needle)
    while pos >= 0 and (not limit or len(spans) < limit):
        spans.append((kept[pos], kept[pos + len(needle) - 1] + 1))
        pos = joined.find(needle, pos + len(needle))
    return spans


def han_runs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each maximal run of Han characters, in order."""
    if text.isascii():
        return []
    return [m.span() for m in HAN_RUN.finditer(text)]


def cjk_bigrams(s: str) -> set[str]:
    """Adjacent Han pairs inside each Han run (no pair straddles a non-Han char)."""
    grams: set[str] = set()
    for m in HAN_RUN.finditer(s):
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
