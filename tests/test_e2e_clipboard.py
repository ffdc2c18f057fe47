"""End to end: `yl` in the real app copies a tweet's link (X clipboard, or OSC 52)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

NEEDED = ("tmux", "Xvfb", "xclip")
QUERY = "kind:tweet likes:>1000"


def _notesift() -> str:
    found = Path(sys.executable).with_name("notesift")
    return str(found) if found.exists() else "notesift"


@pytest.fixture
def xvfb_display() -> Iterator[str]:
    if any(shutil.which(tool) is None for tool in NEEDED):
        pytest.skip("needs tmux, Xvfb and xclip")
    number = next(n for n in range(90, 140) if not Path(f"/tmp/.X11-unix/X{n}").exists())
    server = subprocess.Popen(
        ["Xvfb", f":{number}", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while not Path(f"/tmp/.X11-unix/X{number}").exists():
        if time.monotonic() > deadline:
            server.kill()
            pytest.skip("Xvfb did not start")
        time.sleep(0.05)
    yield f":{number}"
    server.terminate()
    server.wait(timeout=5)


class Tmux:
    def __init__(self, tmp_path: Path, env: dict[str, str], command: str) -> None:
        self.socket = str(tmp_path / "tmux.sock")
        exports = " ".join(f"{k}={v}" for k, v in env.items())
        self.run("new-session", "-d", "-s", "t", "-x", "120", "-y", "40",
                 f"{exports} {command}; echo EXIT=$?; sleep 30")

    def run(self, *args: str) -> str:
        return subprocess.run(["tmux", "-S", self.socket, *args], capture_output=True,
                              text=True, timeout=10).stdout

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "t")

    def wait_for(self, text: str, timeout: float = 10) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared:\n{self.screen()}")


def _first_url(root: Path, env: dict[str, str]) -> str:
    out = subprocess.run(
        [_notesift(), "search", "--dir", str(root), "--json", "--limit", "1", QUERY],
        capture_output=True, text=True, env={**os.environ, **env}, check=True,
    ).stdout
    return json.loads(out.splitlines()[0])["url"]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "TERM": "xterm-256color",
        **extra,
    }


def test_yl_puts_the_tweet_url_on_the_x_clipboard(
    xvfb_display: str, example_notes: Path, tmp_path: Path
) -> None:
    env = _env(tmp_path, DISPLAY=xvfb_display)
    url = _first_url(example_notes, env)
    term = Tmux(tmp_path, env, f"{_notesift()} {example_notes}")
    try:
        term.wait_for("watch:")
        term.run("send-keys", "-t", "t", "-l", QUERY)
        term.wait_for("♥")
        term.run("send-keys", "-t", "t", "Escape")
        term.wait_for("NORMAL")
        term.run("send-keys", "-t", "t", "y", "l")
        term.wait_for("via xclip")
        pasted = subprocess.run(
            ["xclip", "-o", "-selection", "clipboard"], capture_output=True, text=True,
            env={**os.environ, "DISPLAY": xvfb_display}, timeout=5,
        ).stdout
        assert pasted == url
        term.run("send-keys", "-t", "t", "C-q")
        term.wait_for("EXIT=0")
    finally:
        term.run("kill-server")


def test_without_a_display_yl_copies_via_osc52(example_notes: Path, tmp_path: Path) -> None:
    if shutil.which("tmux") is None:
        pytest.skip("needs tmux")
    env = _env(tmp_path, DISPLAY="", WAYLAND_DISPLAY="")
    term = Tmux(tmp_path, env, f"{_notesift()} {example_notes}")
    try:
        term.wait_for("watch:")
        term.run("send-keys", "-t", "t", "-l", QUERY)
        term.wait_for("♥")
        term.run("send-keys", "-t", "t", "Escape")
        term.wait_for("NORMAL")  # ESC then y at once is what terminals send for Alt+y
        term.run("send-keys", "-t", "t", "y", "l")
        shown = term.wait_for("OSC 52")
        assert "Copied" in shown
    finally:
        term.run("kill-server")
