"""The word-level index (format 9): substrings, Han runs and pinyin found through words,
every text stored once, and an older cache rebuilt without a word."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from tui.core.index.parsing import BATCH_SOURCES
from tui.core.index.payloads import unpack_chunk
from tui.core.index.store_schema import STORE_VERSION, cache_path_for
from tui.core.ingest.entry import Entry
from tui.core.search.engine import SearchEngine
from tui.core.search.searchable import SearchableIndex


def _note(i: int, title: str, text: str) -> Entry:
    return Entry(id=f"n{i}.md", kind="note", title=title, path=f"n{i}.md", line=1, end_line=3,
                 text=text)


def _titles(engine: SearchEngine, query: str) -> list[str]:
    return sorted(h.entry.title for h in engine.search(query, limit=0).hits)


def _tree(root: Path, files: int) -> None:
    """`files` filler notes plus two with words the queries look for."""
    for i in range(files):
        (root / f"filler-{i:03d}.md").write_text(f"# Filler {i}\n\nplain words number {i}\n",
                                                 encoding="utf-8")
    (root / "sorting.md").write_text("# Sorting\n\nThe quokkasort algorithm wins.\n",
                                     encoding="utf-8")
    (root / "zh.md").write_text("# 项目\n\n我们的开源项目很好。\n", encoding="utf-8")


def test_a_piece_inside_a_word_is_found_after_a_first_build_of_many_files(
    tmp_path: Path,
) -> None:
    root = tmp_path / "notes"
    root.mkdir()
    _tree(root, BATCH_SOURCES * 2)  # many batches: the vocabulary is filled at the end
    index = SearchableIndex(root, cache_dir=tmp_path / "cache", jobs=1)
    index.refresh()
    assert [h.entry.path for h in index.engine.search("kkaso").hits] == ["sorting.md"]
    assert [h.entry.path for h in index.engine.search("rtalg").hits] == []  # not across words
    assert [h.entry.path for h in index.engine.search("源项").hits] == ["zh.md"]
    index.close()


def test_text_across_words_matches_as_typed_and_nothing_looser() -> None:
    engine = SearchEngine.from_entries([
        _note(1, "Mail", "write to e-mail me at foo.bar"),
        _note(2, "Loose", "e and mail apart; foo and bar apart"),
    ])
    assert _titles(engine, "e-mail") == ["Mail"]
    assert _titles(engine, "foo.ba") == ["Mail"]
    assert _titles(engine, "o.b") == ["Mail"]


def test_a_han_run_is_matched_as_a_run_not_as_scattered_bigrams() -> None:
    engine = SearchEngine.from_entries([
        _note(1, "Run", "我们的开源项目很好"),
        _note(2, "Scattered", "开源很好，源项不同，项目另说"),  # every bigram, never in a row
    ])
    assert _titles(engine, "开源项目") == ["Run"]
    assert _titles(engine, "源项") == ["Run", "Scattered"]
    assert _titles(engine, "源") == ["Run", "Scattered"]  # one character anywhere


def test_pinyin_is_spelled_against_the_han_words_of_the_index() -> None:
    engine = SearchEngine.from_entries([
        _note(1, "Open", "我们的开源项目"),
        _note(2, "Other", "今天天气很好"),
        _note(3, "Traditional", "開源軟體"),
    ])
    assert _titles(engine, "kaiyuan") == ["Open", "Traditional"]
    assert _titles(engine, "kyxm") == ["Open"]  # initials
    assert _titles(engine, "kaiyuanx") == ["Open"]  # last syllable cut short
    assert _titles(engine, "tianqi") == ["Other"]


def test_every_text_is_stored_once(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    root.mkdir()
    sentence = "Zymurgical quibbles outlast every marmoset parade in Ulaanbaatar"
    (root / "a.md").write_text(f"# A\n\n{sentence}\n\n## Part two\n\n{sentence} again\n",
                               encoding="utf-8")
    index = SearchableIndex(root, cache_dir=tmp_path / "cache")
    index.refresh()
    assert len(index.engine.search("marmoset").hits) == 2  # the note's section and its part
    path = index.store.path
    index.close()
    assert path is not None
    data = path.read_bytes()
    # No plain copy anywhere (no folded copy, no FTS content, no pinyin or token copy):
    # the text is only in the packed payloads, once per section that holds it.
    assert data.count(sentence.encode()) == 0
    assert data.count(sentence.lower().encode()) == 0
    with contextlib.closing(sqlite3.connect(path)) as db:
        records = [r for (blob,) in db.execute("SELECT payload FROM payloads")
                   for r in unpack_chunk(blob)]
    assert sum(r[2].count(sentence) for r in records) == 2


def test_a_build_gives_back_the_pages_it_freed(tmp_path: Path) -> None:
    """The cache file holds no free pages after a first build (segment merges free
    about a sixth of it at 100k entries)."""
    root = tmp_path / "notes"
    root.mkdir()
    for i in range(BATCH_SOURCES * 4):
        words = " ".join(f"w{i}x{j} lorem{j % 97}" for j in range(1500))
        (root / f"n{i:03}.md").write_text(f"# Note {i}\n\n{words}\n", encoding="utf-8")
    index = SearchableIndex(root, cache_dir=tmp_path / "cache")
    index.refresh()
    path = index.store.path
    index.close()
    assert path is not None
    with contextlib.closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA freelist_count").fetchone()[0] == 0
        assert db.execute("PRAGMA auto_vacuum").fetchone()[0] == 2  # incremental


def test_a_cache_of_an_older_format_is_rebuilt_without_a_word(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    root.mkdir()
    (root / "a.md").write_text("# Alpha\n\nsome quokkasort text\n", encoding="utf-8")
    cache = tmp_path / "cache"
    target = cache_path_for(root.resolve(), cache)
    target.parent.mkdir(parents=True)
    old = sqlite3.connect(target)
    old.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    old.execute("INSERT INTO meta VALUES ('version', '8')")
    old.execute("CREATE VIRTUAL TABLE fts USING fts5(title, body, path, tokenize='trigram')")
    old.execute("CREATE TABLE sources (key TEXT PRIMARY KEY, signature TEXT, warnings BLOB)")
    old.execute("INSERT INTO sources VALUES ('a.md', 'stale', x'')")
    old.commit()
    old.close()
    index = SearchableIndex(root, cache_dir=cache)
    stats = index.refresh()
    assert stats.parsed == 1
    assert index.warnings == []
    assert [h.entry.path for h in index.engine.search("kkaso").hits] == ["a.md"]
    version = index.store.query("SELECT value FROM meta WHERE key='version'")[0][0]
    assert version == STORE_VERSION
    index.close()


def test_a_short_word_followed_by_symbols_finds_only_entries_that_hold_it() -> None:
    notes = [_note(i, f"Filler {i}", f"cats and cows number {i}") for i in range(30)]
    notes += [_note(100, "Lang", "I write c++ daily"), _note(101, "Suffix", "see abc++ here"),
              _note(102, "Apart", "c and ++ apart")]
    engine = SearchEngine.from_entries(notes)
    result = engine.search("c++", limit=0)
    assert sorted(h.entry.title for h in result.hits) == ["Lang", "Suffix"]
    assert result.total == 2


def test_the_count_of_a_han_run_counts_only_entries_that_hold_the_run() -> None:
    notes = [_note(i, f"Scattered {i}", "开源很好，源项不同，项目另说") for i in range(600)]
    notes += [_note(100 + i, f"Run {i}", "我们的开源项目很好") for i in range(3)]
    engine = SearchEngine.from_entries(notes)
    result = engine.search("开源项目", limit=5)
    assert result.total == 3
    assert all(h.entry.title.startswith("Run") for h in result.hits)


def _vocabulary_of(index: SearchableIndex) -> tuple[list[str], list[str], set[str]]:
    store = index.store
    return (sorted(store.vocabulary()), sorted(store.words_with("ebr")),
            {t for t, n in store.han_vocabulary().docs.items() if len(t) == 2 and n})


def test_a_cache_after_churn_knows_the_words_a_fresh_one_knows(tmp_path: Path) -> None:
    """TRY #12: a folder emptied and refilled with other notes; its cache must not keep
    the old notes' words (typo and substring look-ups, pinyin spellings read them),
    nor grow past a fresh cache's size by what the old notes held."""
    root = tmp_path / "notes"
    root.mkdir()
    for i in range(40):
        (root / f"old-{i:02d}.md").write_text(
            f"# Zebrafinch {i}\n\nvertebrate songbird 鸟类观察 number {i}\n" * 40,
            encoding="utf-8")
    index = SearchableIndex(root, cache_dir=tmp_path / "churned", jobs=1)
    index.refresh()
    assert "zebrafinch" in index.store.vocabulary()
    for i in range(40):
        (root / f"old-{i:02d}.md").unlink()
    _tree(root, 30)
    index.refresh()
    fresh = SearchableIndex(root, cache_dir=tmp_path / "fresh", jobs=1)
    fresh.refresh()
    assert _vocabulary_of(index) == _vocabulary_of(fresh)
    assert "zebrafinch" not in index.store.vocabulary()
    index.close()
    fresh.close()
    sizes = [cache_path_for(root.resolve(), tmp_path / name).stat().st_size
             for name in ("churned", "fresh")]
    assert sizes[0] <= sizes[1] * 1.25  # the removed lists and markers are merged away


def test_digits_inside_a_number_find_it_as_letters_inside_a_word_do(tmp_path: Path) -> None:
    # Numbers are left out of the trigram index (ids and counts are most of the
    # words of a collection): a piece of digits finds them by a scan of the words.
    root = tmp_path / "notes"
    root.mkdir()
    _tree(root, BATCH_SOURCES + 10)
    (root / "ids.md").write_text("# Ids\n\nstatus 1700019427840261638 and v2019x\n",
                                 encoding="utf-8")
    index = SearchableIndex(root, cache_dir=tmp_path / "cache", jobs=1)
    index.refresh()
    assert _titles(index.engine, "0194278") == ["Ids"]
    assert _titles(index.engine, "201") == ["Ids"]  # inside `v2019x` and the number
    assert _titles(index.engine, "019x") == ["Ids"]
    index.close()
