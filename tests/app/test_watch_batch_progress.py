"""A large watcher batch (a checkout, a copied folder) shows `indexing n/N files` as a
cold start does and lists its first files while the rest are parsed (TRY #25: the
status line kept `1/18` for 14-16 s, then jumped)."""

from __future__ import annotations

import asyncio
import re
import threading
from pathlib import Path

import pytest
from tui_helpers import HANG_S, app_settings, ready, record_first_args, until

import tui.core.index.parsing as parsing
from tui.app import make_app
from tui.core.index.watch_batch import ChangeBatch

pytestmark = pytest.mark.asyncio


async def test_a_copied_folder_shows_progress_and_its_first_notes_early(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "notes"
    root.mkdir()
    (root / "README.md").write_text("# Readme\n\nhello\n", encoding="utf-8")
    app = make_app(app_settings(root, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        copied = root / "docs"
        copied.mkdir()
        paths = set()
        for i in range(40):
            path = copied / f"issue-{i:02d}.md"
            path.write_text(f"# Issue {i}\n\nhawthorn {i}\n", encoding="utf-8")
            paths.add(path)
        reached, release = threading.Event(), threading.Event()
        real, parsed = parsing.parse_source, [0]

        def gated(root_: Path, ref: parsing.SourceRef) -> parsing.PreparedSource:
            parsed[0] += 1
            if parsed[0] == 21:  # half of the batch is in
                reached.set()
                release.wait(HANG_S)
            return real(root_, ref)

        monkeypatch.setattr(parsing, "parse_source", gated)
        monkeypatch.setattr(parsing, "BATCH_SOURCES", 10)
        monkeypatch.setattr(parsing, "BATCH_SECONDS", float("inf"))
        monkeypatch.setattr(parsing, "PARALLEL_THRESHOLD", 1000)
        activity = record_first_args(app.lifecycle, "set_activity")
        await pilot.press(*"hawthorn")
        batch = asyncio.ensure_future(asyncio.to_thread(
            app.lifecycle._on_watch_batch, ChangeBatch(paths=paths)))
        try:
            await until(pilot, reached.is_set, "half of the batch parsed")
            await until(pilot, lambda: 0 < len(app.results.hits) < 40,
                        "the first copied notes listed while the rest are parsed")
            assert any(re.fullmatch(r"indexing (1|11|21)/40 files.*", a) for a in activity), \
                activity
        finally:
            release.set()
            await batch
        await until(pilot, lambda: len(app.results.hits) == 40, "all of them")
        await until(pilot, lambda: app.status_info.activity == "", "the progress line ends")


async def test_a_removed_folder_of_many_notes_shows_progress_though_it_is_one_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`rm -rf docs` reaches the watcher as one or a few paths, but forgets 40 notes
    over several transactions: the status line counts them as they go (TRY2 #8)."""
    root = tmp_path / "notes"
    folder = root / "docs"
    folder.mkdir(parents=True)
    (root / "README.md").write_text("# Readme\n\nhawthorn\n", encoding="utf-8")
    for i in range(40):
        (folder / f"issue-{i:02d}.md").write_text(f"# Issue {i}\n\nhawthorn\n", encoding="utf-8")
    app = make_app(app_settings(root, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        await pilot.press(*"hawthorn")
        await until(pilot, lambda: len(app.results.hits) == 41, "all notes listed")
        monkeypatch.setattr("tui.core.index.path_changes.REMOVE_CHUNK", 10)
        activity = record_first_args(app.lifecycle, "set_activity")
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()
        await asyncio.to_thread(app.lifecycle._on_watch_batch, ChangeBatch(paths={folder}))
        counts = [int(m[1]) for a in activity if (m := re.match(r"indexing (\d+)/40 files", a))]
        # Said after each chunk (and again by the once-a-second tick, as it stands).
        assert sorted(set(counts)) == [10, 20, 30, 40] and counts == sorted(counts), activity
        await until(pilot, lambda: len(app.results.hits) == 1, "only the readme is left")
        await until(pilot, lambda: app.status_info.activity == "", "the progress line ends")


async def test_the_progress_line_moves_every_second_while_a_batch_takes_long(
    tmp_path: Path,
) -> None:
    """A batch that takes long (one huge file) left `indexing 96/419 · 17 s left` on
    screen for 25 s (TRY2 #3): the line is said again each second; its estimate counts
    down (TRY4 §9: one that climbed read as a build slowing down) and, once that has
    run out with nothing done, grows at the rate so far."""
    from fake_clock import FakeClock

    root = tmp_path / "notes"
    root.mkdir()
    (root / "README.md").write_text("# Readme\n\nhello\n", encoding="utf-8")
    clock = FakeClock()
    app = make_app(app_settings(root, tmp_path, clock=clock))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        progress = app.lifecycle.progress
        progress.clock = clock
        progress.start()
        clock.advance(10.0)
        progress.update(100, 400)
        app.lifecycle.set_activity(progress.text())
        assert app.status_info.activity == "indexing 100/400 files · 30 s left"
        clock.advance(10.0)  # ten ticks, and no batch committed meanwhile
        await pilot.pause()
        assert app.status_info.activity == "indexing 100/400 files · 20 s left"
        clock.advance(25.0)  # past the estimate, still nothing: 45 s for 100 files
        await pilot.pause()
        assert app.status_info.activity == "indexing 100/400 files · 2 min 15 s left"
        app.lifecycle._batch_done(True)
        clock.advance(5.0)
        await pilot.pause()
        assert app.status_info.activity == "", "the ticks end with the indexing"
