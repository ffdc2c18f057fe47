"""End to end: a user keymap in ~/.config/notesift, used by the installed `notesift` command.

The app runs in a real terminal (tmux) so the keys travel the same way a person's
do; `notesift keys` and `notesift check` run as subprocesses with the same config.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from tui_helpers import notesift_command as _notesift
from tui_helpers import user_env as _user_env

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


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


@pytest.fixture
def user_config(tmp_path: Path) -> Path:
    """`$XDG_CONFIG_HOME/notesift/keymap.toml` binding ZQ to quit in normal mode."""
    keymap = tmp_path / "config" / "notesift" / "keymap.toml"
    keymap.parent.mkdir(parents=True)
    keymap.write_text(ZQ_KEYMAP, encoding="utf-8")
    return keymap


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
    term.wait_for("watch:")  # the whole screen is up and reads keys
    term.send("Escape")
    term.wait_for("NORMAL")
    term.send("Z", "Q")  # one write: no gap for the sequence timeout to fall into
    shown = term.wait_for("EXIT=")
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
