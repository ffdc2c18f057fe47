"""A launch reads Textual's parsed stylesheets from the tables cache (`tui.css_cache`).

Each check runs a fresh interpreter started as `notesift` starts: an app's screen and
its widgets' styles must be exactly what parsing gives, the second launch must parse
none of its CSS, and a damaged table only means parsing again.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import asyncio, json, sys
if sys.argv[1] == "launch":
    from tui.launch import start
    start()
    from tui import css_cache
    css_cache.install()
from textual.app import App
from textual.containers import Vertical
from textual.widgets import Static

class Box(Static):
    DEFAULT_CSS = '''
    Box { border: round $accent; padding: 0 1; &.hot { background: $error 30%; } }
    '''

class Demo(App):
    CSS = '''
    Screen { layout: vertical; }
    #top { height: 3; color: $text-muted; text-style: bold italic; }
    Vertical > Box:focus { border: heavy $primary; }
    .wide { width: 1fr; margin: 1 2; }
    '''
    def compose(self):
        with Vertical():
            yield Box("first", id="top")
            yield Box("second", classes="hot wide")

async def main():
    app = Demo()
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        styles = [[str(getattr(w.styles, name)) for name in
                   ("background", "color", "border", "padding", "margin", "width", "height",
                    "text_style")] for w in app.query(Box)]
        shot = app.export_screenshot()
    from tui import css_cache
    print(json.dumps({"styles": styles, "shot": shot, "parsed": css_cache.parsed()}))

asyncio.run(main())
"""


def _run(mode: str, cache_home: Path) -> dict[str, object]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home), "PYTHONHASHSEED": "0"}
    env.pop("NOTESIFT_NO_TABLE_CACHE", None)
    out = subprocess.run([sys.executable, "-c", SCRIPT, mode], env=env, check=True,
                         capture_output=True, text=True, timeout=120).stdout
    return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_kept_stylesheets_style_the_screen_as_parsed_ones(tmp_path: Path) -> None:
    plain = _run("plain", tmp_path / "plain")
    first = _run("launch", tmp_path / "xdg")
    second = _run("launch", tmp_path / "xdg")
    assert plain["parsed"] == 0, "an app started otherwise (tests) parses as Textual does"
    assert first["parsed"] > 0
    assert second["parsed"] == 0, "the second launch must find every text in the table"
    for run in (first, second):
        assert run["styles"] == plain["styles"]
        assert run["shot"] == plain["shot"]

    (stored,) = (tmp_path / "xdg" / "notesift" / "tables").glob("textualcss-*.marshal")
    stored.write_bytes(stored.read_bytes()[:200])
    damaged = _run("launch", tmp_path / "xdg")
    assert (damaged["styles"], damaged["shot"]) == (plain["styles"], plain["shot"])
    assert damaged["parsed"] > 0
