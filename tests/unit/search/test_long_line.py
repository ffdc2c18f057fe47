"""A note with one enormous line (a log, minified code, a base64 dump) costs a query
about its share: snippets and line kinds come from the part around the first match,
never from the whole line (TRY #16: a 4.8 MB line made every query touching it take
~3 s and 130 MB, listing its 400,000 matches for a 160-character snippet)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tui.core.search.lines as lines_module
import tui.core.search.spans as spans_module
from tui.core.search.searchable import SearchableIndex
from tui.core.search.spans import LONG_LINE, SNIPPET_WIDTH, snippet


def _snippet_of_whole_line(line: str, folded: str, needles: list[list[str]],
                           extra: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    """The snippet as computed from every match in the line (the reference)."""
    found = list(extra)
    for alts in needles:
        for alt in alts:
            found.extend(spans_module.find_all(folded, alt))
    merged = spans_module.merge_spans([s for s in found if 0 <= s[0] < len(line)])
    start = 0
    if len(line) > SNIPPET_WIDTH:
        first = merged[0][0] if merged else 0
        start = max(0, min(first - SNIPPET_WIDTH // 4, len(line) - SNIPPET_WIDTH))
    window = line[start:start + SNIPPET_WIDTH]
    lead = len(window) - len(window.lstrip())
    text = window.strip()
    shifted = [(max(0, s - start - lead), min(len(text), e - start - lead))
               for s, e in merged
               if not (e - start - lead <= 0 or s - start - lead >= len(text))]
    if start > 0:
        text, shifted = "…" + text, [(s + 1, e + 1) for s, e in shifted]
    if start + SNIPPET_WIDTH < len(line):
        text += "…"
    return text, shifted


@settings(max_examples=60, deadline=None)
@given(
    words=st.lists(st.sampled_from(["ab", "word", "x", "  ", "qq", "wordword", "b"]),
                   min_size=150, max_size=400),
    needle=st.sampled_from(["word", "ab", "qq", "zz", "b"]),
    extra_at=st.lists(st.integers(0, 6000), max_size=3),
)
def test_a_long_lines_snippet_is_the_one_all_its_matches_give(
    words: list[str], needle: str, extra_at: list[int]
) -> None:
    line = " ".join(words)
    if len(line) <= LONG_LINE:
        line = line * (LONG_LINE // max(1, len(line)) + 2)
    extra = [(p, p + 2) for p in extra_at]
    assert snippet(line, line, [[needle]], extra) == _snippet_of_whole_line(
        line, line, [[needle]], extra)


def test_a_query_reads_a_huge_line_only_near_its_match(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "notes"
    root.mkdir()
    (root / "huge.md").write_text("# Huge line\n\n" + "qqhuge word " * 100_000,
                                  encoding="utf-8")
    (root / "small.md").write_text("# Small\n\nsome word here\n", encoding="utf-8")
    index = SearchableIndex(root, use_cache=False, jobs=1)
    index.refresh()
    scanned: list[int] = []
    real_find_all, real_kind = spans_module.find_all, lines_module.line_kind

    def find_all(text: str, needle: str, limit: int = 0) -> list[tuple[int, int]]:
        if not limit:
            scanned.append(len(text))
        return real_find_all(text, needle, limit)

    def line_kind(line: str) -> str:
        scanned.append(len(line))
        return real_kind(line)

    monkeypatch.setattr(spans_module, "find_all", find_all)
    monkeypatch.setattr(lines_module, "line_kind", line_kind)
    try:
        hits = index.search("word", limit=0).hits
        assert {h.entry.path for h in hits} == {"huge.md", "small.md"}
        huge = next(h for h in hits if h.entry.path == "huge.md")
        assert huge.snippet.startswith("qqhuge word") and huge.snippet.endswith("…")
        assert huge.snippet_spans[0] == (7, 11)
        assert scanned and max(scanned) <= 3 * SNIPPET_WIDTH * 5, max(scanned)
    finally:
        index.close()
