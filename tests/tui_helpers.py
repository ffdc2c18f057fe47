"""Helpers shared by the UI tests: app settings, waiting for workers, a tmux terminal."""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tui.app import AppSettings, NotesiftApp, make_app
from tui.core.keys.actions import ActionCall

TMUX = shutil.which("tmux")
# How long a test lets the app (or a process) work before calling it a hang. Tests poll
# for what they wait for, so a generous limit costs nothing when things work and keeps
# a loaded machine (CI, parallel workers) from failing a test that was merely slow.
HANG_S = 60.0


def app_settings(root: Path, tmp_path: Path, **kw: object) -> AppSettings:
    """Settings for a test app: no watcher, cache and state inside `tmp_path`."""
    base: dict[str, object] = {
        "root": root,
        "watch": False,
        "cache_dir": tmp_path / "cache",
        "state_file": tmp_path / "state.json",
    }
    base.update(kw)
    return AppSettings(**base)  # type: ignore[arg-type]


async def settle(pilot, app: NotesiftApp) -> None:  # type: ignore[no-untyped-def]
    """Wait until no worker runs (stale searches are cancelled, which is fine)."""
    await pilot.pause()  # messages already posted (a changed prompt) are handled first
    await until(pilot, lambda: not (app.searching or any(w.is_running for w in app.workers)),
                "the searches finishing")
    await pilot.pause()


async def ready(pilot, app: NotesiftApp) -> None:  # type: ignore[no-untyped-def]
    """Wait for the first index and the first results."""
    await until(pilot, lambda: app.indexed and app.result is not None, "the first results")
    await settle(pilot, app)


async def until(pilot, condition: Callable[[], bool], what: str) -> None:  # type: ignore[no-untyped-def]
    """Let the app run until `condition` holds (`what` names it if it never does)."""
    deadline = time.monotonic() + HANG_S
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        await pilot.pause(0.02)


def record_first_args(obj: object, method: str) -> list[Any]:
    """Wrap `obj.method` so each call's first argument is recorded; the call still runs."""
    calls: list[Any] = []
    original = getattr(obj, method)

    def recording(first: Any, *args: Any, **kw: Any) -> Any:
        calls.append(first)
        return original(first, *args, **kw)

    setattr(obj, method, recording)
    return calls


def poll(condition: Callable[[], bool], what: str) -> None:
    """Wait (outside an app) until `condition` holds (`what` names it if it never does)."""
    deadline = time.monotonic() + HANG_S
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.05)


def snapshot_app(root: Path, tmp_path: Path, **kw: object) -> NotesiftApp:
    """An app pinned for layout snapshots: no watcher, one theme, user files in `tmp_path`."""
    return make_app(app_settings(root, tmp_path, theme="notesift-dark", **kw))


async def still(pilot) -> None:  # type: ignore[no-untyped-def]
    """Ready for a picture: first results in, no cursor blink, every worker finished."""
    app = pilot.app
    app.search_input.cursor_blink = False
    await ready(pilot, app)
    await pilot.pause()
    await settle(pilot, app)
    await pilot.pause()


async def type_text(pilot, app: NotesiftApp, text: str) -> None:  # type: ignore[no-untyped-def]
    """Press each character (letters, digits, spaces) and wait for the search."""
    for ch in text:
        await pilot.press("space" if ch == " " else ch)
    await settle(pilot, app)


def notesift_command() -> str:
    """The installed `notesift` next to this interpreter."""
    found = Path(sys.executable).with_name("notesift")
    return str(found) if found.exists() else (shutil.which("notesift") or "notesift")


def user_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """XDG directories inside `tmp_path`, so a run never touches the real ones."""
    return {
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "TERM": "xterm-256color",
        **extra,
    }


_terminal_numbers = itertools.count()


class Terminal:
    """A tmux session running one command, read through capture-pane."""

    def __init__(self, tmp_path: Path, command: str, env: dict[str, str] | None = None) -> None:
        self.name = f"notesift-{os.getpid()}-{next(_terminal_numbers)}"
        self.socket = str(tmp_path / "tmux.sock")
        exports = " ".join(f"{k}={v}" for k, v in (env or user_env(tmp_path)).items())
        script = f"{exports} {command}; echo EXIT=$?; sleep 30"
        self.run("new-session", "-d", "-s", self.name, "-x", "120", "-y", "40", script)

    def run(self, *args: str) -> str:
        result = subprocess.run(
            [TMUX or "tmux", "-S", self.socket, *args], capture_output=True, text=True,
            timeout=HANG_S,
        )
        return result.stdout

    def send(self, *keys: str) -> None:
        self.run("send-keys", "-t", self.name, *keys)

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", self.name)

    def wait_for(self, text: str, timeout: float = HANG_S) -> str:
        deadline = time.monotonic() + timeout
        shown = ""
        while time.monotonic() < deadline:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; screen was:\n{shown}")

    def close(self) -> None:
        self.run("kill-server")


def striped_notes(tmp_path: Path) -> Path:
    """Two small notes (okapi at line 1, zebra) the picker tests choose between."""
    root = tmp_path / "notes"
    root.mkdir()
    (root / "okapi.md").write_text(
        "# Okapi facts\n\nThe okapi has striped legs.\nIt lives in the Ituri forest.\n",
        encoding="utf-8")
    (root / "zebra.md").write_text("# Zebra\n\nAlso striped, all over.\n", encoding="utf-8")
    return root


def numbered_notes(root: Path, count: int) -> Path:
    """`n000.md`… with one plain line each, a second apart in mtime (a stable order)."""
    root.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        note = root / f"n{i:03d}.md"
        note.write_text(f"# Note {i}\n\nplain words {i}\n", encoding="utf-8")
        os.utime(note, (1_600_000_000 + i, 1_600_000_000 + i))
    return root


def record_actions(app: NotesiftApp) -> list[ActionCall]:
    """Record every action a key dispatches, and still run it."""
    calls: list[ActionCall] = []
    original = app.run_action_call

    def recording(call: ActionCall) -> None:
        calls.append(call)
        original(call)

    app.run_action_call = recording  # type: ignore[method-assign]
    return calls
