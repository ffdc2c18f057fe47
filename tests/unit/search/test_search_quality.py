"""Known-item search rules learned on real notes collections (issue 15), one class each.

Every fixture here is made up for the test; each test states what a user typing
the query would notice.
"""

from __future__ import annotations

from tui.core.ingest.entry import Entry
from tui.core.search.engine import SearchEngine, SearchResult
from tui.core.search.lines import line_kind


def _e(eid: str, title: str, text: str = "", *, kind: str = "note", path: str = "",
       line: int = 1, **meta: object) -> Entry:
    body = text or title
    return Entry(id=eid, kind=kind, title=title, path=path or f"notes/{eid}.md", line=line,
                 end_line=line + body.count("\n"), text=body, meta=dict(meta))


def _ids(result: SearchResult) -> list[str]:
    return [h.entry.id for h in result.hits]


def _strict(result: SearchResult) -> list[str]:
    return [h.entry.id for h in result.hits if not h.partial]


# -- 1. terms no index can serve: flags, punctuation, backslash commands ---------------

SHELL = [
    _e("sqlite-meta", "Listing tables in the sqlite shell",
       "Open the database with sqlite3.\nType \\l to list every table.\n"
       "Use \\schema orders for one table."),
    _e("sqlite-wal", "Turning on write-ahead logging",
       "sqlite3 keeps a journal file.\nRun pragma journal_mode to see it."),
    _e("sqlite-csv", "Importing CSV into sqlite3", "sqlite3 can read a CSV file directly."),
    _e("sort-uniq", "Counting repeated lines",
       "Pipe through sort first.\nThen uniq -c counts each run of equal lines."),
    _e("sort-rev", "Reverse numeric sort", "sort -rn puts the biggest numbers first."),
    _e("grep-plain", "Searching text with grep", "grep prints the lines that match a pattern."),
]


def test_a_flag_next_to_a_word_ranks_the_line_that_has_it() -> None:
    engine = SearchEngine.from_entries(SHELL)
    result = engine.search("uniq -c")
    assert _ids(result)[0] == "sort-uniq"
    assert result.hits[0].match_line == 2  # the `uniq -c` line, not the title
    assert "uniq -c" in result.hits[0].snippet


def test_a_backslash_command_is_matched_literally_among_the_other_terms_matches() -> None:
    engine = SearchEngine.from_entries(SHELL)
    result = engine.search("sqlite3 \\l")
    assert _strict(result) == ["sqlite-meta"]
    # The other sqlite3 notes follow as partial matches: never an empty page.
    assert {"sqlite-wal", "sqlite-csv"} <= set(_ids(result))


def test_a_flag_no_note_has_never_empties_the_result() -> None:
    engine = SearchEngine.from_entries(SHELL)
    result = engine.search("grep -z")
    assert _strict(result) == []
    assert _ids(result) == ["grep-plain"]
    assert result.hits[0].partial


def test_a_note_with_the_flag_but_not_the_tool_name_is_among_the_first() -> None:
    notes = [
        _e("tool", "Shell habits", "sqlite3 prints wide tables badly."),
        _e("flag", "Wide output", "Type \\w wide to wrap long rows."),
        *[_e(f"more{i}", f"Shell note {i}", f"sqlite3 tip number {i}") for i in range(12)],
    ]
    engine = SearchEngine.from_entries(notes)
    result = engine.search("sqlite3 \\w wide")
    assert _strict(result) == []
    ids = _ids(result)
    assert ids.index("flag") < ids.index("tool")


def test_a_backslash_command_alone_is_a_literal_substring() -> None:
    engine = SearchEngine.from_entries(SHELL)
    assert _ids(engine.search("\\s")) == ["sqlite-meta"]  # `\schema`
    assert _ids(engine.search("-r")) == ["sort-rev"]


# -- 2. typos: a dropped, added or swapped letter anywhere in a 5+ letter word ---------

TYPOS = [
    _e("k8s", "Draining nodes", "Before an upgrade, cordon and drain every kubernetes node."),
    _e("cycle", "Rotating logs", "Each log file goes through a daily cycle of rotation."),
    _e("other", "Unrelated", "Nothing to see in this note about gardening."),
]


def test_a_letter_dropped_near_the_end_of_a_long_word_still_finds_it() -> None:
    engine = SearchEngine.from_entries(TYPOS)
    assert _ids(engine.search("kubernetse"))[:1] == ["k8s"]  # swapped near the end
    assert _ids(engine.search("kuberntes"))[:1] == ["k8s"]  # dropped
    assert _ids(engine.search("kubernetess"))[:1] == ["k8s"]  # added


def test_a_typo_of_a_word_found_only_in_a_title_finds_it() -> None:
    notes = [*TYPOS, _e("title-only", "Photosynthesis for beginners", "Light in, sugar out.")]
    engine = SearchEngine.from_entries(notes)
    assert _ids(engine.search("photosynthsis"))[:1] == ["title-only"]


def test_swapped_letters_in_a_five_letter_word_are_one_typo() -> None:
    engine = SearchEngine.from_entries(TYPOS)
    assert _ids(engine.search("cylce"))[:1] == ["cycle"]


# -- 3. a file name or slug ranks that file's note first --------------------------------

def _linking(n: int, slug: str) -> list[Entry]:
    return [_e(f"link{i}", f"Weekly digest {i}",
               f"Read more in [the rebase note]({slug}.md) and {slug} itself.")
            for i in range(n)]


def test_a_slug_ranks_the_file_itself_above_notes_that_link_to_it() -> None:
    slug = "moving-branches-onto-main"
    own = _e("own", "Moving branches", "Use rebase with the onto flag to move a branch.",
             path=f"git/{slug}.md")
    engine = SearchEngine.from_entries([*_linking(12, slug), own])
    assert _ids(engine.search(slug))[0] == "own"
    assert _ids(engine.search(f"{slug}.md"))[0] == "own"
    assert _ids(engine.search("branches-onto"))[0] == "own"


def test_a_plain_word_that_is_a_file_stem_ranks_that_file_first() -> None:
    notes = [_e(f"m{i}", f"Release {i}", "See the changelog for what changed.")
             for i in range(5)]
    notes.append(_e("log", "History of the project", "v1: first cut\nv2: second cut",
                    path="changelog.md"))
    engine = SearchEngine.from_entries(notes)
    assert _ids(engine.search("changelog"))[0] == "log"


def test_only_the_note_entry_of_a_named_file_gets_the_first_place() -> None:
    slug = "travel-2031-03"
    note = _e("n", "Trip", "## Packing\nsocks\n## Route\nnorth", path=f"{slug}.md")
    section = _e("s", "Packing", "## Packing\nsocks", kind="section", path=f"{slug}.md", line=1)
    engine = SearchEngine.from_entries([section, note])
    assert _ids(engine.search(slug))[0] == "n"



def test_the_words_of_a_file_name_with_spaces_bring_its_note_first() -> None:
    """Obsidian and Foam name a note by its file (`Tide tables.md`): typing that name
    lists it above sections elsewhere that happen to carry the same heading."""
    note = _e("n", "Tide tables", "How to read the tables of a harbour.",
              path="Harbour/Tide tables.md")
    elsewhere = [_e(f"s{i}", "Tide tables", "Tide tables are printed each spring.",
                    kind="section", path=f"Release notes/v{i}.md", line=9) for i in range(3)]
    engine = SearchEngine.from_entries([*elsewhere, note])
    assert _ids(engine.search("tide tables"))[0] == "n"
    assert _ids(engine.search("tide tables harbour"))[0] == "n", "a word more still finds it"


# -- 4. field weights: title >> headings >> body >> link lists ---------------------------

def test_a_title_beats_an_index_page_listing_it_and_a_history_section_linking_it() -> None:
    index = _e("readme", "Archive",
               "\n".join(f"- Issue {i}: [Topic number {i}](issues/{i}.md)" for i in range(30))
               + "\n- Issue 31: [Quiet mornings at sea](issues/31.md)", path="README.md")
    history = _e("hist", "This week in past years",
                 "[Quiet mornings at sea](https://example.org/issue-31) (2022 #31)\n"
                 "[Another topic](https://example.org/issue-12) (2021 #12)", kind="section",
                 path="issues/40.md", line=80)
    target = _e("target", "Issue 31: Quiet mornings at sea",
                "# Issue 31: Quiet mornings at sea\n\nThis week is about the long quiet "
                "mornings before a harbour wakes up.\n" + "Filler prose. " * 200,
                path="issues/31.md")
    engine = SearchEngine.from_entries([index, history, target])
    assert _ids(engine.search("quiet mornings"))[0] == "target"


def test_a_heading_beats_a_mention_in_the_text_and_text_beats_a_list_of_links() -> None:
    heading = _e("heading", "Week 9", "## Sourdough starters\nFeed it daily.",
                 path="w9.md")
    prose = _e("prose", "Week 10", "My sourdough starters died while I was away.",
               path="w10.md")
    links = _e("links", "Week 11",
               "- [sourdough starters](https://example.org/bread) [more](https://x.org)",
               path="w11.md")
    engine = SearchEngine.from_entries([links, prose, heading])
    assert _ids(engine.search("sourdough starters")) == ["heading", "prose", "links"]


def test_lines_are_told_apart_as_a_reader_would() -> None:
    assert line_kind("## A heading") == "heading"
    assert line_kind("- [A title](notes/a.md)") == "link"
    assert line_kind("2021 (#153): [Some essay](https://example.org/x)") == "link"
    assert line_kind("I read [this essay](https://example.org/x) twice and changed my mind "
                     "about how long a draft should rest.") == "text"
    assert line_kind("作者: @someone") == "label"


# -- 5. ranking does not depend on --limit ------------------------------------------------

def test_the_first_results_are_the_same_whatever_the_limit() -> None:
    # No note has both words: every result is a partial match, the case where the
    # number of rows asked for used to change which came first.
    notes = [_e(f"tf{i}", f"Other {i}", "ferret ferret ferret seen here " + "x " * i)
             for i in range(8)]
    notes += [_e(f"h{i}", f"Ferret {i}", "## Ferret\nan animal mentioned once " + "y " * 30 * i)
              for i in range(4)]
    notes += [_e("w", "W", "walrus here")]
    notes += [_e(f"f{i}", "F", "filler") for i in range(300)]
    engine = SearchEngine.from_entries(notes)
    full = _ids(engine.search("ferret walrus", limit=20))
    assert len(full) == 13
    for limit in (1, 3, 5, 10):
        assert _ids(engine.search("ferret walrus", limit=limit)) == full[:limit]


# -- 6. key bindings by the initials of their action ------------------------------------

KEYS = [
    _e("zoom", "CTRL|SHIFT+z  TogglePaneZoomState",
       "{ key = 'z', mods = 'CTRL|SHIFT', action = act.TogglePaneZoomState }\n"
       "toggle pane zoom state", kind="key", path="wezterm.lua"),
    _e("palette", "CTRL|SHIFT+p  ActivateCommandPalette",
       "{ key = 'p', mods = 'CTRL|SHIFT', action = act.ActivateCommandPalette }\n"
       "activate command palette", kind="key", path="wezterm.lua", line=2),
    _e("kill", "C-W  bash  kill word (backward)", "C-W bash kill word (backward)",
       kind="key", path="cheats.txt"),
    _e("article", "Why abbreviations work",
       "A query such as tpz or acp is three letters, and people type them expecting "
       "the command; a cap on accuracy helps.", path="essay.md"),
]


def test_action_initials_find_the_binding_first() -> None:
    engine = SearchEngine.from_entries(KEYS)
    assert _ids(engine.search("tpz"))[0] == "zoom"
    assert _ids(engine.search("acp"))[0] == "palette"
    assert _ids(engine.search("kind:key tpz")) == ["zoom"]
    assert _ids(engine.search("ctpz"))[:1] == ["zoom"]  # the modifier's initial too
    assert _ids(engine.search("kwb"))[:1] == ["kill"]


# -- 7. Han homophones: right pinyin, wrong character -----------------------------------

HAN = [
    _e("peak", "汽车产业的顶峰", "销量在那一年到了最高点。"),
    _e("leak", "保护你的基因数据", "数据一旦泄漏就无法收回。"),
    _e("tool", "生产力工具", "一些让人专注的小工具。"),
    _e("exact", "逆风骑行", "今天顶风骑了二十公里。"),
    _e("other", "旅行笔记", "去了海边。"),
]


def test_a_homophone_slip_finds_the_title_it_sounds_like() -> None:
    engine = SearchEngine.from_entries(HAN)
    assert _ids(engine.search("生产利"))[:1] == ["tool"]
    assert "leak" in _ids(engine.search("数据 泄露"))  # 露 is read lou here, as in 泄漏


def test_a_homophone_ranks_below_the_characters_as_typed() -> None:
    engine = SearchEngine.from_entries(HAN)
    ids = _ids(engine.search("顶风"))
    assert ids[:2] == ["exact", "peak"]


# -- 8. tweet snippets come from the tweet's text ---------------------------------------

def test_a_tweet_snippet_is_its_text_not_its_label_lines() -> None:
    text = ("作者: @harbourlight\n时间: 2031-04-02\n互动: Likes: 12 | Retweets: 3\n\n"
            "Lighthouses are slowly being automated, harbourlight says.")
    tweet = _e("t", "Lighthouses are slowly being automated", text, kind="tweet",
               author="harbourlight")
    engine = SearchEngine.from_entries([tweet])
    hit = engine.search("harbourlight").hits[0]
    assert hit.snippet.startswith("Lighthouses")
    hit = engine.search("likes").hits[0]
    assert not hit.snippet.startswith("互动")


# -- 9. partial matches follow whenever the full matches are fewer than a page -----------

def test_partial_matches_fill_a_page_that_full_matches_leave_short() -> None:
    notes = [_e(f"both{i}", f"Both {i}", "granite quarry and basalt columns")
             for i in range(12)]
    notes += [_e(f"granite{i}", f"Granite {i}", "granite counter tops") for i in range(20)]
    notes += [_e(f"filler{i}", f"Filler {i}", "nothing of note") for i in range(200)]
    engine = SearchEngine.from_entries(notes)
    result = engine.search("granite basalt", limit=50)
    assert len(_strict(result)) == 12
    assert result.partial_count > 0
    assert any(h.partial and h.entry.id.startswith("granite") for h in result.hits)
    # A page already full of full matches gets no partial ones.
    assert engine.search("granite basalt", limit=10).partial_count == 0


# -- pinyin spelled out in whole syllables is found before its letters as initials ------

def test_a_spelled_out_pinyin_word_is_found_in_a_large_han_vocabulary() -> None:
    from tui.core.index.fts_terms import HanVocabulary, pinyin_spellings
    from tui.core.text.pinyin import readings

    # Many characters for every letter of `zhangji` read as initials (z-h-a-n-g-j-i),
    # each able to follow any other: reading the letters as initials first used up
    # the search budget before 掌机 was tried.
    pool = [chr(c) for c in range(0x4E00, 0x9FA5)]
    by_letter: dict[str, list[str]] = {}
    for ch in pool:
        found = readings(ch)
        if found and len(by_letter.setdefault(found[0][0], [])) < 30:
            by_letter[found[0][0]].append(ch)
    chars = [ch for letter in "zhangji" for ch in by_letter.get(letter, [])] + ["掌", "机"]
    tokens = [a + b for a in chars for b in chars]
    # Every other pair is written once, 掌机 in a few entries (a word is written more
    # than chance pairs; among equals the cap on spellings would decide).
    spellings = pinyin_spellings("zhangji", HanVocabulary.of(tokens, {"掌机": 3}))
    assert "掌机" in spellings


# -- a paste of unknown words widens only the first few ---------------------------------

def test_a_paste_of_unknown_words_widens_only_its_first_few_terms(monkeypatch) -> None:
    """A slip sits in a word or two; a pasted run of unknown words must not cost a
    typo and pinyin look-up per word (16 of them took most of a second at 100k)."""
    from tui.core.search import widening

    engine = SearchEngine.from_entries([
        _e("okapi", "Okapi sightings", "The okapi lives in the rainforest."),
        _e("zebra", "Zebra stripes", "Stripes confuse flies."),
    ])
    widened: list[str] = []
    real = widening.Widener.widen

    def spy(self: widening.Widener, plan: object, direct: int) -> bool:
        widened.append(plan.folded)  # type: ignore[attr-defined]
        return real(self, plan, direct)  # type: ignore[arg-type]

    monkeypatch.setattr(widening.Widener, "widen", spy)
    words = ["rainforrest", "qwzxv", "plmokn", "ijnuhb", "ygvtfc", "rdxesz", "wqazxs"]
    result = engine.search(" ".join(words))
    assert widened == words[: widening.WIDENED_TERMS]
    # The typo in the first word is still forgiven: the okapi note is found.
    assert "okapi" in _ids(result)


def test_one_punctuation_character_alone_is_read_like_a_lone_letter() -> None:
    """`@` or `#` typed first starts a filter or a word: like a lone letter it finds
    titles starting with it, not a scan of every text for a character that may be rare;
    quoted (`'@`) it is meant, and found anywhere."""
    engine = SearchEngine.from_entries([
        _e("handle", "@okapi fan club", "Members only."),
        _e("mail", "Contact", "Write to keeper@example.org about the okapi."),
    ])
    assert _ids(engine.search("@")) == ["handle"]
    assert set(_ids(engine.search("'@"))) == {"handle", "mail"}
    assert set(_ids(engine.search("okapi @"))) == {"handle", "mail"}  # waits, as a letter


# -- spelled-out pinyin: a title that holds the word comes first -------------------------

def test_spelled_pinyin_puts_the_note_titled_with_the_word_above_short_section_names() -> None:
    """`zhangji` also reads 长假 (zhang + jia cut short, as typed so far); a hundred
    sections named 资源 that say 长假 used to fill the page before the note whose
    long title holds 掌机, which the fine ranker then never saw."""
    sections = [
        _e(f"s{i}", "资源", f"国庆长假后的第{i}个周末有一场分享会。", kind="section",
           path=f"weekly/issue-{i}.md", line=10)
        for i in range(120)
    ]
    titled = _e("handheld", "周刊（第 196 期）：掌机的未来", "本周话题：掌机的未来与游戏。",
                path="weekly/issue-196.md")
    engine = SearchEngine.from_entries([*sections, titled])
    assert _ids(engine.search("zhangji", limit=5))[0] == "handheld"
    # The words as typed still find what they found before.
    assert "s0" in _ids(engine.search("zhangji", limit=0))


# -- accents: typed on an English keyboard, as fzf matches them -----------------------

ACCENTS = [
    _e("cafe", "Notes from the café", "We met at the café in Zürich and read a résumé.\n"
       "A naïve model still helps."),
    _e("plain", "Resuming downloads", "curl -C - resumes where a download stopped."),
]


def test_words_typed_without_accents_find_the_accented_text_and_mark_it() -> None:
    engine = SearchEngine.from_entries(ACCENTS)
    for query in ("cafe", "zurich", "Zurich", "naive", "café"):
        result = engine.search(query)
        assert _strict(result)[:1] == ["cafe"], query
    hit = engine.search("cafe").hits[0]
    assert [hit.entry.title[a:b] for a, b in hit.title_spans] == ["café"], "the accented word lit"


def test_a_typo_in_an_accented_word_is_still_corrected() -> None:
    engine = SearchEngine.from_entries(ACCENTS)
    assert "cafe" in _ids(engine.search("naïev"))


def test_a_quoted_single_letter_beside_words_is_found_anywhere_as_documented() -> None:
    """`'x` requires the character anywhere (README), also next to words (REVIEW4 F1)."""
    notes = [_e("street", "Harbour walk", "The harbour is on Hafenstraße."),
             _e("plain", "Harbour map", "The harbour has no accents.")]
    engine = SearchEngine.from_entries(notes)
    assert _strict(engine.search("harbour 'ß")) == ["street"]
