"""A query term as the engine plans it, and the FTS phrase for a literal substring."""

from __future__ import annotations

from dataclasses import dataclass, field

from tui.core.query import Term


@dataclass(slots=True)
class TermPlan:
    """One positive term: its folded text and what widened it."""

    term: Term
    folded: str
    variants: list[str] = field(default_factory=list)
    extra_rowids: set[int] = field(default_factory=set)
    pinyin: bool = False

    @property
    def long(self) -> bool:
        return len(self.folded) >= 3

    @property
    def needs_check(self) -> bool:
        return self.term.case_sensitive or self.term.mode not in ("fuzzy", "exact")


def phrase(text: str) -> str:
    """An FTS5 phrase for a literal substring (trigram tokenizer); NUL is indexed as U+FFFD."""
    return '"' + text.replace("\x00", "\ufffd").replace('"', '""') + '"'
