"""End to end: the installed `notesift` command in a real terminal (tmux)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

TMUX = shutil.which("tmux")


def _notesift() -> str:
    found = Path(sys.executable).with_name("notesift")
    return str(found) if found.exists() else (shutil.which("notesift") or "notesift")


class Terminal:
    """A tmux session running one command, read through capture-pane."""

    def __init__(self, tmp_path: Path, command: str) -> None:
        self.name = f"notesift-e2e-{os.getpid()}-{int(time.time() * 1000) % 100000}"
        self.socket = str(tmp_path / "tmux.sock")
        env = {
            "XDG_CACHE_HOME": str(tmp_path / "cache"),
            "XDG_CONFIG_HOME": str(tmp_path / "config"),
            "XDG_STATE_HOME": str(tmp_path / "state"),
            "TERM": "xterm-256color",
        }
        exports = " ".join(f"{k}={v}" for k, v in env.items())
        script = f"{exports} {command}; echo EXIT=$?; sleep 30"
        self._tmux("new-session", "-d", "-s", self.name, "-x", "120", "-y", "40", script)

    def _tmux(self, *args: str) -> str:
        result = subprocess.run(
            [TMUX or "tmux", "-S", self.socket, *args], capture_output=True, text=True, timeout=10
        )
        return result.stdout

    def send(self, *keys: str) -> None:
        self._tmux("send-keys", "-t", self.name, *keys)

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", self.name)

    def wait_for(self, text: str, timeout: float = 10.0) -> str:
        deadline = time.monotonic() + timeout
        shown = ""
        while time.monotonic() < deadline:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; screen was:\n{shown}")

    def close(self) -> None:
        self._tmux("kill-server")


@pytest.fixture
def terminal_for(tmp_path: Path):  # type: ignore[no-untyped-def]
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


def test_find_a_tweet_preview_it_and_quit(terminal_for, example_notes: Path) -> None:  # type: ignore[no-untyped-def]
    term = terminal_for(f"{_notesift()} {example_notes}")
    term.wait_for("INSERT")
    term.wait_for("watch:")
    started = time.monotonic()
    term.send("kind:tweet likes:>1000")
    term.wait_for("♥", timeout=5)
    term.wait_for("https://x.com/", timeout=5)  # the preview shows the tweet's link
    assert time.monotonic() - started < 5
    term.send("C-q")
    term.wait_for("EXIT=0")


def test_live_updates_in_the_running_app(terminal_for, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "notes"
    root.mkdir()
    (root / "seed.md").write_text("# Seed\n\nfirst note\n", encoding="utf-8")
    term = terminal_for(f"{_notesift()} {root}")
    term.wait_for("watch:native")
    term.send("okapi")
    term.wait_for("0/")
    note = root / "okapi.md"
    note.write_text("# Okapi facts\n\nstriped legs\n", encoding="utf-8")
    term.wait_for("Okapi facts", timeout=3)
    backup = root / "okapi.md~"
    os.rename(note, backup)
    note.write_text("# Okapi revised\n\nstill striped\n", encoding="utf-8")
    backup.unlink()
    shown = term.wait_for("Okapi revised", timeout=3)
    assert "okapi.md~" not in shown
    note.unlink()
    deadline = time.monotonic() + 3
    while "Okapi" in term.screen() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "Okapi revised" not in term.screen()
    term.send("C-q")
    term.wait_for("EXIT=0")
