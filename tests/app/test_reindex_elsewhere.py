"""`notesift reindex` in a shell while a TUI runs: the TUI keeps its results from the old
index for the whole rebuild, then follows the new one (TRY #23: it dropped to 2/18,
55/307, … until the rebuild ended)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from tui_helpers import HANG_S, app_settings, numbered_notes, ready, record_first_args, until

import tui.core.index.parsing as parsing
from tui.app import make_app
from tui.core.search.searchable import SearchableIndex

pytestmark = pytest.mark.asyncio


_notes = numbered_notes


async def test_a_rebuild_elsewhere_keeps_the_list_until_the_new_index_is_complete(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _notes(tmp_path / "notes", 40)
    app = make_app(app_settings(root, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        await until(pilot, lambda: len(app.results.hits) == 40, "every note listed")
        reached, release = threading.Event(), threading.Event()
        real = parsing.parse_source
        parsed = [0]

        def gated(root_: Path, ref: parsing.SourceRef) -> parsing.PreparedSource:
            parsed[0] += 1
            if parsed[0] == 12:  # the other process is midway through its rebuild
                reached.set()
                release.wait(HANG_S)
            return real(root_, ref)

        monkeypatch.setattr(parsing, "parse_source", gated)
        monkeypatch.setattr(parsing, "BATCH_SOURCES", 5)
        monkeypatch.setattr(parsing, "FIRST_BATCH_SECONDS", float("inf"))
        monkeypatch.setattr(parsing, "BATCH_SECONDS", float("inf"))
        (root / "n000.md").write_text("# Note 0\n\nrewritten\n", encoding="utf-8")
        other = SearchableIndex(root, cache_dir=tmp_path / "cache", jobs=1)
        rebuild = threading.Thread(target=other.rebuild)
        rebuild.start()
        try:
            await until(pilot, reached.is_set, "the rebuild is midway")
            checks = record_first_args(app.lifecycle, "_after_shared_check")
            await until(pilot, lambda: len(checks) >= 3, "the app looked at the cache")
            app.request_search()
            await pilot.pause(0.3)
            assert len(app.results.hits) == 40, "the old index still answers"
            assert "indexing" not in app.status_info.activity
        finally:
            release.set()
            rebuild.join(HANG_S)
            other.close()
        await pilot.press(*"rewritten")
        await until(pilot, lambda: [h.entry.path for h in app.results.hits] == ["n000.md"],
                    "the app follows the rebuilt index")
