"""A query term as the engine plans it, and the FTS phrase for a literal substring."""

from __future__ import annotations

from dataclasses import dataclass, field

from tui.core.search.query import Term


@dataclass(slots=True)
class TermPlan:
    """One positive term: its folded text and what widened it."""

    term: Term
    folded: str
    variants: list[str] = field(default_factory=list)
    extra_rowids: set[int] = field(default_factory=set)
    # Entries whose title's word initials spell the term (`tpz` → TogglePaneZoom):
    # a deliberate abbreviation, ranked above other widened rows.
    initials_rowids: set[int] = field(default_factory=set)
    # Entries among `extra_rowids` whose title holds what pinyin found (`zhangji` →
    # a note titled …掌机的未来): read first, so the fine ranker sees them at all.
    title_rowids: set[int] = field(default_factory=set)
    pinyin: bool = False
    # The pinyin that found `extra_rowids`: the term itself, or the reading of its Han
    # characters (a homophone slip: 生产利 for 生产力).
    pinyin_spelling: str = ""
    # The Han strings a pinyin term spells in whole syllables (`yinhang` → 银行, 行 read
    # hang): where the entry holds one is its line, and it counts as the word typed.
    pinyin_words: tuple[str, ...] = ()
    # Those of them spelled with each character's first (common) reading: `chajian` is
    # 插件 (chā jiàn) before 接将, which spells it only through rare readings of 接.
    pinyin_primary: tuple[str, ...] = ()

    @property
    def long(self) -> bool:
        return len(self.folded) >= 3

    @property
    def pinyin_key(self) -> str:
        return self.pinyin_spelling or self.folded

    @property
    def unservable(self) -> bool:
        """No index can serve it: one or two characters that are not all letters or digits
        (`-i`, `\\d`, `:`). Matched as a literal substring of the candidates instead."""
        return len(self.folded) < 3 and not self.folded.isalnum()

    @property
    def needs_check(self) -> bool:
        return self.term.case_sensitive or self.term.mode not in ("fuzzy", "exact")


def phrase(text: str) -> str:
    """An FTS5 phrase for a literal substring (trigram tokenizer); NUL is indexed as U+FFFD."""
    return '"' + text.replace("\x00", "\ufffd").replace('"', '""') + '"'
