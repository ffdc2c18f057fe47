"""Shared by the index tests: the notes folder the watcher tests watch.

Files that need another tree define their own `root` fixture, which wins over this one.
"""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """`note.md` and `other.md` in a fresh folder, the path resolved."""
    notes = tmp_path.resolve() / "notes"
    notes.mkdir()
    (notes / "note.md").write_text("# Note\n\nfirst version\n", encoding="utf-8")
    (notes / "other.md").write_text("# Other\n\nuntouched\n", encoding="utf-8")
    return notes
