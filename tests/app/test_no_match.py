"""An empty result list says what was searched, the active filters and one useful hint."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.geometry import Region
from tui_helpers import app_settings as _settings
from tui_helpers import ready as _ready
from tui_helpers import settle as _settle
from tui_helpers import until as _until

from tui.app import NotesiftApp, make_app
from tui.core.keys.actions import ActionCall
from tui.core.search.nomatch import Relaxed, no_match_lines, without_filters
from tui.core.search.query import parse_query


def _lines(text: str, relaxed: Relaxed | None = None) -> list[str]:
    return no_match_lines(text, parse_query(text), relaxed)


def test_a_filter_that_hides_matches_is_named_with_the_count() -> None:
    lines = _lines("kind:tweet okapi", Relaxed(12, partial=False))
    assert lines == [
        'no matches for "kind:tweet okapi"',
        "filters: kind:tweet",
        "hint: 12 match without kind:tweet: drop it",
    ]


def test_partial_matches_hidden_by_a_filter_are_pointed_out() -> None:
    lines = _lines("#ai okapi zebra", Relaxed(3, partial=True))
    assert lines[1] == "filters: #ai"
    assert lines[2] == "hint: 3 partial matches (some of the words) hidden by #ai: drop it"


def test_a_tag_no_note_carries_names_the_tags_that_start_so() -> None:
    """`#loop` with tags loop1…loop20 said 'drop a filter' (TRY3 #9)."""
    tags = {f"loop{i}" for i in range(1, 21)} | {"lookup", "misc"}
    hint = no_match_lines("#loop", parse_query("#loop"), None, tags)[-1]
    assert hint == ("hint: no tag #loop; tags starting so: #loop1, #loop2, #loop3, #loop4, "
                    "#loop5 and 15 more")
    assert no_match_lines("#zzz", parse_query("#zzz"), None, tags)[-1] == (
        "hint: no note is tagged #zzz")
    nested = no_match_lines("#loop okapi", parse_query("#loop okapi"), Relaxed(0, False),
                            {"loop/inner"})[-1]
    assert "no tag" not in nested, "the tag exists (nested): the words found nothing"


def test_a_short_word_suggests_the_exact_quote() -> None:
    assert _lines("zq")[-1] == "hint: 'zq finds \"zq\" anywhere (unquoted: word starts only)"


def test_filters_alone_and_plain_words_get_their_own_hint() -> None:
    assert _lines("kind:tweet likes:>99999")[-1] == (
        "hint: no entry passes all these filters: drop one")
    assert _lines("okapi zebra")[-1] == "hint: no entry has all the words: drop one"
    # quoting a word can only find less than the word unquoted: never suggested
    assert "'" not in _lines("okapiz")[-1] and "spelling" in _lines("okapiz")[-1]
    assert _lines("kind:key okapi", Relaxed(0, False))[-1] == (
        "hint: nothing matches even without kind:key: drop a word")


def test_the_relaxed_query_keeps_the_words_only() -> None:
    assert without_filters(parse_query("kind:tweet okapi #ai | #ml zebra")) == "okapi zebra"


def _painted(app: NotesiftApp) -> list[str]:
    width = app.results.outer_size.width
    return [s.text.strip() for s in app.results.render_lines(Region(0, 0, width, 4))]


@pytest.mark.asyncio
async def test_the_empty_list_shows_the_query_filters_and_hint(
    example_notes: Path, tmp_path: Path
) -> None:
    app = make_app(_settings(example_notes, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        app.search_input.value = "kind:key tokenizers"
        await _settle(pilot, app)
        assert app.results.hits == []
        painted = _painted(app)
        assert painted[0] == 'no matches for "kind:key tokenizers"'
        assert painted[1] == "filters: kind:key"
        assert painted[2].startswith("hint: ") and "match without kind:key: drop it" in painted[2]
        app.search_input.value = "tokenizers"
        await _settle(pilot, app)
        assert app.results.hits and "no matches" not in " ".join(_painted(app))



@pytest.mark.asyncio
async def test_a_tag_prefix_is_answered_with_the_tags_it_starts(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    root.mkdir()
    for i in (1, 2, 10):
        (root / f"n{i}.md").write_text(f"---\ntags: [loop{i}]\n---\nbody {i}\n",
                                       encoding="utf-8")
    app = make_app(_settings(root, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        app.search_input.value = "#loop"
        await _settle(pilot, app)
        assert app.results.hits == []
        hint = "hint: no tag #loop; tags starting so: #loop1, #loop2, #loop10"
        assert app.results.empty_lines[-1] == hint
        assert "tags starting so" in " ".join(_painted(app))


@pytest.mark.asyncio
async def test_a_folder_without_notes_names_itself_and_how_to_choose_another(
    tmp_path: Path,
) -> None:
    empty = tmp_path / "e"
    empty.mkdir()
    app = make_app(_settings(empty, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        lines = app.results.empty_lines
        assert lines[0] == f"no notes in {empty.resolve()}"
        assert lines[1].startswith("choose another folder with notesift DIR, $NOTESIFT_DIR")
        assert _painted(app)[0].startswith("no notes in"), "on screen, not a blank list"
        app.search_input.value = "rust"
        await _settle(pilot, app)
        assert app.results.empty_lines[0] == f"no notes in {empty.resolve()}"
        (empty / "a.md").write_text("# A\n\nrust notes\n", encoding="utf-8")
        app.run_action_call(ActionCall("reindex"))
        await _until(pilot, lambda: bool(app.results.hits), "the new note listed")
        assert "no notes" not in " ".join(_painted(app))


def test_a_tag_nobody_carries_but_the_text_holds_says_how_to_find_the_text(
    tmp_path: Path,
) -> None:
    """`#meeting` in code or a link is not a tag: the hint said only that no note is
    tagged so, though 23 files held the text (TRY5 §14)."""
    from tui.app_search import no_match_help
    from tui.core.search.searchable import SearchableIndex

    root = tmp_path / "notes"
    root.mkdir()
    (root / "a.md").write_text("# Agenda\n\nSee `#meeting` in the channel.\n", encoding="utf-8")
    (root / "b.md").write_text("# Other\n\n#planning is a tag here\n", encoding="utf-8")
    index = SearchableIndex(root, use_cache=False)
    index.refresh()
    try:
        hint = no_match_help(index.engine, "#meeting")[-1]
        assert hint == "hint: no note is tagged #meeting, but 1 entry holds the text: '#meeting"
        assert no_match_help(index.engine, "#zebra")[-1] == "hint: no note is tagged #zebra"
    finally:
        index.close()
