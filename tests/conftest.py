"""Shared fixtures: the project's own example notes, and the optional real sample notes."""
# ruff: noqa: E402  (the imports below come after the bytecode switch, so they are cached too)

from __future__ import annotations

import gc
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

# With PYTHONDONTWRITEBYTECODE set (as on the agents' machines) every xdist worker
# would rewrite every test module's asserts and compile tui from source, and every
# CLI test's subprocess compile tui again: about 3 CPU-s a worker, each run. The
# test run keeps its bytecode in __pycache__ (gitignored), as a plain checkout does;
# the subprocesses read what the workers wrote.
sys.dont_write_bytecode = False

import pytest
import textual._wait
import textual.notifications
import textual.screen
from example_files import PROJECT_ROOT, copy_example_notes
from hypothesis import HealthCheck, settings
from textual._styles_cache import StylesCache
from tui_helpers import TMUX, Terminal

import tui.core.text.fold as fold_module
import tui.idle_gc as idle_gc_module
from tui.core.search.searchable import SearchableIndex

# Hypothesis times each example (200 ms deadline) and its data generation (the too_slow
# health check): wall-clock checks that fail a correct test on a loaded machine. Speed
# is measured in bench/, so no property test here has a deadline.
settings.register_profile(
    "notesift", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("notesift")

# Pilot.press and pause() wait for "idle" in slices of SLEEP_GRANULARITY (20 ms), three
# times a key: about 85 ms a keystroke, most of an app test's time spent asleep. Our
# tests wait for what they expect (tui_helpers.settle/until), not for idleness, so a
# 4 ms slice (and the same 5 % CPU ratio for "idle") halves the app tests' time.
textual._wait.SLEEP_GRANULARITY = 0.004
textual._wait.SLEEP_IDLE = textual._wait.SLEEP_GRANULARITY / 20.0

# Textual repaints a changed screen on a 1/60 s grid: typing a query painted nearly
# every keystroke (about 30 partial frames for a launch and ten keys, a third of an app
# test's CPU). Tests read the app's state, and Pilot's pause() still paints the current
# state before a test looks at the screen, so a 10 fps grid here drops only intermediate
# frames (the app itself runs at 240 fps, tui/launch.py). Snapshots are taken from a fresh
# full render either way.
textual.screen.UPDATE_PERIOD = 1 / 10

SHARED_SAMPLE_NOTES = PROJECT_ROOT.parent / "shared" / "sample-notes"


def pytest_collection_finish(session: pytest.Session) -> None:
    """What is imported and collected by now lives to the end: no full GC walks it again.

    Each app test leaves enough objects behind to set off a full collection or two,
    which walked every module, class and test item each time. With this and the
    fixture below, test_app.py + test_app_keys.py spent 3.8-3.9 CPU-s in the collector
    instead of 5.4-6.3 (of 18-22). (An app's idle collector would undo it, were it not
    for `_apps_leave_the_session_frozen`.)
    """
    gc.collect()
    gc.freeze()


# Dead apps kept frozen before one full collection releases them: an app's first full
# pass freezes 15-20k objects, so a few MB each.
_RELEASE_AFTER_FREEZES = 20


class _AppGc:
    """The `gc` module as an app under test sees it, with its `unfreeze` put off.

    The idle collector unfreezes before its first full pass and when the app stops:
    right in a process that is the app, but here it handed the whole test session
    (frozen above) back to the collector, and each app test's first pause walked every
    module and test item: 19 of the 24 full passes in test_app.py and
    test_results_paint.py, ~100 ms each at load 20. Everything else is `gc` itself.
    """

    freezes = 0  # by apps, since the last release

    def __getattr__(self, name: str) -> object:
        return getattr(gc, name)

    @staticmethod
    def unfreeze() -> None:
        """Put off to `_apps_leave_the_session_frozen`."""

    @staticmethod
    def freeze() -> None:
        gc.freeze()
        _AppGc.freezes += 1


@pytest.fixture(autouse=True)
def _apps_leave_the_session_frozen(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Apps under test freeze as the app does but never unfreeze; after
    `_RELEASE_AFTER_FREEZES` of their freezes one full collection frees the dead apps
    and freezes what lives on. (`gc.get_freeze_count()` walks every frozen object,
    ~8 ms: too slow to ask after each test.)"""
    monkeypatch.setattr(idle_gc_module, "gc", _AppGc())
    yield
    if _AppGc.freezes >= _RELEASE_AFTER_FREEZES:
        _AppGc.freezes = 0
        gc.unfreeze()
        gc.collect()
        gc.freeze()


@pytest.fixture(autouse=True)
def _forget_textual_style_caches() -> Iterator[None]:
    """Textual's `StylesCache.get_inner_outer` is an `lru_cache` on a method: it keeps
    up to 1,024 dead widgets' style caches (and their rendered lines) alive, which
    every later full GC walks. Emptied after each test; the next app fills it again."""
    yield
    StylesCache.get_inner_outer.cache_clear()


@pytest.fixture(autouse=True)
def _notifications_stay_while_a_test_reads_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """Textual drops a notification 5-10 s of wall time after it is raised, and tests
    read `app._notifications`: at load 24 one found the cache-damage notice gone
    (test_app_index_ops). Their clock stands still in tests, so none expires."""
    monkeypatch.setattr(textual.notifications, "time", lambda: 0.0)


@pytest.fixture
def example_notes(tmp_path: Path) -> Path:
    """A writable copy of the bundled example notes (the tracked files only)."""
    return copy_example_notes(tmp_path / "notes")


@pytest.fixture
def sample_notes(tmp_path: Path) -> Path:
    """A writable copy of ../shared/sample-notes; skips when that directory is absent."""
    if not SHARED_SAMPLE_NOTES.is_dir():
        pytest.skip("../shared/sample-notes is not present")
    dest = tmp_path / "sample-notes"
    shutil.copytree(SHARED_SAMPLE_NOTES, dest)
    # The shared copy is read-only (555/444) and copytree keeps modes: a user's own
    # notes are writable, and tagging refuses a folder or note with no write bit.
    for path in (dest, *dest.rglob("*")):
        path.chmod(path.stat().st_mode | stat.S_IWUSR)
    return dest


@pytest.fixture(autouse=True)
def _table_problems_kept_to_their_test() -> Iterator[None]:
    """A test that simulates missing pinyin/OpenCC tables leaves its warning behind in a
    process-wide list: every later test in that worker saw two warnings (snapshots and
    CLI output differed whenever xdist ran such a test first)."""
    before = list(fold_module._TABLE_PROBLEMS)
    yield
    fold_module._TABLE_PROBLEMS[:] = before


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep every test away from the real ~/.cache and ~/.config."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.delenv("NOTESIFT_DIR", raising=False)


@pytest.fixture
def terminal_for(tmp_path: Path) -> Iterator[Callable[[str], Terminal]]:
    """Start commands in tmux terminals (120×40) that are closed after the test."""
    if TMUX is None:
        pytest.skip("tmux is not installed")
    opened: list[Terminal] = []

    def start(command: str) -> Terminal:
        term = Terminal(tmp_path, command)
        opened.append(term)
        return term

    yield start
    for term in opened:
        term.close()


@pytest.fixture
def index_factory() -> Iterator[Callable[..., SearchableIndex]]:
    """Build and refresh uncached indexes of a root; all closed after the test."""
    opened: list[SearchableIndex] = []

    def build(root: Path, **options: object) -> SearchableIndex:
        index = SearchableIndex(root, use_cache=False, jobs=1, **options)  # type: ignore[arg-type]
        index.refresh()
        opened.append(index)
        return index

    yield build
    for index in opened:
        index.close()


@pytest.fixture
def xvfb_display() -> Iterator[str]:
    """A private X server for clipboard round trips (skips without Xvfb and xclip).

    Xvfb picks a free display itself and writes its number to a pipe (-displayfd), so
    parallel workers never race for one.
    """
    if shutil.which("Xvfb") is None or shutil.which("xclip") is None:
        pytest.skip("Xvfb or xclip is not installed")
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-nolisten", "tcp", "-screen", "0", "320x240x24"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, pass_fds=(write_end,),
    )
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        number = pipe.readline().strip()  # empty when Xvfb exits without a display
    try:
        if not number:
            pytest.skip("Xvfb did not start")
        yield f":{number}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
