"""Ranking and matching as a user sees them, on small hand-made entry lists."""

from __future__ import annotations

from tui.core.ingest.entry import Entry
from tui.core.search.engine import SearchEngine


def _entry(
    eid: str,
    title: str,
    text: str = "",
    kind: str = "section",
    path: str = "notes/a.md",
    line: int = 1,
    **meta: object,
) -> Entry:
    body = text or title
    return Entry(
        id=eid,
        kind=kind,
        title=title,
        path=path,
        line=line,
        end_line=line + body.count("\n"),
        text=body,
        meta=dict(meta),
    )


def _ids(engine: SearchEngine, query: str, **kw: object) -> list[str]:
    return [h.entry.id for h in engine.search(query, **kw).hits]  # type: ignore[arg-type]


ENTRIES = [
    _entry("keys", "Window keys", "C-W bash kill word (backward)\nAlt-D bash kill word (forward)"),
    _entry("zoom", "TogglePaneZoomState", "key z mods CTRL|SHIFT TogglePaneZoomState", kind="key"),
    _entry("rust", "Rust build speed", "Use sccache to cache compiled crates.\nThen cargo check."),
    _entry("open", "模型開源之爭", "關於 frontier model 開源和閉源的討論"),
    _entry("prod", "效率笔记", "如何提高生产力：少开会"),
    _entry("quant", "量化：INT8/INT4 到底在干嘛", "权重量化与显存"),
    _entry("llm", "Training notes", "mixed precision training with bfloat16 saves memory"),
    _entry(
        "tw1", "Shipping llm.c", "llm.c now trains GPT-2", kind="tweet",
        author="alice", date="2024-04-17", likes=1248,
    ),
    _entry(
        "tw2", "A quiet day", "nothing about training", kind="tweet",
        author="bob", date="2024-06-02", likes=12,
    ),
    _entry("title-hit", "Training schedule", "warmup then decay"),
    _entry("body-hit", "Misc", "somewhere deep we mention a training schedule once"),
]
ENGINE = SearchEngine.from_entries(ENTRIES)


def test_all_terms_must_match_anywhere_in_the_entry() -> None:
    assert _ids(ENGINE, "kill word backward")[0] == "keys"
    sideways = ENGINE.search("kill word sideways").hits
    assert all(h.partial for h in sideways), "no entry has all three terms"


def test_camel_case_words_are_found_by_their_parts() -> None:
    assert _ids(ENGINE, "toggle pane zoom")[0] == "zoom"


def test_title_match_ranks_above_body_match() -> None:
    ids = _ids(ENGINE, "training schedule")
    assert ids.index("title-hit") < ids.index("body-hit")


def test_simplified_query_finds_traditional_text() -> None:
    hit = ENGINE.search("开源 闭源").hits[0]
    assert hit.entry.id == "open"
    assert hit.snippet_spans, "the traditional characters should be highlighted"


def test_pinyin_full_and_initials_find_chinese() -> None:
    assert "prod" in _ids(ENGINE, "shengchanli")
    assert "prod" in _ids(ENGINE, "scl")


def test_typo_of_a_long_word_still_finds_it() -> None:
    assert "llm" in _ids(ENGINE, "precisoin")
    assert "llm" not in _ids(ENGINE, "prxcxsxon"), "too many edits is no match"


def test_exact_term_needs_the_literal_text() -> None:
    assert "rust" in _ids(ENGINE, "'sccache")
    assert _ids(ENGINE, "'sccahce") == []


def test_negation_excludes_entries() -> None:
    ids = _ids(ENGINE, "training !bfloat16")
    assert "llm" not in ids
    assert "title-hit" in ids


def test_or_between_terms() -> None:
    ids = _ids(ENGINE, "sccache | bfloat16")
    assert {"rust", "llm"} <= set(ids)


def test_prefix_and_suffix_anchor_to_lines() -> None:
    assert "rust" in _ids(ENGINE, "^then")
    assert "rust" in _ids(ENGINE, "check.$")
    assert "rust" not in _ids(ENGINE, "^cargo")


def test_smart_case_makes_uppercase_terms_case_sensitive() -> None:
    assert "quant" in _ids(ENGINE, "INT4")
    assert "quant" not in _ids(ENGINE, "Int4")
    assert "quant" in _ids(ENGINE, "int4")


def test_fields_filter_tweets_by_likes_and_author() -> None:
    assert _ids(ENGINE, "kind:tweet likes:>1000") == ["tw1"]
    assert _ids(ENGINE, "@bob") == ["tw2"]
    assert set(_ids(ENGINE, "kind:tweet", limit=0)) == {"tw1", "tw2"}


def test_sort_by_date_puts_newest_first() -> None:
    assert _ids(ENGINE, "kind:tweet", sort="date") == ["tw2", "tw1"]
    assert _ids(ENGINE, "kind:tweet", sort="likes") == ["tw1", "tw2"]


def test_partial_matches_fill_in_when_no_entry_has_every_term() -> None:
    result = ENGINE.search("INT4 quantization")
    assert result.hits, "the rare specific term should still find its entry"
    assert result.hits[0].entry.id == "quant"
    assert result.hits[0].partial
    assert result.partial_count >= 1


def test_partial_matches_rank_below_full_matches() -> None:
    result = ENGINE.search("training schedule", limit=20)
    flags = [h.partial for h in result.hits]
    assert flags == sorted(flags), "no partial hit may precede a full one"


def test_match_line_points_at_the_line_where_the_terms_meet() -> None:
    entry = _entry(
        "long",
        "Databases",
        "Intro line\nDocument databases: MongoDB\nGraph databases: Neo4j, Neptune\nOutro",
        line=30,
    )
    engine = SearchEngine.from_entries([entry])
    hit = engine.search("neo4j graph database").hits[0]
    assert hit.match_line == 32
    assert "Neo4j" in hit.snippet
    start, end = hit.snippet_spans[0]
    assert hit.snippet[start:end].lower() in ("graph", "neo4j", "database")


def test_title_spans_point_at_matched_characters() -> None:
    hit = ENGINE.search("pane zoom").hits[0]
    title = hit.entry.title
    assert "".join(title[s:e] for s, e in hit.title_spans) == "PaneZoom"
    assert hit.title_spans[0][0] == len("Toggle")


def test_malformed_field_is_reported_and_the_rest_still_searches() -> None:
    result = ENGINE.search("sccache date:2024-13")
    assert result.errors and "date" in result.errors[0].message
    assert [h.entry.id for h in result.hits] == ["rust"]


def test_no_match_gives_no_hits() -> None:
    result = ENGINE.search("zzqxjv")
    assert result.hits == [] and result.total == 0


def test_limit_zero_returns_everything() -> None:
    assert len(ENGINE.search("kind:section", limit=0).hits) == sum(
        1 for e in ENTRIES if e.kind == "section"
    )


def test_a_lone_letter_after_a_filter_waits_for_its_second_letter() -> None:
    assert _ids(ENGINE, "kind:tweet s") == _ids(ENGINE, "kind:tweet")
    assert _ids(ENGINE, "kind:tweet sh") == ["tw1"]  # "Shipping"


def test_a_quoted_letter_or_a_han_character_applies_at_once() -> None:
    engine = SearchEngine.from_entries([
        Entry(id="cat", kind="section", title="Dogs and cats", path="a.md", line=1,
              end_line=2, text="我的猫", tags=("pets",)),  # 猫 ends the run
        Entry(id="dog", kind="section", title="Dogs only", path="b.md", line=1, end_line=2,
              text="狗", tags=("pets",)),
        Entry(id="box", kind="tweet", title="A box of things", path="c.md", line=1,
              end_line=2, text="kept in the attic", meta={"author": "bob"}),
        Entry(id="plain", kind="tweet", title="Plain words", path="c.md", line=3,
              end_line=4, text="nothing here", meta={"author": "bob"}),
    ])
    assert _ids(engine, "#pets 猫") == ["cat"]
    assert _ids(engine, "dogs 猫") == ["cat"]
    assert _ids(engine, "猫") == ["cat"]
    assert _ids(engine, "'x @bob") == ["box"]  # any x, not only a title starting with x
    assert _ids(engine, "'x") == ["box"]
    # Still being typed: an anchored or bare letter waits for the next one.
    assert sorted(_ids(engine, "^x @bob")) == ["box", "plain"]
    assert sorted(_ids(engine, "x @bob")) == ["box", "plain"]


def test_pinyin_finds_chinese_after_a_long_english_text() -> None:
    """A digest tweet puts its translation after the English: thousands of characters in."""
    english = "A long thread about shipping software in the open, and why it matters. " * 40
    engine = SearchEngine.from_entries([
        Entry(id="late", kind="tweet", title="Shipping in the open", path="t.md", line=1,
              end_line=9, text=f"{english}\n\n我们把这个项目开源了，欢迎贡献。"),
        Entry(id="other", kind="tweet", title="Unrelated", path="t.md", line=10,
              end_line=12, text="今天天气很好"),
    ])
    assert len(english) > 2000
    result = engine.search("kaiyuan")
    assert [h.entry.id for h in result.hits] == ["late"]
    hit = result.hits[0]
    assert [hit.snippet[a:b] for a, b in hit.snippet_spans] == ["开源"]
    assert _ids(engine, "kyl") == ["late"]  # initials of 开源了


def test_a_nul_in_the_query_is_harmless() -> None:
    engine = SearchEngine.from_entries([Entry("x", "note", "Title", "t.md", 1, 1, "a\x00b text")])
    result = engine.search("a\x00b")
    assert result.errors == []


def test_text_after_a_nul_in_any_entry_is_searchable() -> None:
    entry = Entry("x", "section", "Nul", "n.md", 1, 1, "aardvark x\x00y beaver")
    engine = SearchEngine.from_entries([entry])
    assert [h.entry.id for h in engine.search("beaver").hits] == ["x"]


def test_a_result_names_the_filters_it_applied_for_the_status_line() -> None:
    """The status line shows the filters of the query that was answered, as the
    engine read them (an OR group as one label), not a second reading of the text."""
    engine = SearchEngine.from_entries([
        _entry("t", "Okapi tweet", kind="tweet"),
        _entry("n", "Okapi note", kind="note"),
    ])
    result = engine.search("okapi kind:tweet")
    assert [h.entry.id for h in result.hits] == ["t"]
    assert result.filters == ["kind:tweet"]
    assert engine.search("okapi #zoo | @ann").filters == ["#zoo | @ann"]
    assert engine.search("okapi").filters == []


def test_a_broad_partial_word_lists_the_entries_it_titles_first(monkeypatch) -> None:
    """When even the rarest word of a partial query is in many entries, the entries
    titled with it come first, wherever they are in the index (the last ones here)."""
    import tui.core.search.candidates as candidates

    monkeypatch.setattr(candidates, "PARTIAL_RANKED", 5)
    entries = [_entry(f"z{i}", f"Log {i}", f"a zephyr passed on day {i}") for i in range(30)]
    entries += [_entry(f"q{i}", f"Sky {i}", f"a quasar shone on night {i}") for i in range(35)]
    entries.append(_entry("titled", "Zephyr", "the west wind"))
    engine = SearchEngine.from_entries(entries)
    result = engine.search("zephyr quasar", limit=10)
    assert result.hits and all(h.partial for h in result.hits)
    assert result.hits[0].entry.id == "titled"
    assert len(result.hits) == 10


def test_a_filter_only_row_reads_the_notes_text_not_its_front_matter() -> None:
    """`#desktop` listed every release note as `1.10.0 — - desktop` (a YAML list item
    of its front matter); the row shows the first line of text after it (TRY3 #9)."""
    text = "---\ntitle: '1.10.0'\ntags:\n  - desktop\n---\nBookmarks sync across devices.\n"
    engine = SearchEngine.from_entries([
        _entry("rel", "1.10.0", text, kind="note", path="rel.md", tags=["desktop"]),
    ])
    hit = engine.search("kind:note").hits[0]
    assert hit.snippet == "Bookmarks sync across devices."


def test_a_capitalised_typo_is_corrected_when_no_case_of_it_exists() -> None:
    # A proper noun typed with a slip: smart case must not turn off the typo fallback.
    assert "llm" in _ids(ENGINE, "Precisoin")
    # …but a capitalised word that exists in lower case keeps smart case's meaning.
    assert "llm" not in _ids(ENGINE, "Precision")


def test_a_quoted_two_letter_term_is_found_inside_words() -> None:
    # `'word` is an exact substring: `'cc` is in sccache, not only at a word's start.
    assert "rust" in _ids(ENGINE, "'cc")
    assert "rust" in _ids(ENGINE, "'to"), "a two-letter word itself (not in the vocabulary)"
    assert "rust" in _ids(ENGINE, "'U"), "a letter anywhere, a word of its own included"
    assert "llm" in _ids(ENGINE, "training 'oa")  # bfloat16
    assert _ids(ENGINE, "'zq") == []
    assert "rust" not in _ids(ENGINE, "'cc 'zq")


def test_a_lone_letter_after_words_orders_the_matches() -> None:
    # `chapter 3`: the 3 filters nothing while it may be the start of a word (`30`),
    # but the chapter titled 3 comes first (TRY5 §13: Chapter 1 was first).
    engine = SearchEngine.from_entries([
        _entry(f"ch{n}", f"Chapter {n}", f"The chapter about part {n} of the plan.")
        for n in (1, 2, 3, 12)
    ] + [_entry("plan-a", "Plan A", "the plan we keep"),
         _entry("plan-b", "Plan B", "the plan we keep in reserve")])
    assert _ids(engine, "chapter 3")[0] == "ch3"
    assert set(_ids(engine, "chapter 3")) == {"ch1", "ch2", "ch3", "ch12"}
    assert _ids(engine, "plan b")[0] == "plan-b"
    assert _ids(engine, "plan a")[0] == "plan-a"


def test_bold_inside_a_chinese_phrase_does_not_split_it() -> None:
    # `进入**社区插件市场**`: typing the phrase made the note vanish at 进入社 and come
    # back at 进入社区插件 (TRY5 §8); Chinese has no spaces around emphasis.
    engine = SearchEngine.from_entries([
        _entry("plug", "导入", "进入**社区插件市场**并安装。\n我们用==开源模型==做推理。"),
        _entry("other", "别的", "社区里没有这个。"),
    ])
    phrase = "进入社区插件市场并安装"
    for end in range(2, len(phrase) + 1):
        assert "plug" in _ids(engine, phrase[:end]), phrase[:end]
    assert "plug" in _ids(engine, "用开源模型")
    hit = engine.search("进入社区").hits[0]
    assert hit.snippet[slice(*hit.snippet_spans[0])] == "进入**社区"
