"""The empty query's order: the file's day first, then what the notes say (a fresh clone)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from tui_helpers import app_settings as _settings
from tui_helpers import ready as _ready

from tui.app import make_app
from tui.core.search import note_order
from tui.core.search.note_order import (
    filename_date,
    mtime_day,
    natural_key,
    newest_notes,
    order_notes,
)
from tui.core.search.searchable import SearchableIndex


def test_dates_in_file_names() -> None:
    assert filename_date("blog/2025-03-08-weekly-2.md") == "2025-03-08"
    assert filename_date("log_20240229.txt") == "2024-02-29"
    assert filename_date("reports/2023-11 summary.md") == "2023-11"
    assert filename_date("2024/issue-12.md") == "", "a directory's year is not the file's date"
    assert filename_date("build-12345678.md") == ""


def test_natural_order_of_numbers_in_paths() -> None:
    paths = ["issue-100.md", "issue-10.md", "Issue-9.md", "issue-1.md", "issue.md"]
    assert sorted(paths, key=natural_key) == [
        "issue-1.md", "Issue-9.md", "issue-10.md", "issue-100.md", "issue.md"
    ]


CLONED = 1_700_000_000 * 10**9  # one mtime for every file, as after a clone
DAY_NS = 86_400 * 10**9


def test_front_matter_date_then_file_name_date_then_natural_path() -> None:
    rows = [
        ("n10", "notes/issue-10.md", None, CLONED),
        ("n9", "notes/issue-9.md", None, CLONED),
        ("old-fm", "b.md", "2023-01-05", CLONED),
        ("new-fm", "a.md", "2025-02-02T10:00:00+08:00", CLONED),
        ("named", "2024-06-30-retro.md", None, CLONED),
        ("named-old", "2019-01-01-start.md", "", CLONED),
    ]
    assert order_notes(rows) == ["new-fm", "old-fm", "named", "named-old", "n9", "n10"]


def test_the_day_a_file_was_modified_comes_first() -> None:
    rows = [
        ("dated", "a.md", "2025-02-02", CLONED),
        ("edited-today", "issue-10.md", None, CLONED + 3 * DAY_NS),
        ("edited-yesterday", "issue-9.md", None, CLONED + 2 * DAY_NS),
        ("unknown", "zz.md", "2030-01-01", None),
    ]
    assert order_notes(rows) == ["edited-today", "edited-yesterday", "dated", "unknown"]


def test_times_within_one_day_fall_through_to_the_notes_dates() -> None:
    noon = CLONED - CLONED % DAY_NS + DAY_NS // 2  # clear of midnight in any time zone ±11 h
    rows = [
        ("later-that-day", "b.md", "2020-01-01", noon + 3_600 * 10**9),
        ("newer-front-matter", "a.md", "2024-01-01", noon - 3_600 * 10**9),
    ]
    assert mtime_day(rows[0][3]) == mtime_day(rows[1][3])
    assert order_notes(rows) == ["newer-front-matter", "later-that-day"]


@pytest.mark.asyncio
async def test_empty_query_orders_notes_with_equal_mtimes(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    root.mkdir()
    files = {
        "issue-10.md": "# Issue ten\n",
        "issue-9.md": "# Issue nine\n",
        "issue-100.md": "# Issue hundred\n",
        "2024-05-01-standup.md": "# Standup\n",
        "dated.md": "---\ntitle: Dated\ndate: 2025-01-15\n---\nbody\n",
        "older.md": "---\ntitle: Older\ndate: 2021-07-04\n---\nbody\n",
    }
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
        os.utime(root / name, (1_700_000_000, 1_700_000_000))  # one mtime for all, as a clone
    app = make_app(_settings(root, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        assert [h.entry.path for h in app.results.hits] == [
            "dated.md", "older.md", "2024-05-01-standup.md",
            "issue-9.md", "issue-10.md", "issue-100.md",
        ]


@pytest.mark.asyncio
async def test_empty_query_puts_recently_modified_files_first(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    root.mkdir()
    files = {
        "issue-9.md": ("# Issue nine\n", 1_700_000_000),
        "dated.md": ("---\ntitle: Dated\ndate: 2025-01-15\n---\nbody\n", 1_700_000_000),
        "edited-last-week.md": ("# Last week\n", 1_700_000_000 + 5 * 86_400),
        "edited-today.md": ("# Today\n", 1_700_000_000 + 12 * 86_400),
    }
    for name, (text, mtime) in files.items():
        (root / name).write_text(text, encoding="utf-8")
        os.utime(root / name, (mtime, mtime))
    app = make_app(_settings(root, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        assert [h.entry.path for h in app.results.hits] == [
            "edited-today.md", "edited-last-week.md", "dated.md", "issue-9.md",
        ]


def _newest_paths(root: Path, cache: Path) -> list[str]:
    """The empty query's notes as a new process sees them (nothing kept in memory)."""
    index = SearchableIndex(root, cache_dir=cache, jobs=1)
    try:
        index.refresh()
        note_order._cached = None  # a new process: only what is kept on disk
        ordered = newest_notes(index.store, 10)
        found = index.store.entries(ordered)
        return [found[rowid].path for rowid in ordered]
    finally:
        index.close()


def test_the_order_kept_for_the_next_launch_follows_changed_notes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, cache = tmp_path / "notes", tmp_path / "cache"
    root.mkdir()
    for number, name in enumerate(["a.md", "b.md", "c.md"]):
        (root / name).write_text(f"# {name}\n", encoding="utf-8")
        os.utime(root / name, (1_700_000_000 + number * 86_400,) * 2)
    assert _newest_paths(root, cache) == ["c.md", "b.md", "a.md"]
    with monkeypatch.context() as patched:  # the next launch reads the kept order
        patched.setattr(note_order, "order_notes", None)
        assert _newest_paths(root, cache) == ["c.md", "b.md", "a.md"]

    os.utime(root / "a.md", (1_700_000_000 + 9 * 86_400,) * 2)  # edited later
    (root / "d.md").write_text("---\ndate: 2030-01-01\n---\nnew\n", encoding="utf-8")
    os.utime(root / "d.md", (1_700_000_000,) * 2)
    (root / "b.md").unlink()
    assert _newest_paths(root, cache) == ["a.md", "c.md", "d.md"]

    shutil.rmtree(cache)  # a rebuilt cache: new rowids for the same notes
    (root / "e.md").write_text("# e\n", encoding="utf-8")
    os.utime(root / "e.md", (1_700_000_000 + 5 * 86_400,) * 2)
    assert _newest_paths(root, cache) == ["a.md", "e.md", "c.md", "d.md"]


@pytest.mark.asyncio
async def test_the_empty_query_count_is_not_called_a_lower_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It lists every note it shows: `81+/2229` read as 'at least 81' (TRY3 #9)."""
    for module in ("candidates", "engine"):  # as 2,000 notes would
        monkeypatch.setattr(f"tui.core.search.{module}.COUNT_CAP", 3)
    root = tmp_path / "notes"
    root.mkdir()
    for i in range(6):
        (root / f"n{i}.md").write_text(f"# Note {i}\n", encoding="utf-8")
    app = make_app(_settings(root, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        assert len(app.results.hits) == 6
        assert not app.status_info.capped
        assert " 6/6" in str(app.status.render())
