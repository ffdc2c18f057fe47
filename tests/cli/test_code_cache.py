"""A launch reads the code dataclasses and namedtuples generate, string annotations and
regular expressions from the tables cache.

Each check runs a fresh interpreter started as `notesift` starts (`tui.launch.start`):
the classes and patterns it defines must behave exactly as without the cache, the
second launch must compile none of them, a damaged or missing cache only means
compiling again, and a pattern compiled after the start (a search's) is not kept.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = """
import json, sys
if sys.argv[1] == "launch":
    from tui.launch import start
    start()
import collections, dataclasses, inspect, re, typing

@dataclasses.dataclass(frozen=True, order=True)
class Point:
    x: int
    tags: tuple[str, ...] = ()

@dataclasses.dataclass(slots=True)
class Box:
    name: str = "box"
    items: list[int] = dataclasses.field(default_factory=list)

class Pair(typing.NamedTuple):
    left: int
    right: str = "r"

Row = collections.namedtuple("Row", "a b")
Later = typing.Optional["Point"]
pattern = re.compile(r"(?P<word>[a-z]+)-([0-9]+)?| +", re.IGNORECASE)
found = [(m.group(), m.groupdict(), m.groups(), m.span()) for m in pattern.finditer("Ab-12 cd- ")]
byte_pattern = re.compile(rb"(?P<n>[0-9]+)")
if sys.argv[1] == "launch":
    from tui.launch import resume_collector
    resume_collector()  # the first paint: the start is over
typed = re.compile(re.escape("user typed this"))
try:
    Point(1).x = 2
    frozen = "assigned"
except dataclasses.FrozenInstanceError:
    frozen = "refused"
import tui.code_cache as cache
print(json.dumps({
    "values": [repr(Point(1, ("a",))), Point(1) == Point(1), Point(1) < Point(2), hash(Point(3)),
               repr(Box()), repr(Pair(1)), repr(Row(1, 2)), frozen, repr(Later), found,
               [pattern.pattern, pattern.flags, pattern.groups, dict(pattern.groupindex)],
               [byte_pattern.flags, byte_pattern.search(b"x42").span(), repr(byte_pattern)],
               typed.search("a user typed this") is not None],
    "signatures": [str(inspect.signature(c)) for c in (Point, Box, Pair, Row)],
    "annotations": [str(Point.__init__.__annotations__), str(Box.__init__.__annotations__)],
    "compiled": cache.compiled(), "installed": cache.installed(),
}))
"""


def _run(mode: str, cache_home: Path) -> dict[str, object]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home), "PYTHONHASHSEED": "0"}
    env.pop("NOTESIFT_NO_TABLE_CACHE", None)
    out = subprocess.run([sys.executable, "-c", SCRIPT, mode], env=env, check=True,
                         capture_output=True, text=True, timeout=120).stdout
    return json.loads(out)  # type: ignore[no-any-return]


def _behaviour(run: dict[str, object]) -> tuple[object, ...]:
    return run["values"], run["signatures"], run["annotations"]


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_cached_generated_code_behaves_as_compiled_code(tmp_path: Path, damage: str) -> None:
    plain = _run("plain", tmp_path / "plain")
    first = _run("launch", tmp_path / "xdg")
    second = _run("launch", tmp_path / "xdg")
    assert first["installed"] and second["installed"]
    assert _behaviour(first) == _behaviour(second) == _behaviour(plain)
    assert "<class 'int'>" in str(plain["annotations"])  # objects, not 'int' strings
    assert first["compiled"] > 0
    assert second["compiled"] == 0, "the second launch must find every text in the cache"
    # A pattern compiled after the start is not kept: it may hold what a user typed.
    tables = tmp_path / "xdg" / "notesift" / "tables"
    (patterns,) = tables.glob("regex-*.marshal")
    assert b"[a-z]+" in patterns.read_bytes()
    assert b"user" not in patterns.read_bytes()

    for stored in [*tables.glob("codegen-*.marshal"), patterns]:
        data = stored.read_bytes()
        stored.write_bytes(b"\x00garbage" * 10 if damage == "garbage" else data[: len(data) // 2])
    damaged = _run("launch", tmp_path / "xdg")
    assert _behaviour(damaged) == _behaviour(plain)
    assert damaged["compiled"] > 0
    assert _run("launch", tmp_path / "xdg")["compiled"] == 0  # written again, whole


def test_the_cache_is_off_when_tables_are_not_kept(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path), "NOTESIFT_NO_TABLE_CACHE": "1"}
    out = subprocess.run([sys.executable, "-c", SCRIPT, "launch"], env=env, check=True,
                         capture_output=True, text=True, timeout=120).stdout
    assert json.loads(out)["installed"] is False
    assert not (tmp_path / "notesift").exists()


APP_SCRIPT = """
import asyncio, sys
from pathlib import Path
from tui.launch import start
start()
from tui.app import AppSettings, make_app

async def main() -> None:
    root = Path(sys.argv[1])
    app = make_app(AppSettings(root=root, watch=False, cache_dir=root.parent / "index",
                               state_file=root.parent / "state.json",
                               initial_query="'zebrasecret' #privatetag"))
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(400):
            await pilot.pause(0.02)
            if app.result is not None and app.result.hits:
                break
        assert app.result is not None and app.result.hits, "the query found its note"

asyncio.run(main())
"""


def test_a_query_given_at_launch_is_not_kept_in_the_pattern_cache(tmp_path: Path) -> None:
    """The first answer is painted before the start is over (REVIEW3 #2): what a user
    searched for, and the tags of the notes it showed, were written to the cache."""
    root = tmp_path / "notes"
    root.mkdir()
    (root / "n.md").write_text("# Zoo #privatetag\n\nthe zebrasecret is here\n",
                               encoding="utf-8")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    for _ in range(2):  # the second launch reads the cache the first wrote
        subprocess.run([sys.executable, "-c", APP_SCRIPT, str(root)], env=env, check=True,
                       capture_output=True, text=True, timeout=120)
    tables = tmp_path / "xdg" / "notesift" / "tables"
    kept = b"".join(p.read_bytes() for p in tables.glob("regex-*.marshal"))
    assert kept, "patterns of the start are kept"
    assert b"zebrasecret" not in kept and b"privatetag" not in kept


def test_a_full_table_keeps_what_was_used_and_stored_without_an_error_at_exit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Past MAX_ENTRIES the table is cut to what this process used; a pattern used
    after the start was never stored, and cutting raised KeyError at every exit
    (REVIEW3 #3)."""
    from tui import code_cache
    from tui.core.text import table_cache

    saved: list[dict[tuple[object, ...], object]] = []
    monkeypatch.setattr(table_cache, "store_table",
                        lambda name, sources, table, stamp=None: saved.append(table))
    table = code_cache._Table("regex-test", tuple)
    table.items = {(f"p{i}", 0): (0,) for i in range(code_cache.MAX_ENTRIES + 1)}
    table.used = {("p1", 0), ("typed by a user", 0)}
    table.added = 1
    table.save()
    assert saved == [{("p1", 0): (0,)}]
