"""Entries are found by id and by file without an index of either (format 11:
look-ups go through each source's span of rowids)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.core.search.searchable import SearchableIndex


@pytest.mark.parametrize("where", ["notes folder", "archive as the root"])
def test_every_entry_is_found_by_its_id_and_by_its_file(
    example_notes: Path, tmp_path: Path, where: str
) -> None:
    root = example_notes if where == "notes folder" else example_notes / "x-archive"
    index = SearchableIndex(root, cache_dir=tmp_path / "cache")
    index.refresh()
    entries = index.entries
    kinds = {e.kind for e in entries}
    assert "tweet" in kinds and (where != "notes folder" or {"note", "section"} <= kinds)
    for entry in entries:
        found = index.store.find_id(entry.id)
        assert found is not None and found.id == entry.id and found.text == entry.text
        assert entry.id in {e.id for e in index.store.entries_of_path(entry.path)}
    assert index.store.find_id("no/such/note.md#Nothing") is None
    index.close()


def test_ids_kept_in_short_form_read_back_as_the_parser_made_them(tmp_path: Path) -> None:
    """A section's id tail is kept as a mark its record spells, a tweet's status as a
    number (format 17); every other id as it is. Each reads back, is found by id and
    takes sidecar tags as the parser named it."""
    from tui.core.ingest.note_parser import parse_note

    root = tmp_path / "notes"
    root.mkdir()
    long_part = "\n".join(f"line {i} of a long part" for i in range(150))
    files = {
        "a.md": ("# Top\n\nintro\n\n## Sub One\n\nx\n\n### Deeper\n\ny\n\n## Sub One\n\nagain\n\n"
                 f"## A/B › C\n\nz\n\n## Long\n\n{long_part}\n"),
        "c#sharp.md": "# C sharp\n\nintro\n\n## Part\n\nx\n",
        "tweets.md": "".join(
            f"### {n}\n\nAuthor: @someone\nDate: 2024-04-1{n}\n"
            f"Link: https://x.com/someone/status/{status}\n\ntweet number {n}\n\n"
            for n, status in enumerate(("1780730292837507092", "0012", "99999999999999999999",
                                        "1780730292837507092"), start=1)),
    }
    parsed: set[str] = set()
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
        parsed |= {e.id for e in parse_note(name, text).entries}
    index = SearchableIndex(root, cache_dir=tmp_path / "cache")
    index.refresh()
    kinds = dict(index.store.query("SELECT typeof(eid_tail), count(*) FROM entries GROUP BY 1"))
    assert kinds.get("blob", 0) >= 4 and kinds.get("integer") == 1 and kinds.get("text", 0) >= 4
    assert {e.id for e in index.entries} == parsed
    for entry_id in parsed:
        found = index.store.find_id(entry_id)
        assert found is not None and found.id == entry_id
    assert index.store.find_id("a.md#Top/Nothing") is None
    index.store.set_sidecar({i: ["kept"] for i in parsed})
    assert index.store.tag_counts()["kept"] == len(parsed)
    assert index.store.warnings() == []  # no sidecar tag of an entry it cannot find
    index.close()
