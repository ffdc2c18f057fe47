"""`reverse_edit`: a tag edit taken back from a file edited elsewhere since."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from tui.core.ingest.sidecar import parse_sidecar
from tui.core.tags.tagstore import dump_sidecar, reverse_sidecar_edit
from tui.core.tags.undo_edit import reverse_edit

LINE = st.sampled_from([b"---\n", b"tags: [a]\n", b"title: T\r\n", b"body\n", b"\n", b"x\r",
                        "量子\n".encode(), b"last"])


@given(st.lists(LINE, max_size=6), LINE, LINE, st.lists(LINE, max_size=6),
       st.lists(LINE, max_size=4))
@example([], b"---\n", b"x\r", [], [b"\n"])  # found by hypothesis: a CR, then an LF added
@example([], b"---\n", b"x\r", [], [b"\n", b"x\r"])  # the edited last line repeated below
def test_an_edit_is_taken_back_and_lines_added_after_it_stay(
    head: list[bytes], old: bytes, new: bytes, tail: list[bytes], added: list[bytes],
) -> None:
    tail = [line if line.endswith((b"\n", b"\r")) else line + b"\n" for line in tail]
    old, new = (x if x.endswith((b"\n", b"\r")) else x + b"\n" for x in (old, new))
    before = b"".join([*head, old, *tail])
    after = b"".join([*head, new, *tail])
    now = after + b"".join(added)
    taken_back = reverse_edit(before, after, now)
    # A bare CR ending the edited file and an added line starting with LF read as one
    # CRLF line: the edit's lines changed, and refusing then loses nothing.
    merged = now.splitlines(keepends=True)[:len(after.splitlines())] != after.splitlines(
        keepends=True)
    # Added lines that repeat the edited file's lines may repeat the edit itself: which
    # copy was the tag's cannot be told, and refusing then is right.
    repeats = any(line in after.splitlines(keepends=True) for line in added)
    assert taken_back == before + b"".join(added) or (taken_back is None and (merged or repeats))


def test_a_change_to_the_edited_line_refuses() -> None:
    before, after = b"---\ntags: [a]\n---\nbody\n", b"---\ntags: [a, x]\n---\nbody\n"
    assert reverse_edit(before, after, b"---\ntags: [a, x, y]\n---\nbody\n") is None


def test_a_change_right_after_the_edited_line_refuses() -> None:
    before, after = b"---\ntags: [a]\n---\nbody\n", b"---\ntags: [a, x]\n---\nbody\n"
    assert reverse_edit(before, after, b"---\ntags: [a, x]\ntitle: new\n---\nbody\n") is None


def test_a_change_before_the_edited_line_refuses() -> None:
    before, after = b"---\ntags: [a]\n---\nbody\n", b"---\ntags: [a, x]\n---\nbody\n"
    assert reverse_edit(before, after, b"+++\ntags: [a, x]\n---\nbody\n") is None


def test_lines_added_or_removed_above_the_edit_do_not_stop_it() -> None:
    """An editor adding a line at the top, another process tagging a note that sorts
    first in the sidecar (TRY3 #3): the edited line moved, unchanged, and is undone."""
    before = b"---\ntitle: T\ntags: [a]\ndraft: no\n---\nbody\n"
    after = b"---\ntitle: T\ntags: [a, x]\ndraft: no\n---\nbody\n"
    moved = b"---\nauthor: me\ntitle: T\ntags: [a, x]\ndraft: no\n---\nbody\nmore\n"
    assert reverse_edit(before, after, moved) == (
        b"---\nauthor: me\ntitle: T\ntags: [a]\ndraft: no\n---\nbody\nmore\n")
    sidecar_before = b'{\n  "b.md": ["k"],\n  "z.md": ["q"]\n}\n'
    sidecar_after = b'{\n  "b.md": ["k"],\n  "z.md": ["q", "uK"]\n}\n'
    other_tagged = b'{\n  "a.md": ["uL"],\n  "b.md": ["k"],\n  "z.md": ["q", "uK"]\n}\n'
    assert reverse_edit(sidecar_before, sidecar_after, other_tagged) == (
        b'{\n  "a.md": ["uL"],\n  "b.md": ["k"],\n  "z.md": ["q"]\n}\n')


def test_the_sidecar_is_undone_by_its_data_never_on_another_note() -> None:
    """Another note tagged alike since (REVIEW3 #1): the lines around the edit repeat in
    its entry, and a line-based undo took `beta` off a.md; by data, c.md gets its tags
    back and a.md keeps its own."""
    before = dump_sidecar({"c.md": ["alpha", "gamma"]})
    after = dump_sidecar({"c.md": ["alpha", "beta", "gamma"]})
    now = dump_sidecar({"a.md": ["alpha", "beta", "gamma"], "c.md": ["alpha", "beta", "gamma"]})
    assert parse_sidecar(reverse_sidecar_edit(before, after, now) or b"") == {
        "a.md": ["alpha", "beta", "gamma"], "c.md": ["alpha", "gamma"]}
    changed_since = dump_sidecar({"a.md": ["alpha", "beta", "gamma"],
                                  "c.md": ["alpha", "beta", "delta", "gamma"]})
    assert reverse_sidecar_edit(before, after, changed_since) is None
    assert parse_sidecar(reverse_sidecar_edit(None, after, now) or b"") == {
        "a.md": ["alpha", "beta", "gamma"]}, "a first tag: the note leaves the file"


def test_an_edit_found_in_two_places_refuses() -> None:
    """Which copy was the tag's cannot be told: nothing is written."""
    before, after = b"x\ntags: [a]\ny\n", b"x\ntags: [a, b]\ny\n"
    assert reverse_edit(before, after, b"top\nx\ntags: [a, b]\ny\nx\ntags: [a, b]\ny\n") is None
