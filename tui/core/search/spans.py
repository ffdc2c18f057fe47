"""Match spans in text: where needles occur, merged, and a one-line snippet around them.

The home of span helpers: the engine's highlighter, the results list and the
preview all mark matches with these, so they agree on what is highlighted.
"""

from __future__ import annotations

from tui.core.text.fold import find_across_marks, has_han

SNIPPET_WIDTH = 160
# Longer lines (a log, minified code, a base64 dump on one line) are searched for
# matches only near their first one: a 5 MB line held 400,000 of a common word, and
# listing them all cost seconds and 100 MB a query for a 160-character snippet.
LONG_LINE = 4 * SNIPPET_WIDTH


def find_all(text: str, needle: str, limit: int = 0) -> list[tuple[int, int]]:
    """Where `needle` occurs in `text`, left to right, not overlapping (`limit` 0: all)."""
    spans: list[tuple[int, int]] = []
    if not needle:
        return spans
    pos = text.find(needle)
    while pos >= 0 and (not limit or len(spans) < limit):
        spans.append((pos, pos + len(needle)))
        pos = text.find(needle, pos + len(needle))
    if not spans and not needle.isascii() and has_han(needle):
        return find_across_marks(text, needle, limit)  # `进入社区` in `进入**社区插件**`
    return spans


def merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted spans with overlapping and touching ones joined."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def snippet(
    line: str,
    folded: str,
    needles: list[list[str]],
    extra: list[tuple[int, int]] = (),  # type: ignore[assignment]
) -> tuple[str, list[tuple[int, int]]]:
    """A one-line window of `line` around its first match, with match spans in it."""
    if len(line) > LONG_LINE:
        return _long_line_snippet(line, folded, needles, extra)
    spans: list[tuple[int, int]] = list(extra)
    for alts in needles:
        for alt in alts:
            spans.extend(find_all(folded, alt))
    spans = merge_spans([s for s in spans if 0 <= s[0] < len(line)])
    start = 0
    if len(line) > SNIPPET_WIDTH:
        first = spans[0][0] if spans else 0
        start = max(0, min(first - SNIPPET_WIDTH // 4, len(line) - SNIPPET_WIDTH))
    window = line[start : start + SNIPPET_WIDTH]
    lead = len(window) - len(window.lstrip())
    text = window.strip()
    shifted = []
    for s, e in spans:
        s2, e2 = s - start - lead, e - start - lead
        if e2 <= 0 or s2 >= len(text):
            continue
        shifted.append((max(0, s2), min(len(text), e2)))
    if start > 0:
        text = "…" + text
        shifted = [(s + 1, e + 1) for s, e in shifted]
    if start + SNIPPET_WIDTH < len(line):
        text += "…"
    return text, shifted


def _long_line_snippet(
    line: str, folded: str, needles: list[list[str]], extra: list[tuple[int, int]]
) -> tuple[str, list[tuple[int, int]]]:
    """`snippet` of a long line from the part around its first match (the same text
    and spans: the window never reaches past that part)."""
    firsts = [pos for alts in needles for alt in alts if alt and (pos := folded.find(alt)) >= 0]
    firsts += [s for s, _ in extra if 0 <= s < len(line)]
    first = min(firsts, default=0)
    cut = max(0, first - SNIPPET_WIDTH)
    end = min(len(line), first + 2 * SNIPPET_WIDTH)
    near = [(s - cut, e - cut) for s, e in extra if cut <= s < end]
    text, spans = snippet(line[cut:end], folded[cut:end], needles, near)
    if cut and not text.startswith("…"):
        text, spans = "…" + text, [(s + 1, e + 1) for s, e in spans]
    if end < len(line) and not text.endswith("…"):
        text += "…"
    return text, spans
