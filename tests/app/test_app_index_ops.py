"""The app's index life: results during a cold build, progress, the watcher's state,
a root that moves away and comes back, a rebuild from scratch, a healed cache."""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
from tui_helpers import HANG_S, app_settings, numbered_notes, ready, record_first_args, until

import tui.app as app_module
import tui.core.index.parsing as index_module
from tui.app import NotesiftApp, make_app
from tui.app_index import IndexLifecycle
from tui.core.index.cachefile import file_identity
from tui.core.keys.actions import ActionCall
from tui.core.search.searchable import SearchableIndex

pytestmark = pytest.mark.asyncio


_notes = numbered_notes


class Gate:
    """Holds the build after `after` parsed files until released."""

    def __init__(self, after: int) -> None:
        self.after = after
        self.parsed = 0
        self.reached = threading.Event()
        self.opened = threading.Event()

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        real = index_module.parse_source

        def gated(root: Path, ref: index_module.SourceRef) -> index_module.PreparedSource:
            if self.parsed == self.after:
                self.reached.set()
                self.opened.wait(HANG_S)
            self.parsed += 1
            return real(root, ref)

        monkeypatch.setattr(index_module, "parse_source", gated)
        monkeypatch.setattr(index_module, "BATCH_SOURCES", 10)
        monkeypatch.setattr(index_module, "MAX_BATCH_SOURCES", 10)
        # Batches by count only: a slow machine would also flush every BATCH_SECONDS,
        # and "20/40 files" would then never be what the status line says.
        monkeypatch.setattr(index_module, "BATCH_SECONDS", float("inf"))
        monkeypatch.setattr(index_module, "FIRST_BATCH_SECONDS", float("inf"))


def _titles(app: NotesiftApp) -> list[str]:
    return [h.entry.title for h in app.results.hits]


async def test_typing_during_a_cold_build_finds_what_is_indexed_so_far(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _notes(tmp_path / "notes", 40)
    (root / "n039.md").write_text("# Quince jelly\n\nnewest note\n", encoding="utf-8")
    os.utime(root / "n039.md", (1_700_000_000, 1_700_000_000))  # newest: indexed first
    gate = Gate(after=20)
    gate.install(monkeypatch)
    app = make_app(app_settings(root, tmp_path, jobs=1))
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, gate.reached.is_set, "the build reached the gate")
        await until(pilot, lambda: "indexing 20/40 files" in app.status_info.activity,
                     "progress in the status line")
        for key in "quince":
            await pilot.press(key)
        await until(pilot, lambda: _titles(app) == ["Quince jelly"], "a result mid-build")
        assert not app.indexed
        gate.opened.set()
        await until(pilot, lambda: app.indexed, "the build ended")
        await until(pilot, lambda: app.status_info.activity == "", "progress cleared")


async def test_a_note_written_during_the_build_is_indexed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _notes(tmp_path / "notes", 30)
    gate = Gate(after=5)
    gate.install(monkeypatch)
    app = make_app(app_settings(root, tmp_path, jobs=1, watch=True))
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, gate.reached.is_set, "the build reached the gate")
        await until(pilot, lambda: app.watcher is not None and app.watcher.is_alive(),
                     "the watcher runs before the walk ends")
        (root / "late.md").write_text("# Medlar tart\n\nwritten mid-build\n", encoding="utf-8")
        await pilot.pause(0.5)  # the event arrives while the build is still held
        gate.opened.set()
        await until(pilot, lambda: app.indexed, "the build ended")
        for key in "medlar":
            await pilot.press(key)
        await until(pilot, lambda: _titles(app) == ["Medlar tart"], "the late note found")


async def test_watch_state_says_starting_until_the_watcher_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _notes(tmp_path / "notes", 3)
    app = make_app(app_settings(root, tmp_path, watch=True))
    assert app.status_info.watch == "off"  # nothing computed yet
    started = threading.Event()
    monkeypatch.setattr(IndexLifecycle, "start_watcher",
                        lambda self, index: started.set())
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, started.is_set, "the app tried to start the watcher")
        assert app.status_info.watch == "starting"
    off = make_app(app_settings(root, tmp_path, watch=False))
    async with off.run_test(size=(120, 40)) as pilot:
        await ready(pilot, off)
        assert off.status_info.watch == "off"


async def test_a_root_that_moves_away_and_comes_back_is_followed(tmp_path: Path) -> None:
    root = _notes(tmp_path / "notes", 5)
    opened: list[list[str]] = []
    app = make_app(app_settings(root, tmp_path, editor_runner=lambda argv: opened.append(argv)
                                or 0))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        assert len(app.results.hits) == 5
        moved = tmp_path / "elsewhere"
        root.rename(moved)
        await until(pilot, lambda: "is gone" in app.status_info.alert, "the status says so")
        assert len(app.results.hits) == 5  # what was indexed stays listed
        app.run_action_call(ActionCall("open_in_editor"))
        await pilot.pause()
        assert opened == []
        notices = [n.message for n in app._notifications]
        assert any("is gone" in message for message in notices)
        (moved / "back.md").write_text("# Back again\n\nreturned\n", encoding="utf-8")
        moved.rename(root)
        await until(pilot, lambda: app.status_info.alert == "", "the alert cleared")
        await until(pilot, lambda: len(app.results.hits) == 6, "the new note picked up")
        app.run_action_call(ActionCall("open_in_editor"))
        assert len(opened) == 1


async def test_the_watch_state_says_gone_while_the_root_is_away(tmp_path: Path) -> None:
    root = _notes(tmp_path / "notes", 3)
    app = make_app(app_settings(root, tmp_path, watch=True))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        await until(pilot, lambda: app.status_info.watch in ("native", "polling"), "watching")
        moved = tmp_path / "elsewhere"
        root.rename(moved)
        await until(pilot, lambda: app.status_info.watch == "gone", "watch:gone")
        assert "watch:gone" in str(app.status.render())
        moved.rename(root)
        await until(pilot, lambda: app.status_info.watch in ("native", "polling"),
                    "watching again")
        (root / "later.md").write_text("# Written after the return\n\nseen\n",
                                       encoding="utf-8")
        await until(pilot, lambda: len(app.results.hits) == 4, "the watcher sees new notes")


async def test_reindex_rebuilds_the_cache_from_scratch(tmp_path: Path) -> None:
    root = _notes(tmp_path / "notes", 12)
    app = make_app(app_settings(root, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        assert app.index is not None and app.index.cache_path is not None
        before = file_identity(app.index.cache_path)
        activity = record_first_args(app.lifecycle, "set_activity")
        app.run_action_call(ActionCall("reindex"))
        await until(pilot, lambda: any("12/12" in a for a in activity), "rebuild progress")
        await until(pilot, lambda: app.status_info.activity == "", "the rebuild ended")
        assert file_identity(app.index.cache_path) != before
        await until(pilot, lambda: len(app.results.hits) == 12, "the rebuilt list")
        assert app.keymap.keys_for("reindex"), "reindex has a default key"


async def test_a_cache_damaged_under_a_running_app_heals_with_one_notice(
    tmp_path: Path,
) -> None:
    root = _notes(tmp_path / "notes", 120)
    app = make_app(app_settings(root, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        assert app.index is not None and app.index.cache_path is not None
        path = app.index.cache_path
        checkpoint = sqlite3.connect(path)  # every page into the main file, then damage it
        checkpoint.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        checkpoint.close()
        with path.open("r+b") as handle:  # every page but the header
            size = path.stat().st_size
            for offset in range(4096, size, 4096):
                handle.seek(offset)
                handle.write(b"\xa5" * 4096)
        app.index.store._entries.clear()
        for key in "words":
            await pilot.press(key)
        await until(pilot, lambda: len(app.results.hits) >= 50, "results after healing")

        def damaged() -> list[str]:
            return [n.message for n in app._notifications if "damaged" in n.message]

        # The notice is said by the next shared-state poll (every 0.5 s), which can
        # come after the healed results: wait for it, then check it was said once.
        await until(pilot, lambda: len(damaged()) >= 1, "the damage notice")
        await until(pilot, lambda: app.status_info.activity == "", "the refill ended")
        assert len(damaged()) == 1


async def test_an_app_without_a_watcher_follows_what_another_process_indexed(
    tmp_path: Path,
) -> None:
    """The second TUI learns of the first one's writes from the shared cache alone."""
    root = _notes(tmp_path / "notes", 4)
    app = make_app(app_settings(root, tmp_path))  # watch=False
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        (root / "other.md").write_text("# Written elsewhere\n\nby another\n", encoding="utf-8")
        other = SearchableIndex(root, cache_dir=tmp_path / "cache", jobs=1)
        other.update_path(root / "other.md")
        other.close()
        await until(pilot, lambda: "Written elsewhere" in _titles(app), "the app followed")
        assert app.status_info.total == 5


async def test_the_cursor_stays_on_the_first_row_while_a_build_streams_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Newest files are indexed first but may list below older ones (one day, sorted by
    name): the cursor stays on the top row, as fzf's does, until the user moves it."""
    root = _notes(tmp_path / "notes", 40)
    gate = Gate(after=20)
    gate.install(monkeypatch)
    app = make_app(app_settings(root, tmp_path, jobs=1))
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, gate.reached.is_set, "the build reached the gate")
        await until(pilot, lambda: bool(app.results.hits), "the first files listed")
        first_listed = app.results.hits[0].entry.title
        gate.opened.set()
        await until(pilot, lambda: app.indexed and "Note 0" in _titles(app), "the whole build")
        await until(pilot, lambda: app.results.hits[0].entry.title != first_listed,
                    "older files listed above")
        assert app.results.highlighted == 0
        assert app.preview.shown_id == app.results.hits[0].entry.id
        # Once the user moves, the cursor follows the entry it is on.
        await pilot.press("escape", "j")
        chosen = app.results.current.entry.id  # type: ignore[union-attr]
        (root / "n000.md").write_text("# Note 0\n\nplain words 0, edited\n", encoding="utf-8")
        os.utime(root / "n000.md", (1_600_000_100, 1_600_000_100))
        app.lifecycle.refresh_paths(["n000.md"])
        await until(pilot, lambda: any("edited" in h.entry.text for h in app.results.hits),
                    "the edit listed")
        assert app.results.current.entry.id == chosen  # type: ignore[union-attr]


async def test_the_owners_tell_the_status_line_without_a_poll_or_a_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A watcher that falls back to polling and a note that turns unreadable both reach
    the status line by themselves: no key pressed, and the half-second check of the
    shared cache (which used to re-read them) held off for the whole test."""
    monkeypatch.setattr(app_module, "SHARED_POLL_S", 3600.0)
    root = _notes(tmp_path / "notes", 3)
    app = make_app(app_settings(root, tmp_path, watch=True))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        await until(pilot, lambda: app.status_info.watch == "native", "watching natively")
        assert app.status_info.warnings == 0
        watcher = app.watcher
        assert watcher is not None and watcher._observer is not None
        watcher._observer.stop()  # the inotify thread dies, as when the kernel says no
        await until(pilot, lambda: app.status_info.watch == "polling", "watch:polling")
        assert "watch:polling" in str(app.status.render())
        await until(pilot, lambda: app.status_info.warnings == 1, "the fallback is a warning")
        assert "polling for changes" in app.warnings()[0]
        (root / "n001.md").write_bytes(b"\x00\x01\x02PNG" * 100)  # now binary: skipped
        await until(pilot, lambda: app.status_info.warnings == 2, "the skipped note counted")
        assert any("n001.md" in line for line in app.warnings()), app.warnings()
        assert "⚠ 2 warnings" in str(app.status.render())


async def test_a_root_replaced_between_two_polls_is_watched_again(tmp_path: Path) -> None:
    """Moved away and back at once: only the watcher saw the folder go. Its watch was
    on the old folder and its `was removed or moved` warning stayed for 30 min (TRY5 §7)."""
    root = _notes(tmp_path / "notes", 3)
    app = make_app(app_settings(root, tmp_path, watch=True))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        await until(pilot, lambda: app.status_info.watch in ("native", "polling"), "watching")
        first = app.watcher
        spare = tmp_path / "spare"
        shutil.copytree(root, spare)
        shutil.rmtree(root)  # deleted, and a copy put in its place before any poll looked
        spare.rename(root)
        await until(pilot, lambda: app.watcher is not first, "a new watch")
        await until(pilot, lambda: not app.status_info.warning_lines.watcher, "no stale warning")
        (root / "later.md").write_text("# Written after the return\n\nseen\n",
                                       encoding="utf-8")
        await until(pilot, lambda: len(app.results.hits) == 4, "the new watch sees new notes")
