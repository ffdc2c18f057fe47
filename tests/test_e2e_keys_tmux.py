"""End to end: a user keymap in ~/.config/notesift, used by the installed `notesift` command.

The app runs in a real terminal (tmux) so the keys travel the same way a person's
do; `notesift keys` and `notesift check` run as subprocesses with the same config.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

TMUX = shutil.which("tmux")

ZQ_KEYMAP = """\
# my keys
[[keys]]
keys = "ZQ"
action = "quit"
mode = "normal"
desc = "Quit without fuss"
"""

BAD_KEYMAP = """\
# a typo in the action name
[[keys]]
keys = "ZQ"
action = "qiut"
mode = "normal"
"""


def _notesift() -> str:
    found = Path(sys.executable).with_name("notesift")
    return str(found) if found.exists() else (shutil.which("notesift") or "notesift")


def _user_env(tmp_path: Path) -> dict[str, str]:
    return {
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "TERM": "xterm-256color",
    }


@pytest.fixture
def user_config(tmp_path: Path) -> Path:
    """`$XDG_CONFIG_HOME/notesift/keymap.toml` binding ZQ to quit in normal mode."""
    keymap = tmp_path / "config" / "notesift" / "keymap.toml"
    keymap.parent.mkdir(parents=True)
    keymap.write_text(ZQ_KEYMAP, encoding="utf-8")
    return keymap


class Terminal:
    """A tmux session running one command, read through capture-pane."""

    def __init__(self, tmp_path: Path, command: str) -> None:
        self.name = f"notesift-keys-{os.getpid()}-{int(time.time() * 1000) % 100000}"
        self.socket = str(tmp_path / "tmux.sock")
        exports = " ".join(f"{k}={v}" for k, v in _user_env(tmp_path).items())
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


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **_user_env(tmp_path)}
    env.pop("NOTESIFT_DIR", None)
    return subprocess.run(
        [_notesift(), *args], capture_output=True, text=True, timeout=60, env=env
    )


def test_user_keymap_ZQ_quits_the_running_app(  # type: ignore[no-untyped-def]
    terminal_for, user_config: Path, example_notes: Path
) -> None:
    term = terminal_for(f"{_notesift()} --no-watch {example_notes}")
    term.wait_for("INSERT")
    time.sleep(0.3)
    term.send("Escape")
    term.wait_for("NORMAL", timeout=5)
    term.send("Z")
    time.sleep(0.1)
    term.send("Q")
    shown = term.wait_for("EXIT=", timeout=5)
    assert "EXIT=0" in shown, shown


def test_keys_markdown_lists_the_user_binding_and_the_leader(
    tmp_path: Path, user_config: Path
) -> None:
    result = _run(tmp_path, "keys", "--format", "markdown")
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", "a good keymap prints no problems"
    lines = result.stdout.splitlines()
    assert "| `ZQ` | normal | Quit without fuss | quit |" in lines
    assert any(line.startswith("| `<leader>tr` |") and "tag_remove" in line for line in lines)
    assert any(line.startswith("| `<leader>w` |") for line in lines)
    assert any(line.startswith("| `<M-a>` |") and "Leader" in line for line in lines)


def test_check_points_at_a_misspelt_action(tmp_path: Path, user_config: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(BAD_KEYMAP, encoding="utf-8")
    line = BAD_KEYMAP.splitlines().index('action = "qiut"') + 1
    col = BAD_KEYMAP.splitlines()[line - 1].index('"qiut"') + 1
    result = _run(tmp_path, "check", "--keymap", str(bad))
    assert result.returncode != 0
    out = result.stdout + result.stderr
    assert f"{bad}:{line}:{col}:" in out, out
    assert re.search(r"did you mean 'quit'", out), out


def test_check_accepts_the_user_keymap(tmp_path: Path, user_config: Path) -> None:
    result = _run(tmp_path, "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "keymap.toml" in result.stdout
