"""Many writers on one notes root, as real processes: no tag and no editor save is lost.

Taggers go through `TagStore` (the root's lock, then an exchange); the editor
processes do not know the lock, exactly like vim or VS Code.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tui.core import safe_write
from tui.core.ingest.frontmatter import parse_front_matter
from tui.core.ingest.note_parser import parse_note
from tui.core.tags.tagstore import TagStore
from tui.core.text.decoding import decode_bytes

NOTES = 5
TAGGERS = 12
EDITS = 40
FORK = multiprocessing.get_context("fork")


def _write_notes(root: Path, front_matter: bool = True) -> list[str]:
    names = []
    for k in range(NOTES):
        head = f"---\ntitle: Note {k}\ntags: [base]\n---\n" if front_matter else ""
        (root / f"n{k}.md").write_text(f"{head}# Head {k}\n\nbody {k}\n", encoding="utf-8")
        names.append(f"n{k}.md")
    return names


def _tagger(root: str, tag: str, names: list[str], results: multiprocessing.Queue) -> None:
    store = TagStore(Path(root))
    reported = []
    for name in names:
        text = (Path(root) / name).read_text(encoding="utf-8")
        entry = parse_note(name, text).entries[0]
        change = store.add(entry, tag)
        reported.append(name if change.ok else f"{name} refused: {change.message}")
    results.put((tag, reported))


def _editor(root: str, names: list[str], edits: int, clobbered: multiprocessing.Queue) -> None:
    """An editor that knows no lock: read, append a line, save by replacing the file.

    It saves with an exchange rather than a rename (same effect on the file) only
    to learn what it overwrote: a version it never read is one *it* clobbered.
    """
    for i in range(edits):
        path = Path(root) / names[i % len(names)]
        read = path.read_bytes()
        tmp = path.with_name(f".edit-{os.getpid()}")
        tmp.write_bytes(read + f"editor line {i}\n".encode())
        assert safe_write.exchange(tmp, path)
        displaced = tmp.read_bytes()
        tmp.unlink()
        if displaced != read:
            clobbered.put(displaced.decode("utf-8"))
    clobbered.put(None)


def _run_writers(root: Path, names: list[str]) -> tuple[dict[str, list[str]], list[str]]:
    """Taggers and one editor at once: (tags each tagger reported, versions it overwrote)."""
    results: multiprocessing.Queue = FORK.Queue()
    clobbered: multiprocessing.Queue = FORK.Queue()
    procs = [
        FORK.Process(target=_tagger, args=(str(root), f"t{i}", names, results))
        for i in range(TAGGERS)
    ]
    procs.append(FORK.Process(target=_editor, args=(str(root), names, EDITS, clobbered)))
    for proc in procs:
        proc.start()
    reported = dict(results.get(timeout=120) for _ in range(TAGGERS))
    overwritten = list(iter(lambda: clobbered.get(timeout=120), None))
    for proc in procs:
        proc.join(timeout=120)
        assert proc.exitcode == 0
    return reported, overwritten


def _front_matter_tags(path: Path) -> list[str]:
    fm = parse_front_matter(decode_bytes(path.read_bytes()).text)
    assert fm.error is None
    return fm.tags


@pytest.mark.skipif(not safe_write.exchange_supported(), reason="no renameat2 here")
def test_taggers_and_an_editor_at_once_lose_no_save_and_no_tag(tmp_path: Path) -> None:
    """Every editor save survives; every reported tag is in the file, unless the
    editor itself saved over a version holding it without reading it first."""
    names = _write_notes(tmp_path)
    reported, overwritten = _run_writers(tmp_path, names)
    refused = [r for done in reported.values() for r in done if "refused" in r]
    assert refused == []  # every tagger succeeds, even while the editor keeps saving
    for name in names:
        text = (tmp_path / name).read_text(encoding="utf-8")
        k = int(name[1])
        for i in range(k, EDITS, NOTES):
            assert f"editor line {i}\n" in text, (name, i)
        tags = set(_front_matter_tags(tmp_path / name))
        for tag, done in reported.items():
            assert name in done
            if tag not in tags:
                assert any(
                    f"title: Note {k}\n" in old and re.search(rf"\b{tag}\b", old)
                    for old in overwritten
                ), (name, tag)
    assert not [p for p in tmp_path.rglob("*") if safe_write.is_our_temp(p.name)]


def test_sidecar_taggers_queue_instead_of_failing(tmp_path: Path) -> None:
    names = _write_notes(tmp_path, front_matter=False)
    results: multiprocessing.Queue = FORK.Queue()
    procs = [
        FORK.Process(target=_tagger, args=(str(tmp_path), f"t{i}", names, results))
        for i in range(TAGGERS)
    ]
    for proc in procs:
        proc.start()
    reported = dict(results.get(timeout=120) for _ in range(TAGGERS))
    for proc in procs:
        proc.join(timeout=120)
    assert [r for done in reported.values() for r in done if "refused" in r] == []
    sidecar = json.loads((tmp_path / ".notesift" / "tags.json").read_text(encoding="utf-8"))
    assert {k: sorted(v) for k, v in sidecar.items()} == {
        name: sorted(reported) for name in names
    }


@pytest.mark.slow
def test_twenty_tag_commands_at_once_all_succeed_and_all_stick(tmp_path: Path) -> None:
    """The issue's reproduction, with the real command."""
    root = tmp_path / "notes"
    root.mkdir()
    names = _write_notes(root)
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state")}
    cmd = [sys.executable, "-m", "tui"]
    subprocess.run([*cmd, "search", "--dir", str(root), "x"], env=env, capture_output=True)
    procs = [
        subprocess.Popen(
            [*cmd, "tag", "--dir", str(root), "--add", f"t{i}", *names],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for i in range(20)
    ]
    for i, proc in enumerate(procs):
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert out.count(f"Added #t{i} to ") == NOTES
    for name in names:
        assert sorted(_front_matter_tags(root / name)) == sorted(
            ["base", *(f"t{i}" for i in range(20))]
        )
