"""Frecency: recent, frequent uses rank first; state survives restarts and stays bounded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui.core.frecency import Frecency, default_path

DAY = 86_400.0
NOW = 1_750_000_000.0


def test_recent_beats_old_and_frequent_beats_rare(tmp_path: Path) -> None:
    f = Frecency(tmp_path / "f.json")
    for _ in range(3):
        f.record("old", NOW - 200 * DAY)
    f.record("recent", NOW - 1 * DAY)
    f.record("often", NOW - 2 * DAY)
    f.record("often", NOW - 1 * DAY)
    scores = f.scores(NOW)
    assert scores["often"] > scores["recent"] > scores["old"]
    assert f.top(2, NOW) == ["often", "recent"]
    assert f.top(0, NOW) == []


def test_scores_decay_with_time(tmp_path: Path) -> None:
    f = Frecency(tmp_path / "f.json")
    f.record("a", NOW)
    values = [f.scores(NOW + d * DAY)["a"] for d in (0, 10, 20, 60, 365)]
    assert values == sorted(values, reverse=True) and values[0] > values[-1]


def test_ties_go_to_the_most_recent(tmp_path: Path) -> None:
    f = Frecency(tmp_path / "f.json")
    f.record("b", NOW - 2 * DAY)
    f.record("a", NOW - 1 * DAY)
    assert f.top(2, NOW) == ["a", "b"]


def test_persists_atomically_and_reloads(tmp_path: Path) -> None:
    path = tmp_path / "state" / "frecency.json"
    f = Frecency(path)
    f.record("x.md", NOW)
    f.record("x.md#H", NOW - DAY)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["entries"]["x.md"]["count"] == 1
    again = Frecency(path)
    assert again.scores(NOW) == f.scores(NOW)
    assert [p.name for p in path.parent.iterdir()] == ["frecency.json"]


def test_bounded_size(tmp_path: Path) -> None:
    f = Frecency(tmp_path / "f.json")
    for i in range(1005):
        f.record(f"id{i}", NOW + i, save=False)
    f.save()
    assert len(f) == 1000
    assert "id1004" in f and "id0" not in f
    assert len(Frecency(tmp_path / "f.json")) == 1000


def test_damaged_file_starts_afresh(tmp_path: Path) -> None:
    path = tmp_path / "f.json"
    path.write_text("{oops", encoding="utf-8")
    assert len(Frecency(path)) == 0
    path.write_text(json.dumps({"entries": {"a": {"count": "x"}, "b": 3}}), encoding="utf-8")
    f = Frecency(path)
    assert len(f) == 0
    f.record("c", NOW)
    assert f.top(5, NOW) == ["c"]


def test_default_path_is_under_the_state_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "st"))
    assert default_path() == tmp_path / "st" / "notesift" / "frecency.json"
    Frecency().record("a", NOW)
    assert (tmp_path / "st" / "notesift" / "frecency.json").is_file()
