"""Which tag a tag prompt's Enter adds: the completion the user sees, if any.

The prompt shows the first known tag starting with what was typed as dimmed
ghost text (`ru` → `rust`). A user reads the whole word and presses Enter, so
Enter takes it; a trailing space keeps exactly what was typed (`ru ` → `ru`),
and the ghost disappears with it, so the screen always shows what Enter does.
"""

from __future__ import annotations


def typed_tag(text: str) -> str:
    """The tag a user typed: spaces around it and leading `#` marks dropped."""
    return text.strip().lstrip("#").strip()


def tag_completion(text: str, choices: list[str]) -> str | None:
    """The first choice completing `text` (case-insensitive), or None.

    None when nothing is typed, the text ends with a space (kept as typed), or
    no known tag starts with it. Mirrors Textual's `SuggestFromList`, which
    shows the first matching choice in list order.
    """
    if not text or text[-1].isspace():
        return None
    typed = text.lstrip("#").casefold()
    if not typed:
        return None
    for choice in choices:
        if choice.casefold().startswith(typed):
            return choice
    return None


def tag_to_submit(text: str, choices: list[str]) -> str:
    """What Enter adds: the visible completion, else the typed tag ('' if none)."""
    return tag_completion(text, choices) or typed_tag(text)
