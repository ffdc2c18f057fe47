"""How a search hit is written for other programs: vim's quickfix, scripts, JSON Lines.

Shared by `notesift search` and `notesift pick`, so a pick prints exactly what a
search would. Paths for humans and vim are shown relative to the working
directory when the notes live below it and absolute otherwise, so they always
open from where the command ran (`rg` and `fd` behave the same way).
"""

from __future__ import annotations

import os
from pathlib import Path

from tui.core.ingest.entry import split_lines
from tui.core.search.presenting import SearchHit
from tui.core.text.sanitize import one_line

__all__ = [
    "display_path",
    "hit_record",
    "line_text",
    "match_column",
    "path_line",
    "vimgrep_hits",
    "vimgrep_line",
]


def display_path(root: Path, rel_path: str, *, absolute: bool = False, cwd: Path | None = None
                 ) -> str:
    """`rel_path` (relative to the notes root) as the user at `cwd` can open it."""
    full = Path(os.path.abspath(root)) / rel_path
    if absolute:
        return str(full)
    base = Path(os.path.abspath(cwd or Path.cwd()))
    try:
        return full.relative_to(base).as_posix()
    except ValueError:
        return str(full)


def line_text(hit: SearchHit) -> str:
    """The text of the hit's match line, as the file has it ("" when not known)."""
    entry = hit.entry
    lines = split_lines(entry.text)
    index = hit.match_line - entry.line
    if entry.end_line - entry.line == len(lines) - 1 and 0 <= index < len(lines):
        return lines[index]
    return ""


def match_column(hit: SearchHit, text: str | None = None) -> int:
    """1-based byte column of the first highlighted match on the match line (vim counts bytes).

    The snippet may be cut or reflowed, so the highlighted words are looked up
    in the line itself, ignoring case; 1 when they are not on it.
    """
    text = line_text(hit) if text is None else text
    if not text:
        return 1
    folded = text.casefold()
    for start, end in hit.snippet_spans:
        needle = hit.snippet[start:end].casefold()
        pos = folded.find(needle) if needle else -1
        if pos >= 0 and len(folded) == len(text):
            return len(text[:pos].encode("utf-8", "surrogatepass")) + 1
    return 1


def path_line(hit: SearchHit, root: Path, *, absolute: bool = True, cwd: Path | None = None
              ) -> str:
    """`path:line`: what `nvim $(notesift pick)` and `vim +line path` need."""
    return f"{display_path(root, hit.entry.path, absolute=absolute, cwd=cwd)}:{hit.match_line}"


def vimgrep_hits(hits: list[SearchHit]) -> list[SearchHit]:
    """One hit per file line, full matches only, as `rg --vimgrep` lists them.

    A key row is also inside its section, so one line came out twice in the
    quickfix list; the section's record is kept there, its text the file's own.
    """
    chosen: dict[tuple[str, int], SearchHit] = {}
    for hit in hits:
        if hit.partial:
            continue
        where = (hit.entry.path, hit.match_line)
        if where not in chosen or (chosen[where].entry.kind == "key" and hit.entry.kind != "key"):
            chosen[where] = hit  # a replaced record keeps its place in the ranking
    return list(chosen.values())


def files_with_matches(hits: list[SearchHit]) -> list[str]:
    """Each file holding a full match once, best first, as `rg -l` lists them.

    A match is an entry (a note's intro, a section, a tweet, a key row) holding
    every term, as rg's is a line holding the pattern; partial matches are left out.
    """
    return list(dict.fromkeys(hit.entry.path for hit in hits if not hit.partial))


def vimgrep_line(hit: SearchHit, root: Path, *, absolute: bool = False,
                 cwd: Path | None = None) -> str:
    """`path:line:col:text`, as `rg --vimgrep` prints it (control characters made visible)."""
    text = line_text(hit)
    column = match_column(hit, text)
    shown = one_line(text) if text else one_line(hit.entry.title)
    where = display_path(root, hit.entry.path, absolute=absolute, cwd=cwd)
    return f"{where}:{hit.match_line}:{column}:{shown}"


def hit_record(hit: SearchHit, root: Path | None = None) -> dict[str, object]:
    """The JSON form of a hit: the CLI contract scripts rely on.

    `path` stays relative to the notes `root` (ids are built from it); `root`
    and `abspath` say where that is.
    """
    entry = hit.entry
    record: dict[str, object] = {
        "id": entry.id,
        "kind": entry.kind,
        "title": entry.title,
        "path": entry.path,
        "line": entry.line,
        "end_line": entry.end_line,
        "match_line": hit.match_line,
        "score": round(hit.score, 2),
        "tags": list(entry.tags),
        "snippet": hit.snippet,
        "title_spans": [list(s) for s in hit.title_spans],
        "snippet_spans": [list(s) for s in hit.snippet_spans],
        "breadcrumb": entry.breadcrumb,
    }
    if root is not None:
        absolute_root = Path(os.path.abspath(root))
        record["root"] = str(absolute_root)
        record["abspath"] = str(absolute_root / entry.path)
    if hit.partial:
        record["partial"] = True
    for key in ("author", "date", "url", "likes", "retweets", "replies", "quotes"):
        if key in entry.meta:
            record[key] = entry.meta[key]
    return record
