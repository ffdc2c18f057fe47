"""What the side panels list, read from the index (no app running): outline, tags, notes."""

from __future__ import annotations

from pathlib import Path

from tui.core.search.searchable import SearchableIndex
from tui.widgets.side_panel import side_rows


def _index(tmp_path: Path) -> SearchableIndex:
    root = tmp_path / "notes"
    root.mkdir()
    (root / "garden.md").write_text(
        "# Garden\n\nplans #outdoor\n\n## Beds\n\nraised\n\n### Tomatoes\n\nstake them\n\n"
        "## Tools\n\na spade\n", encoding="utf-8")
    (root / "kitchen.md").write_text("# Kitchen\n\nknives #indoor #outdoor\n", encoding="utf-8")
    index = SearchableIndex(root, cache_dir=tmp_path / "cache")
    index.refresh()
    return index


def test_the_outline_indents_headings_by_depth_with_their_lines(tmp_path: Path) -> None:
    index = _index(tmp_path)
    try:
        labels = [label for label, _ in side_rows(index.store, "outline", "garden.md")]
    finally:
        index.close()
    titles = [label.split("  :")[0] for label in labels]
    assert [t.strip() for t in titles] == ["Garden", "Beds", "Tomatoes", "Tools"]
    indent = {t.strip(): len(t) - len(t.lstrip()) for t in titles}
    assert indent["Beds"] == indent["Tools"] < indent["Tomatoes"]
    assert labels[2].endswith(":9"), "each row names the heading's line"


def test_tags_are_counted_and_notes_listed_by_path(tmp_path: Path) -> None:
    index = _index(tmp_path)
    try:
        tags = side_rows(index.store, "tags", None)
        notes = side_rows(index.store, "notes", None)
        outline = side_rows(index.store, "outline", None)
    finally:
        index.close()
    assert tags == [("#indoor  (1)", "indoor"), ("#outdoor  (2)", "outdoor")]
    assert [label for label, _ in notes] == ["garden.md — Garden", "kitchen.md — Kitchen"]
    assert outline == [], "no highlighted entry: an empty outline"


def test_tags_are_listed_as_the_notes_write_them(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    root.mkdir()
    (root / "a.md").write_text("# A\n\nlearning #TypeScript\n", encoding="utf-8")
    (root / "b.md").write_text("# B\n\nmore #typescript and #rust\n", encoding="utf-8")
    index = SearchableIndex(root, cache_dir=tmp_path / "cache")
    index.refresh()
    try:
        tags = side_rows(index.store, "tags", None)
    finally:
        index.close()
    assert tags == [("#rust  (1)", "rust"), ("#TypeScript  (2)", "TypeScript")]
