"""Copying and tagging from the TUI, driven by Pilot."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_helpers import app_settings, until
from tui_helpers import settle as _settle

from tui.app import NotesiftApp, make_app

pytestmark = pytest.mark.asyncio

POST = "blog/2025-03-08-weekly-2.md"


@pytest.fixture(autouse=True)
def _no_display(monkeypatch: pytest.MonkeyPatch) -> None:
    """No X/Wayland and no tmux: copies go out as OSC 52 and stay in the app."""
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "TMUX"):
        monkeypatch.delenv(name, raising=False)


def _app(root: Path, tmp_path: Path, **kw: object) -> NotesiftApp:
    return make_app(app_settings(root, tmp_path, **kw))


async def _query(pilot, app: NotesiftApp, text: str) -> None:  # type: ignore[no-untyped-def]
    await until(pilot, lambda: app.indexed, "the first index")
    app.search_input.focus()
    app.search_input.value = text  # as if typed (Pilot needs key names for "#", ":")
    await _settle(pilot, app)


async def test_yl_copies_a_tweet_link_via_osc52_and_keeps_it(
    example_notes: Path, tmp_path: Path
) -> None:
    app = _app(example_notes, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await _query(pilot, app, "kind:tweet likes:>1000")
        url = app.results.current.entry.meta["url"]  # type: ignore[union-attr]
        await pilot.press("escape", "y", "l")
        await pilot.pause()
        assert app.clipboard == url, "OSC 52 went out through Textual"
        assert app.app_clipboard == url


async def test_code_blocks_offer_a_picker(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    root.mkdir()
    (root / "code.md").write_text(
        "# Snippets\n\n```sh\necho first\n```\n\ntext\n\n```python\nprint('second')\n```\n",
        encoding="utf-8",
    )
    app = _app(root, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await _query(pilot, app, "snippets")
        await pilot.press("escape", "y", "c")
        await pilot.pause()
        assert type(app.screen).__name__ == "PickerScreen"
        await pilot.press("j", "enter")
        await pilot.pause()
        assert app.app_clipboard == "print('second')"


async def test_yp_copies_the_line_enter_opens(tmp_path: Path) -> None:
    """`yp` is `path:line` of the match, the line `<CR>` and `pick` go to (TRY3 #3)."""
    root = tmp_path / "notes"
    root.mkdir()
    (root / "log.md").write_text(
        "# Ship log\n\n## Week 1\n\ncalm seas\n\nlighthouse keeper waved\n",
        encoding="utf-8")
    (root / "crew.md").write_text("# Crew\n\nnobody\n\nthe lighthouse at dusk\n",
                                  encoding="utf-8")
    app = _app(root, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await _query(pilot, app, "lighthouse")
        hits = {h.entry.path: h for h in app.results.hits}
        assert hits["log.md"].match_line == 7 and hits["crew.md"].match_line == 5
        first = app.results.current
        assert first is not None
        await pilot.press("escape", "y", "p")
        await pilot.pause()
        assert app.app_clipboard == f"{first.entry.path}:{first.match_line}"
        await pilot.press("tab", "tab", "y", "p")
        await pilot.pause()
        assert sorted(app.app_clipboard.split("\n\n")) == ["crew.md:5", "log.md:7"]


async def test_marked_entries_are_copied_together(example_notes: Path, tmp_path: Path) -> None:
    app = _app(example_notes, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await _query(pilot, app, "kind:tweet")
        first, second = (h.entry.title for h in app.results.hits[:2])
        await pilot.press("escape", "tab", "tab", "y", "t")
        await pilot.pause()
        assert app.app_clipboard == f"{first}\n\n{second}"
        assert app.status_info.marked == 2


async def test_tag_prompt_enter_adds_the_completion_shown_and_a_space_keeps_the_typed(
    example_notes: Path, tmp_path: Path
) -> None:
    post = example_notes / POST
    app = _app(example_notes, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await _query(pilot, app, f"path:{POST} kind:note")
        for typed, added in (("ru", "rust"), ("ru ", "ru")):
            await pilot.press("escape", "t")
            await until(pilot, lambda: type(app.screen).__name__ == "TagPromptScreen", "prompt")
            for ch in typed:
                await pilot.press("space" if ch == " " else ch)
            await pilot.pause()
            line = str(app.screen.query_one("#tag-enter").render())
            assert f"Enter: #{added}" in line
            await pilot.press("enter")
            await _settle(pilot, app)
            await until(pilot, lambda a=added: f'"{a}"' in post.read_text(encoding="utf-8"),
                        f"#{added} written")
        tags_line = next(line for line in post.read_text(encoding="utf-8").splitlines()
                         if line.startswith("tags:"))
        assert tags_line.count('"rust"') == 1 and tags_line.count('"ru"') == 1


async def test_tag_add_edits_only_the_tags_line_and_undo_restores(
    example_notes: Path, tmp_path: Path
) -> None:
    post = example_notes / POST
    before = post.read_bytes()
    app = _app(example_notes, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await _query(pilot, app, f"path:{POST} kind:note")
        await pilot.press("escape", "t")
        await pilot.pause()
        assert type(app.screen).__name__ == "TagPromptScreen"
        for ch in "urgent":
            await pilot.press(ch)
        await pilot.press("enter")
        await _settle(pilot, app)
        after = post.read_bytes()
        changed = [
            (a, b)
            for a, b in zip(before.splitlines(), after.splitlines(), strict=True)
            if a != b
        ]
        assert len(changed) == 1 and b"tags" in changed[0][1] and b"urgent" in changed[0][1]
        await _query(pilot, app, "#urgent")
        assert [h.entry.path for h in app.results.hits] == [POST]
        await pilot.press("escape", "u")
        await _settle(pilot, app)
        assert post.read_bytes() == before


async def test_tagging_a_tweet_uses_the_sidecar_and_leader_removes(
    example_notes: Path, tmp_path: Path
) -> None:
    digest = example_notes / "tweets" / "digest-2024.md"
    before = digest.read_bytes()
    app = _app(example_notes, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await _query(pilot, app, "kind:tweet")
        tweet_id = app.results.current.entry.id  # type: ignore[union-attr]
        await pilot.press("escape", "t", *"later", "enter")
        await _settle(pilot, app)
        assert digest.read_bytes() == before, "a tweet's file is never edited"
        assert "later" in (example_notes / ".notesift" / "tags.json").read_text()
        await _query(pilot, app, "#later")
        assert [h.entry.id for h in app.results.hits] == [tweet_id]
        await pilot.press("escape", "alt+a", "t", "r", *"later", "enter")
        await _settle(pilot, app)
        await _query(pilot, app, "#later")
        assert app.results.hits == []


async def test_opened_entries_come_first_on_the_empty_query(
    example_notes: Path, tmp_path: Path
) -> None:
    app = _app(example_notes, tmp_path, editor_runner=lambda argv: 0)
    async with app.run_test(size=(120, 40)) as pilot:
        await _query(pilot, app, "kind:key")
        opened = app.results.current.entry.id  # type: ignore[union-attr]
        await pilot.press("enter")
        await _settle(pilot, app)
        await _query(pilot, app, "")
        assert app.results.hits[0].entry.id == opened


async def test_a_sidecar_linked_out_of_the_root_is_refused_on_screen(
    example_notes: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (example_notes / ".notesift").symlink_to(outside)
    app = _app(example_notes, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await _query(pilot, app, "kind:tweet")
        await pilot.press("escape", "t", *"later", "enter")
        await _settle(pilot, app)
        shown = [n.message for n in app._notifications]
        assert any("outside the notes root" in m and ".notesift" in m for m in shown), shown
    assert list(outside.iterdir()) == []


async def test_tag_prompt_ghost_text_is_what_enter_takes_with_or_without_hash() -> None:
    from tui.screens.tag_prompt import _TagSuggester

    suggester = _TagSuggester(["cli", "rust"])
    assert await suggester.get_suggestion("#ru") == "#rust"
    assert await suggester.get_suggestion("ru") == "rust"
    assert await suggester.get_suggestion("RU") == "RUst"
    assert await suggester.get_suggestion("ru ") is None


async def test_the_code_block_picker_previews_a_block_as_its_lines(tmp_path: Path) -> None:
    """The preview joined a block's lines with ␊ on one line (TRY5 §12)."""
    root = tmp_path / "notes"
    root.mkdir()
    (root / "code.md").write_text(
        "# Snippets\n\n```yaml\nalias: Title\n# After\naliases:\n  - Title\n```\n\n"
        "```sh\necho \x1b[31mred\n```\n", encoding="utf-8")
    app = _app(root, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await _query(pilot, app, "snippets")
        await pilot.press("escape", "y", "c")
        await pilot.pause()
        preview = str(app.screen.query_one("#picker-preview").render())
        assert preview.split("\n") == ["alias: Title", "# After", "aliases:", "  - Title"]
        await pilot.press("j")
        await pilot.pause()
        shown = str(app.screen.query_one("#picker-preview").render())
        assert "\x1b" not in shown and shown.endswith("[31mred"), "user text is data"
