"""Fixtures for tests that index a tree they write: an empty notes folder and its index."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tui.core.search.searchable import SearchableIndex


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """An empty notes folder."""
    notes = tmp_path / "notes"
    notes.mkdir()
    return notes


@pytest.fixture
def make_index(
    root: Path, index_factory: Callable[..., SearchableIndex]
) -> Callable[..., SearchableIndex]:
    """Index `root` (or another folder) as it is now, uncached."""
    return lambda path=root: index_factory(path)
