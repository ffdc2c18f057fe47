"""End to end: `yl` in the real app copies a tweet's link (X clipboard, or OSC 52)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from tui_helpers import HANG_S, Terminal, poll
from tui_helpers import notesift_command as _notesift
from tui_helpers import user_env as _user_env

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

QUERY = "kind:tweet likes:>1000"


def _first_url(root: Path, env: dict[str, str]) -> str:
    out = subprocess.run(
        [_notesift(), "search", "--dir", str(root), "--json", "--limit", "1", QUERY],
        capture_output=True, text=True, env={**os.environ, **env}, check=True,
    ).stdout
    return json.loads(out.splitlines()[0])["url"]


def test_yl_puts_the_tweet_url_on_the_x_clipboard(
    xvfb_display: str, example_notes: Path, tmp_path: Path
) -> None:
    if shutil.which("tmux") is None:
        pytest.skip("needs tmux")
    env = _user_env(tmp_path, DISPLAY=xvfb_display)
    url = _first_url(example_notes, env)
    term = Terminal(tmp_path, f"{_notesift()} {example_notes}", env)
    try:
        term.wait_for("watch:")
        term.send("-l", QUERY)
        term.wait_for("♥")
        term.send("Escape")
        term.wait_for("NORMAL")
        term.send("y", "l")
        term.wait_for("via xclip")
        pasted = subprocess.run(
            ["xclip", "-o", "-selection", "clipboard"], capture_output=True, text=True,
            env={**os.environ, "DISPLAY": xvfb_display}, timeout=HANG_S,
        ).stdout
        assert pasted == url
        term.send("C-q")
        term.wait_for("EXIT=0")
    finally:
        term.close()


def _copy_link_in_tmux(term: Terminal, tmux_options: dict[str, str], expect: str) -> str:
    """Copy the first tweet's link (`yl`) and return the notice once it says `expect`."""
    for name, value in tmux_options.items():
        term.run("set", "-g", name, value)
    term.wait_for("watch:")
    term.send("-l", QUERY)
    term.wait_for("♥")
    term.send("Escape")
    term.wait_for("NORMAL")  # ESC then y at once is what terminals send for Alt+y
    term.send("y", "l")
    term.wait_for("Copied")
    poll(lambda: expect in _notice(term.screen()), f"a notice saying {expect!r}")
    return _notice(term.screen())


def _notice(screen: str) -> str:
    """The toast's text, its wrapped lines joined (it sits right of a `▌` bar)."""
    parts = [line.rsplit("▌", 1)[1] for line in screen.splitlines() if "▌" in line]
    text = " ".join(parts).translate({ord(ch): " " for ch in "▁▂▃▄▅▆▇█"})
    return " ".join(text.split())  # scrollbar blocks and wrapping gone


def _tmux_buffer(term: Terminal) -> str:
    return term.run("show-buffer") if term.run("list-buffers").strip() else ""


@pytest.mark.parametrize("set_clipboard", ["off", "external"])
def test_in_tmux_that_drops_osc52_the_link_goes_to_its_buffer_and_the_notice_says_so(
    set_clipboard: str, example_notes: Path, tmp_path: Path
) -> None:
    """tmux 3.3's defaults (and `off`) never let an application's OSC 52 out."""
    if shutil.which("tmux") is None:
        pytest.skip("needs tmux")
    env = _user_env(tmp_path, DISPLAY="", WAYLAND_DISPLAY="")
    url = _first_url(example_notes, env)
    term = Terminal(tmp_path, f"{_notesift()} {example_notes}", env)
    try:
        shown = _copy_link_in_tmux(
            term, {"set-clipboard": set_clipboard, "allow-passthrough": "off"},
            "tmux's paste buffer",
        )
        assert "tmux's paste buffer" in shown and "OSC 52" not in shown
        assert _tmux_buffer(term) == url  # what the notice says really happened
    finally:
        term.close()


def test_in_tmux_with_set_clipboard_on_osc52_reaches_tmux(
    example_notes: Path, tmp_path: Path
) -> None:
    """With `set-clipboard on` tmux takes the OSC 52 itself (and keeps it as a buffer)."""
    if shutil.which("tmux") is None:
        pytest.skip("needs tmux")
    env = _user_env(tmp_path, DISPLAY="", WAYLAND_DISPLAY="")
    url = _first_url(example_notes, env)
    term = Terminal(tmp_path, f"{_notesift()} {example_notes}", env)
    try:
        shown = _copy_link_in_tmux(term, {"set-clipboard": "on", "allow-passthrough": "off"},
                                   "via OSC 52 (tmux: set-clipboard on)")
        assert "via OSC 52 (tmux: set-clipboard on)" in shown
        poll(lambda: _tmux_buffer(term) == url, "the link in tmux's buffer")
    finally:
        term.close()
