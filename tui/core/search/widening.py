"""Widening a term that finds (almost) nothing: typos, pinyin, title abbreviations, CJK n-grams.

Only terms that match little by themselves are widened, so the alternatives fill
in below direct hits. What they read is kept between keystrokes: while a term
only grows, the last answer, filtered, is the new one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from tui.core.index.fts_terms import NOTHING, HanVocabulary, spelling_query
from tui.core.index.store import IndexStore, text_only
from tui.core.search.lookup import WordLookup
from tui.core.search.pinyin_rows import PINYIN_ROWS, PinyinRows, holding_any
from tui.core.search.sqlfilters import like_escape
from tui.core.search.term_plan import TermPlan
from tui.core.search.typos import Vocabulary
from tui.core.text.fold import has_han, is_han
from tui.core.text.pinyin import pinyin_term_ok, readings, spelled_commonly

_TITLE_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+|[^\W\d_]+")

EXPANSION_THRESHOLD = 30
EXPANSION_ROWS = 2000
PINYIN_SPELLED = 6  # pinyin this long that matched is not also tried as a title abbreviation
INITIALS_MAX = 6  # longer runs of letters are words, not abbreviations
HOMOPHONES = 40  # Han strings of the index tried as homophones of one term
HOMOPHONE_CHARS = 4  # a slip is within a word; longer runs are phrases, left to n-grams
# Terms widened in one query: a slip is in a word or two, while a pasted paragraph of
# unknown words would cost tens of ms of typo and pinyin look-ups per word.
WIDENED_TERMS = 4


@dataclass(slots=True)
class _GrownRows:
    """The last expansion lookup of one kind; while the needle only grows, its rows
    hold every answer, so the next keystroke filters them instead of asking SQLite."""

    needle: str
    generation: int
    rows: list[tuple[int, str]]
    complete: bool
    # Titles, capped: the (title, rowid) of the last row read, where the next scan resumes.
    resume: tuple[str, int] | None = None


def _in_order(needle: str, text: str) -> bool:
    """Whether the characters of `needle` appear in `text` in order (LIKE '%a%b%')."""
    at = 0
    for ch in needle:
        at = text.find(ch, at)
        if at < 0:
            return False
        at += 1
    return True


def _typo_able(plan: TermPlan) -> bool:
    """Whether the typo fallback may correct the term: a word of 5+ ASCII letters."""
    needle = plan.folded
    return len(needle) >= 5 and needle.isascii() and needle.isalpha()


class Widener:
    """Alternatives for scarce terms of a plan, written into its `TermPlan`s."""

    def __init__(self, store: IndexStore, lookup: WordLookup) -> None:
        self.store = store
        self.lookup = lookup
        self._vocabulary: tuple[int, Vocabulary] | None = None
        # The last lookup of each kind, narrowed while a term grows (one slot per
        # kind, replaced whole, so overlapping searches see one answer or the other).
        self._grown: dict[str, _GrownRows] = {}
        self.pinyin = PinyinRows(store)

    @staticmethod
    def widenable(term_groups: list[list[TermPlan]]) -> bool:
        """Whether `expand` would look up alternatives for any term (no SQL asked)."""
        return any(
            plan.term.mode == "fuzzy"
            and (_typo_able(plan) if plan.term.case_sensitive
                 else plan.long or (len(plan.folded) == 2 and all(map(is_han, plan.folded))))
            for group in term_groups for plan in group
        )

    def expand(self, term_groups: list[list[TermPlan]], strict_total: int) -> bool:
        """Typo, pinyin, fuzzy-title and CJK n-gram alternatives for rare terms (the first few).

        Only terms that match (almost) nothing by themselves are widened: a
        query whose terms all exist but rarely meet is answered by partial
        matches instead, which costs far less.
        """
        changed = False
        widened = 0
        for group in term_groups:
            for plan in group:
                if plan.term.mode != "fuzzy":
                    continue
                if widened == WIDENED_TERMS:
                    return changed
                if plan.term.case_sensitive:
                    if _typo_able(plan):
                        widened += 1
                        changed |= self._widen_cased(plan)
                    continue
                han_word = len(plan.folded) == 2 and all(map(is_han, plan.folded))
                if not (plan.long or han_word):
                    continue
                if strict_total == 0 or len(term_groups) == 1:
                    direct = self._direct_count(plan.folded)
                else:
                    direct = EXPANSION_THRESHOLD
                if direct < EXPANSION_THRESHOLD:
                    widened += 1
                    changed |= self.widen(plan, direct)
        return changed

    def _widen_cased(self, plan: TermPlan) -> bool:
        """Typos of a capitalised word that no entry holds in any case (`Kubernetse`).

        Smart case keeps `Rust` from matching `rust`; but when not even the
        lower-case word exists, the capital was a proper noun typed with a slip,
        and its corrections are matched as any other typo's (case aside).
        """
        if self.lookup.count(plan.folded, 1):
            return False
        before = len(plan.variants)
        plan.variants.extend(w for w, _ in self._vocab().near(plan.folded))
        return len(plan.variants) != before

    def _direct_count(self, needle: str) -> int:
        """Entries holding `needle` as typed, up to EXPANSION_THRESHOLD."""
        return self.lookup.count(needle, EXPANSION_THRESHOLD)

    def _widen_homophones(self, plan: TermPlan) -> None:
        """Han text also finds what sounds the same (生产利 → 生产力, 泄露 → 泄漏).

        The most common input-method slip is the right pinyin with the wrong
        character: Han strings of the index read like the term (any reading of a
        polyphonic character) are looked up like the term itself.
        """
        spellings = [h for h in homophones(plan.folded, self.store.han_vocabulary())
                     if h != plan.folded]
        expression = spelling_query(spellings)
        if expression is None:
            return
        rowids = [r for (r,) in self.store.query(
            f"SELECT rowid FROM fts WHERE fts MATCH ? LIMIT {PINYIN_ROWS}",
            [text_only(expression)],
        )]
        holds = holding_any(spellings)
        for rowid, (title, body) in self.store.folded(rowids).items():
            if holds(title) or holds(body):
                plan.extra_rowids.add(rowid)
                plan.pinyin = True
        if plan.pinyin:
            plan.pinyin_spelling = "".join(readings(ch)[0] if readings(ch) else ch
                                           for ch in spellings[0])

    def widen(self, plan: TermPlan, direct: int) -> bool:
        """Widen one term that `direct` entries hold as typed; whether anything was added."""
        before = (len(plan.variants), len(plan.extra_rowids))
        if self._widen_words(plan, direct):
            return (len(plan.variants), len(plan.extra_rowids)) != before
        needle = plan.folded
        if (len(needle) <= INITIALS_MAX and needle.isascii() and needle.isalpha()):
            self._widen_initials(plan)
        if pinyin_term_ok(needle):
            found = set(self.pinyin.rows(needle))
            plan.extra_rowids |= found
            plan.title_rowids |= self.pinyin.titles_spelled(needle, found)
            plan.pinyin = bool(found)
            plan.pinyin_words = self.pinyin.words(needle) if found else ()
            plan.pinyin_primary = tuple(w for w in plan.pinyin_words
                                        if spelled_commonly(w, needle))
        spelled = plan.pinyin and len(needle) >= PINYIN_SPELLED
        if not (direct > 0 or len(plan.variants) > before[0] or spelled or plan.initials_rowids):
            # Not found as typed, as a typo of a real word, or as spelled-out pinyin:
            # maybe an abbreviation of a title, or a Han phrase written otherwise.
            self._widen_title_letters(plan)
            self._widen_ngrams(plan)
        return (len(plan.variants), len(plan.extra_rowids)) != before

    def _widen_words(self, plan: TermPlan, direct: int) -> bool:
        """Typos of a word nothing holds, homophones of a short Han term; whether that
        is all there is to try (a Han word of two characters)."""
        needle = plan.folded
        if direct == 0 and _typo_able(plan):
            plan.variants.extend(w for w, _ in self._vocab().near(needle))
        if len(needle) <= HOMOPHONE_CHARS and all(map(is_han, needle)):
            self._widen_homophones(plan)
            return not plan.long
        return False

    def _widen_title_letters(self, plan: TermPlan) -> None:
        """Titles holding the term's letters in order and close together (fzf-like)."""
        needle = plan.folded
        pattern = "%" + "%".join(like_escape(ch) for ch in needle) + "%"
        rows = self._title_rows(needle, lambda title: _in_order(needle, title), pattern)
        widest = max(3 * len(needle), len(needle) + 12)
        subsequence = re.compile("".join(f"{re.escape(ch)}.*?" for ch in needle[:-1])
                                 + re.escape(needle[-1]), re.S)
        for rowid, title in rows:
            m = subsequence.search(title)
            if m and m.end() - m.start() <= widest:
                plan.extra_rowids.add(rowid)

    def _widen_ngrams(self, plan: TermPlan) -> None:
        """A Han phrase of 4+ characters: entries holding half its 3-grams or more."""
        needle = plan.folded
        if not (has_han(needle) and len(needle) >= 4):
            return
        grams = {needle[i : i + 3] for i in range(len(needle) - 2)}
        rowids = [r for (r,) in self.store.query(
            f"SELECT rowid FROM fts WHERE fts MATCH ? LIMIT {EXPANSION_ROWS}",
            [self.lookup.match(sorted(grams)) or NOTHING],
        )]
        for rowid, (_, body) in self.store.folded(rowids).items():
            if sum(g in body for g in grams) / len(grams) >= 0.5:
                plan.extra_rowids.add(rowid)
                plan.variants.extend(g for g in grams if g in body and g not in plan.variants)

    def _widen_initials(self, plan: TermPlan) -> None:
        """Key bindings whose action's words start with the term's letters (`tpz` →
        TogglePaneZoom, `acp` → ActivateCommandPalette), even when the letters also
        occur as typed somewhere: a binding is what such a term asks for."""
        needle = plan.folded
        pattern = "%" + "%".join(like_escape(ch) for ch in needle) + "%"
        rows = self.store.query(
            "SELECT rowid FROM entries WHERE kind = 'key' AND title_f LIKE ? ESCAPE '\\' "
            f"LIMIT {EXPANSION_ROWS}", [pattern],
        )
        found = self.store.entries([r for (r,) in rows])
        for rowid, entry in found.items():
            if initials_match(needle, entry.title):
                plan.initials_rowids.add(rowid)
        plan.extra_rowids |= plan.initials_rowids

    def _title_rows(
        self, needle: str, keep: Callable[[str], bool], pattern: str, cap: int = EXPANSION_ROWS,
    ) -> list[tuple[int, str]]:
        """(rowid, title) of the first `cap` titles LIKE `pattern`, in title order, from the
        last keystroke's when it can.

        `keep(title)` must mean exactly what the pattern matches. While the needle only
        grows, its titles are among the last answer's: those, filtered, are the answer
        when that answer was complete; when it was capped, the scan goes on from the last
        title it read (the titles before it are filtered, not read again), so a term
        typed key by key scans the titles once, not once per key (a scan that finds
        little reads all 100k titles: ~10 ms).
        """
        generation = self.store.generation
        prior = self._grown.get("title")
        # The covering title index is a third of the table: a faster scan (a first build
        # makes it at its end: meanwhile the table is scanned).
        sql = (f"SELECT rowid, title_f FROM entries {self.store.title_index()}"
               "WHERE title_f LIKE ? ESCAPE '\\'")
        if prior is not None and prior.generation == generation and needle.startswith(prior.needle):
            rows = [(rowid, title) for rowid, title in prior.rows if keep(title)]
            if prior.complete or prior.resume is None or len(rows) >= cap:
                self._grown["title"] = _GrownRows(needle, generation, rows, prior.complete,
                                                  resume=prior.resume)
                return rows
            more = self.store.query(
                f"{sql} AND (title_f, rowid) > (?, ?) ORDER BY title_f, rowid "
                f"LIMIT {cap - len(rows)}", [pattern, *prior.resume])
            wanted = cap - len(rows)
        else:
            rows = []
            more = self.store.query(f"{sql} ORDER BY title_f, rowid LIMIT {cap}", [pattern])
            wanted = cap
        rows += [(r, t) for r, t in more]
        complete = len(more) < wanted
        resume = None if complete else (more[-1][1], more[-1][0])
        self._grown["title"] = _GrownRows(needle, generation, rows, complete, resume=resume)
        return rows

    def _vocab(self) -> Vocabulary:
        generation = self.store.generation
        if self._vocabulary is None or self._vocabulary[0] != generation:
            self._vocabulary = (generation, Vocabulary(self.store.vocabulary()))
        return self._vocabulary[1]


def initials_match(needle: str, title: str) -> bool:
    """Whether `needle` is the initials of consecutive words of `title` (camelCase,
    `snake_case`, `kebab-case` and spaces all split words), or of words in order."""
    initials = "".join(w[0] for w in _TITLE_WORD.findall(title)).lower()
    return needle in initials or _in_order(needle, initials)


def homophones(term: str, han: HanVocabulary, cap: int = HOMOPHONES) -> list[str]:
    """Han strings of the index whose characters read like those of `term`, one by one
    (any reading of either counts: 露 is lu or lou, so 泄露 finds 泄漏)."""
    wanted = [set(readings(ch)) for ch in term]
    if not all(wanted):
        return []
    letters = [sorted({r[0] for r in w}) for w in wanted]
    found: list[str] = []

    def walk(spelled: str) -> None:
        if len(found) >= cap:
            return
        at = len(spelled)
        if at == len(term):
            found.append(spelled)
            return
        for letter in letters[at]:
            pool = (han.following.get((spelled[-1], letter), ()) if spelled
                    else han.starting.get(letter, ()))
            for ch in pool:
                if not wanted[at].isdisjoint(readings(ch)):
                    walk(spelled + ch)

    walk("")
    return list(dict.fromkeys(found))  # 长 is both zhang and chang: met twice
