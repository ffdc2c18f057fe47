"""A launch paints on a 240 fps frame grid: Textual reads the grid once, at import.

At its default 60 a new answer waited 17-33 ms for the frame after the echo's. The
CLI once set the grid after importing the app, where Textual never read it.
"""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = """
from tui.launch import start
start()
import textual.screen
print(round(1 / textual.screen.UPDATE_PERIOD))
"""


def _grid(env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True,
                          text=True, check=True, timeout=120)
    return done.stdout.strip()


def test_a_launch_paints_at_240_fps_unless_the_user_chose_a_rate() -> None:
    env = {k: v for k, v in os.environ.items() if k != "TEXTUAL_FPS"}
    assert _grid(env) == "240"
    assert _grid({**env, "TEXTUAL_FPS": "30"}) == "30"
