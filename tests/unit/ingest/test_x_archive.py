"""Official X/Twitter archives (data/tweets.js + account.js) become tweet entries."""

from __future__ import annotations

import json
from pathlib import Path

from tui.core.ingest.entry import split_lines
from tui.core.ingest.x_archive import is_x_archive, parse_x_archive, x_archive_sources


def _item(id_str: str, text: str, wrapped: bool = True) -> dict[str, object]:
    tweet = {
        "id_str": id_str,
        "full_text": text,
        "created_at": "Wed Apr 17 08:01:02 +0000 2024",
        "favorite_count": "12",
        "retweet_count": "3",
    }
    return {"tweet": tweet} if wrapped else tweet


def _write(path: Path, name: str, items: list[dict[str, object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    body = json.dumps(items, indent=2, separators=(",", " : "))
    path.write_text(f"window.YTD.{name} = {body}", encoding="utf-8")


def test_example_archive(example_notes: Path) -> None:
    archive = example_notes / "x-archive"
    assert is_x_archive(archive)
    assert not is_x_archive(example_notes)
    assert [p.name for p in x_archive_sources(archive)] == ["tweets.js", "account.js"]

    parsed = parse_x_archive(example_notes, archive)
    assert parsed.warnings == []
    assert len(parsed.entries) == 8
    first = parsed.entries[0]
    assert first.kind == "tweet"
    assert first.id == "x-archive#status/1781500000000000001"
    assert first.path == "x-archive/data/tweets.js"
    assert first.breadcrumb == "x-archive › tweets"
    assert first.title.startswith("Moved all my notes into plain text & markdown.")
    assert first.meta["author"] == "mira_builds"
    assert first.meta["date"] == "2024-04-17T08:01:02+00:00"
    assert first.meta["url"] == "https://x.com/mira_builds/status/1781500000000000001"
    assert (first.meta["likes"], first.meta["retweets"], first.meta["replies"]) == (12, 3, 0)
    texts = "\n".join(e.text for e in parsed.entries)
    assert "&amp;" not in texts and "&gt;" not in texts
    assert "> destructive = more keys" in texts
    # t.co links are shown as the address they point to.
    assert "https://example.com/wezterm-zoom" in texts


def test_line_numbers_point_at_each_tweet_in_the_js_file(example_notes: Path) -> None:
    parsed = parse_x_archive(example_notes, example_notes / "x-archive")
    js_lines = split_lines((example_notes / "x-archive/data/tweets.js").read_text("utf-8"))
    previous_end = 0
    for entry in parsed.entries:
        assert entry.line > previous_end
        span = "\n".join(js_lines[entry.line - 1 : entry.end_line])
        assert entry.id.split("/")[-1] in span
        previous_end = entry.end_line


def test_parts_unwrapped_items_and_missing_account(tmp_path: Path) -> None:
    archive = tmp_path / "my-archive"
    _write(archive / "data" / "tweets-part1.js", "tweets.part1", [_item("2", "Second part")])
    _write(
        archive / "data" / "tweets.js",
        "tweets.part0",
        [_item("1", "Plain &lt;b&gt; text", wrapped=False)],
    )
    parsed = parse_x_archive(tmp_path, archive)
    assert [e.title for e in parsed.entries] == ["Plain <b> text", "Second part"]
    assert parsed.entries[1].path == "my-archive/data/tweets-part1.js"
    assert parsed.entries[0].meta["author"] == ""
    assert parsed.entries[0].meta["url"] == "https://x.com/i/status/1"


def test_ids_survive_moving_a_tweet_to_another_part(tmp_path: Path) -> None:
    archive = tmp_path / "arch"
    _write(archive / "data" / "tweets.js", "tweets.part0", [_item("7", "a"), _item("8", "b")])
    before = {e.id for e in parse_x_archive(tmp_path, archive).entries}
    _write(archive / "data" / "tweets.js", "tweets.part0", [_item("7", "a")])
    _write(archive / "data" / "tweets-part1.js", "tweets.part1", [_item("8", "b")])
    after = {e.id for e in parse_x_archive(tmp_path, archive).entries}
    assert before == after == {"arch#status/7", "arch#status/8"}


def test_malformed_part_warns_and_other_parts_still_parse(tmp_path: Path) -> None:
    archive = tmp_path / "arch"
    _write(archive / "data" / "tweets.js", "tweets.part0", [_item("1", "good tweet")])
    broken = archive / "data" / "tweets-part1.js"
    broken.write_text('window.YTD.tweets.part1 = [ { "tweet" : { "id_str" : "2", ', "utf-8")
    parsed = parse_x_archive(tmp_path, archive)
    assert [e.title for e in parsed.entries] == ["good tweet"]
    assert len(parsed.warnings) == 1
    assert "arch/data/tweets-part1.js" in parsed.warnings[0]


def test_one_bad_item_does_not_lose_the_rest_of_its_file(tmp_path: Path) -> None:
    archive = tmp_path / "arch"
    good = json.dumps({"tweet": {"id_str": "5", "full_text": "survivor"}})
    text = f'window.YTD.tweets.part0 = [\n{good},\n{{ "tweet" : {{ "id_str" : 6 oops }} }}\n]'
    (archive / "data").mkdir(parents=True)
    (archive / "data" / "tweets.js").write_text(text, "utf-8")
    parsed = parse_x_archive(tmp_path, archive)
    assert [e.title for e in parsed.entries] == ["survivor"]
    assert parsed.warnings and "arch/data/tweets.js" in parsed.warnings[0]
