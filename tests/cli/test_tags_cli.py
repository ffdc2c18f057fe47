"""`notesift tag` / `notesift tags` on copies of the example (and real sample) notes."""

from __future__ import annotations

import difflib
import io
import json
from collections.abc import Callable
from pathlib import Path

from tui.cli import run_search
from tui.core.search.searchable import SearchableIndex
from tui.tags_cli import run_tag, run_tags

POST = "blog/2025-03-08-weekly-2.md"
DIGEST = "tweets/digest-2024.md"


def _run(func: Callable[..., int], *argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = func(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def _first_tweet_id(root: Path, rel: str) -> str:
    index = SearchableIndex(root, use_cache=False)
    try:
        index.refresh()
        return next(e.id for e in index.store.entries_of_path(rel) if e.kind == "tweet")
    finally:
        index.close()


def _changed(before: bytes, after: bytes) -> list[str]:
    a = before.decode("utf-8").splitlines(keepends=True)
    b = after.decode("utf-8").splitlines(keepends=True)
    return [
        line for line in difflib.unified_diff(a, b, n=0)
        if line.startswith(("+", "-")) and not line.startswith(("+++", "---"))
    ]


def _search_ids(root: Path, query: str) -> set[str]:
    code, out, err = _run(run_search, "--dir", str(root), "--json", "--limit", "0", query)
    assert code in (0, 1), err
    return {json.loads(line)["id"] for line in out.splitlines()}


def test_tag_post_front_matter_and_tweet_sidecar(example_notes: Path) -> None:
    post_before = (example_notes / POST).read_bytes()
    digest_before = (example_notes / DIGEST).read_bytes()
    tweet = _first_tweet_id(example_notes, DIGEST)
    code, out, err = _run(run_tag, "--dir", str(example_notes), "--add", "X", POST, tweet)
    assert code == 0, err
    assert POST in out and ".notesift/tags.json" in out
    assert _changed(post_before, (example_notes / POST).read_bytes()) == [
        '-tags: ["",]\n',
        '+tags: ["X"]\n',
    ]
    assert (example_notes / DIGEST).read_bytes() == digest_before
    sidecar = json.loads((example_notes / ".notesift" / "tags.json").read_text("utf-8"))
    assert sidecar == {tweet: ["X"]}
    code, out, _ = _run(run_tags, "--dir", str(example_notes), "--json")
    assert code == 0
    assert {"tag": "X", "count": 2} in [json.loads(line) for line in out.splitlines()]


def test_search_finds_front_matter_tag(example_notes: Path) -> None:
    assert _run(run_tag, "--dir", str(example_notes), "--add", "X", POST)[0] == 0
    assert POST in _search_ids(example_notes, "#X")


def test_search_finds_sidecar_tag(example_notes: Path) -> None:
    """Needs the index to merge `.notesift/tags.json` into entries."""
    tweet = _first_tweet_id(example_notes, DIGEST)
    assert _run(run_tag, "--dir", str(example_notes), "--add", "X", tweet)[0] == 0
    assert tweet in _search_ids(example_notes, "#X")


def test_remove_and_unknown_ids(example_notes: Path) -> None:
    before = (example_notes / POST).read_bytes()
    assert _run(run_tag, "--dir", str(example_notes), "--add", "tmp", POST)[0] == 0
    code, _, err = _run(run_tag, "--dir", str(example_notes), "--remove", "tmp", POST,
                        "no/such.md")
    assert code == 1 and "unknown id no/such.md" in err
    assert _changed(before, (example_notes / POST).read_bytes()) == [
        '-tags: ["",]\n',
        "+tags: []\n",
    ]


def test_refused_write_exits_2_naming_the_file(example_notes: Path) -> None:
    tweet = _first_tweet_id(example_notes, DIGEST)
    sidecar = example_notes / ".notesift" / "tags.json"
    sidecar.parent.mkdir()
    sidecar.write_text("[broken", encoding="utf-8")
    code, _, err = _run(run_tag, "--dir", str(example_notes), "--add", "X", tweet)
    assert code == 2 and ".notesift/tags.json" in err
    assert sidecar.read_text(encoding="utf-8") == "[broken"


def test_bad_arguments(example_notes: Path) -> None:
    assert _run(run_tag, "--dir", str(example_notes), POST)[0] == 2
    assert _run(run_tag, "--dir", str(example_notes), "--add", "a b", POST)[0] == 2
    assert _run(run_tag, "--dir", str(example_notes / "nope"), "--add", "a", POST)[0] == 2


def test_tags_lists_counts(example_notes: Path) -> None:
    code, out, _ = _run(run_tags, "--dir", str(example_notes))
    assert code == 0
    rows = [line.split() for line in out.splitlines()]
    assert {"rust", "cli"} <= {tag for _, tag in rows}
    counts = [int(count) for count, _ in rows]
    assert counts == sorted(counts, reverse=True)


def test_sample_notes_hugo_placeholder(sample_notes: Path) -> None:
    rel = "blog/2025-02-22-weekly-1.md"
    before = (sample_notes / rel).read_bytes()
    assert b'tags: ["",]' in before
    code, _, err = _run(run_tag, "--dir", str(sample_notes), "--add", "X", rel)
    assert code == 0, err
    assert _changed(before, (sample_notes / rel).read_bytes()) == [
        '-tags: ["",]\n',
        '+tags: ["X"]\n',
    ]
    assert rel in _search_ids(sample_notes, "#X")


def test_a_sidecar_tag_removed_by_one_command_is_gone_for_the_next(example_notes: Path) -> None:
    """Each command opens the cache anew (REVIEW4 F10): the removal must reach the
    cache's tag column, not only a running process's memory."""
    tweet = _first_tweet_id(example_notes, DIGEST)
    assert _run(run_tag, "--dir", str(example_notes), "--add", "zzreview", tweet)[0] == 0
    assert _search_ids(example_notes, "#zzreview") == {tweet}
    assert _run(run_tag, "--dir", str(example_notes), "--remove", "zzreview", tweet)[0] == 0
    assert _search_ids(example_notes, "#zzreview") == set()
    assert _run(run_tag, "--dir", str(example_notes), "--add", "zzreview", tweet)[0] == 0
    assert _search_ids(example_notes, "#zzreview") == {tweet}


def test_accents_do_not_matter_in_file_names_either(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    (root / "recettes").mkdir(parents=True)
    (root / "recettes" / "crème-brûlée.md").write_text("# Gâteau\n\nsucre\n", encoding="utf-8")
    for query in ("brûlée", "brulee", "creme-brulee", "path:creme", "path:brûlée", "gateau"):
        assert _search_ids(root, query) == {"recettes/crème-brûlée.md"}, query
