"""End to end: the installed `notesift` command in a real terminal (tmux)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tui_helpers import notesift_command as _notesift
from tui_helpers import poll

pytestmark = [pytest.mark.e2e, pytest.mark.slow]



def test_find_a_tweet_preview_it_and_quit(terminal_for, example_notes: Path) -> None:  # type: ignore[no-untyped-def]
    term = terminal_for(f"{_notesift()} {example_notes}")
    term.wait_for("INSERT")
    term.wait_for("watch:")
    term.send("kind:tweet likes:>1000")
    term.wait_for("♥")
    term.wait_for("https://x.com/")  # the preview shows the tweet's link
    term.send("C-q")
    term.wait_for("EXIT=0")


def test_live_updates_in_the_running_app(terminal_for, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "notes"
    root.mkdir()
    (root / "seed.md").write_text("# Seed\n\nfirst note\n", encoding="utf-8")
    term = terminal_for(f"{_notesift()} {root}")
    term.wait_for("watch:native")
    term.send("okapi")
    term.wait_for("0/")
    note = root / "okapi.md"
    note.write_text("# Okapi facts\n\nstriped legs\n", encoding="utf-8")
    term.wait_for("Okapi facts")
    backup = root / "okapi.md~"
    os.rename(note, backup)
    note.write_text("# Okapi revised\n\nstill striped\n", encoding="utf-8")
    backup.unlink()
    shown = term.wait_for("Okapi revised")
    assert "okapi.md~" not in shown
    note.unlink()
    poll(lambda: "Okapi" not in term.screen(), "the deleted note gone from the screen")
    term.send("C-q")
    term.wait_for("EXIT=0")


@pytest.mark.parametrize("kind", ["missing", "bad interpreter"])
def test_an_editor_that_cannot_start_gives_the_terminal_back_with_a_message(  # type: ignore[no-untyped-def]
    terminal_for, example_notes: Path, tmp_path: Path, kind: str,
) -> None:
    """A typo in $EDITOR, or a script whose interpreter is gone (TRY3 #1): the screen
    used to stay blank and deaf for good; the app comes back and says why."""
    editor = "notesift-no-such-editor"
    if kind == "bad interpreter":
        script = tmp_path / "ed.sh"
        script.write_text("#!/nonexistent/interpreter\n", encoding="utf-8")
        script.chmod(0o755)
        editor = str(script)
    term = terminal_for(f"EDITOR={editor} {_notesift()} {example_notes}")
    term.wait_for("watch:")
    term.send("kind:tweet")
    term.wait_for("♥")
    term.send("Enter")
    term.wait_for("could not start editor")
    term.send("C-q")
    term.wait_for("EXIT=0")
