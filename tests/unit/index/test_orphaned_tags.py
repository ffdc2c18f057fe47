"""Tags kept beside the notes for an entry that is gone are reported, not silently lost."""

from __future__ import annotations

from pathlib import Path

from tui.core.search.searchable import SearchableIndex
from tui.core.tags.tagstore import TagStore


def test_tags_of_a_renamed_note_show_up_as_a_warning(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    root.mkdir()
    (root / "plain.md").write_text("# Plain\n\nno front matter here\n", encoding="utf-8")
    index = SearchableIndex(root, cache_dir=tmp_path / "cache")
    index.refresh()
    section = index.search("plain", limit=1).hits[0].entry
    assert TagStore(root).add(section, "kept").ok
    index.reload_sidecar()
    assert not any("tags.json" in w for w in index.warnings)

    (root / "plain.md").rename(root / "moved.md")
    index.refresh()
    index.reload_sidecar()
    orphans = [w for w in index.warnings if "tags.json" in w]
    assert len(orphans) == 1 and "1 entries" in orphans[0] and "plain.md" in orphans[0]
