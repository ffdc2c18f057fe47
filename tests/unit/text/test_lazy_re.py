"""A pattern compiled on first use finds what the compiled pattern finds."""

from __future__ import annotations

import re

from tui.core.text.fold import HAN_CLASS
from tui.core.text.lazy_re import lazy_compile


def test_a_lazy_pattern_answers_as_the_compiled_one() -> None:
    source = f"[{HAN_CLASS}]+|[a-z]+"
    lazy, eager = lazy_compile(source, re.IGNORECASE), re.compile(source, re.IGNORECASE)
    text = "Notes 关于量子 and 退火 ZZ"
    assert lazy.findall(text) == eager.findall(text) == ["Notes", "关于量子", "and", "退火", "ZZ"]
    assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in eager.finditer(text)]
    assert lazy.sub("_", text) == eager.sub("_", text)
    assert lazy.match("  x") is None and lazy.search("  x") is not None
    assert lazy.pattern == source and lazy.flags == eager.flags
