"""The empty query's order when every file has the same mtime (a fresh clone)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tui_helpers import app_settings as _settings
from tui_helpers import ready as _ready

from tui.app import make_app
from tui.core.search.note_order import filename_date, natural_key, order_notes


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


def test_front_matter_date_then_file_name_date_then_natural_path() -> None:
    rows = [
        ("n10", "notes/issue-10.md", None),
        ("n9", "notes/issue-9.md", None),
        ("old-fm", "b.md", "2023-01-05"),
        ("new-fm", "a.md", "2025-02-02T10:00:00+08:00"),
        ("named", "2024-06-30-retro.md", None),
        ("named-old", "2019-01-01-start.md", ""),
    ]
    assert order_notes(rows) == ["new-fm", "old-fm", "named", "named-old", "n9", "n10"]


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
