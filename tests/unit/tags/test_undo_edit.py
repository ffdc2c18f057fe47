"""`reverse_edit`: a tag edit taken back from a file edited elsewhere since."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from tui.core.tags.undo_edit import reverse_edit

LINE = st.sampled_from([b"---\n", b"tags: [a]\n", b"title: T\r\n", b"body\n", b"\n", b"x\r",
                        "量子\n".encode(), b"last"])


@given(st.lists(LINE, max_size=6), LINE, LINE, st.lists(LINE, max_size=6),
       st.lists(LINE, max_size=4))
@example([], b"---\n", b"x\r", [], [b"\n"])  # found by hypothesis: a CR, then an LF added
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
    assert taken_back == before + b"".join(added) or (taken_back is None and merged)


def test_a_change_to_the_edited_line_refuses() -> None:
    before, after = b"---\ntags: [a]\n---\nbody\n", b"---\ntags: [a, x]\n---\nbody\n"
    assert reverse_edit(before, after, b"---\ntags: [a, x, y]\n---\nbody\n") is None


def test_a_change_right_after_the_edited_line_refuses() -> None:
    before, after = b"---\ntags: [a]\n---\nbody\n", b"---\ntags: [a, x]\n---\nbody\n"
    assert reverse_edit(before, after, b"---\ntags: [a, x]\ntitle: new\n---\nbody\n") is None


def test_a_change_before_the_edited_line_refuses() -> None:
    before, after = b"---\ntags: [a]\n---\nbody\n", b"---\ntags: [a, x]\n---\nbody\n"
    assert reverse_edit(before, after, b"+++\ntags: [a, x]\n---\nbody\n") is None
