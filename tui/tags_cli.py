"""`notesift tag` (add/remove tags by entry id) and `notesift tags` (list tags with counts).

Ids are the ones `notesift search --json` prints, so scripts can tag what they
found. Writes go through `TagStore`: front matter for notes that have it, the
`.notesift/tags.json` sidecar for everything else; a refused write (the file
changed meanwhile, or cannot be written) is reported naming the file.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from tui.core.config import notes_folder_or_say_why
from tui.core.ingest.entry import Entry
from tui.core.ingest.inline_tags import merge_tags
from tui.core.search.searchable import SearchableIndex
from tui.core.tags.tagstore import TagError, TagStore, load_sidecar, normalize_tag
from tui.core.text.sanitize import from_argv, json_safe, printable

__all__ = [
    "configure_tag",
    "configure_tags",
    "run_tag",
    "run_tag_args",
    "run_tags",
    "run_tags_args",
]

EXIT_OK, EXIT_UNKNOWN, EXIT_REFUSED = 0, 1, 2


TAG_DESCRIPTION = "Add or remove tags on entries, by the ids `notesift search --json` prints."
TAG_EXAMPLES = """\
examples:
  notesift search --json kind:tweet @karpathy | jq -r .id | xargs notesift tag --add ai
  notesift tag --remove draft 'ideas.md#Projects/Next steps'
"""
TAGS_DESCRIPTION = "List every tag with the number of entries using it."
TAGS_EXAMPLES = """\
examples:
  notesift tags --dir ~/notes | head     # the most used tags
  notesift tags --json | jq -r .tag
"""


def _parser(name: str) -> argparse.ArgumentParser:
    tag = name == "tag"
    parser = argparse.ArgumentParser(
        prog=f"notesift {name}",
        description=TAG_DESCRIPTION if tag else TAGS_DESCRIPTION,
        epilog=TAG_EXAMPLES if tag else TAGS_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    (configure_tag if tag else configure_tags)(parser)
    return parser


def configure_tag(parser: argparse.ArgumentParser) -> None:
    """Arguments of `notesift tag`."""
    parser.add_argument("ids", nargs="+", metavar="ID", help="entry ids")
    parser.add_argument("--dir", help="notes directory (default: $NOTESIFT_DIR, config, cwd)")
    parser.add_argument("--add", action="append", default=[], metavar="TAG", help="tag to add")
    parser.add_argument(
        "--remove", action="append", default=[], metavar="TAG", help="tag to remove"
    )
    parser.add_argument("--no-cache", action="store_true", help="ignore the persistent index")


def configure_tags(parser: argparse.ArgumentParser) -> None:
    """Arguments of `notesift tags`."""
    parser.add_argument("--dir", help="notes directory (default: $NOTESIFT_DIR, config, cwd)")
    parser.add_argument("--json", action="store_true", help='JSON Lines: {"tag": …, "count": …}')
    parser.add_argument("--no-cache", action="store_true", help="ignore the persistent index")


def _open_index(dir_arg: str | None, no_cache: bool, err: TextIO) -> SearchableIndex | None:
    folder = notes_folder_or_say_why(dir_arg, err)
    if folder is None:
        return None
    config, root = folder.config, folder.root
    index = SearchableIndex(root, use_cache=not no_cache, ignore_globs=config.ignore,
                      respect_gitignore=config.respect_gitignore)
    def waiting() -> None:
        # The lock is the cache file's: naming it tells which index is busy.
        err.write("notesift: another notesift is building this index "
                  f"({printable(str(index.cache_path))}); waiting for it\n")
        err.flush()

    index.quick_refresh(on_wait=waiting)
    for notice in index.notices:
        err.write(f"notesift: {printable(notice)}\n")
    return index


def run_tag(argv: Sequence[str], out: TextIO | None = None, err: TextIO | None = None) -> int:
    """`notesift tag ARGV…`."""
    return run_tag_args(_parser("tag").parse_args(list(argv)), out, err)


def run_tag_args(args: argparse.Namespace, out: TextIO | None = None,
                 err: TextIO | None = None) -> int:
    """Apply `--add`/`--remove` to every id: 0 all applied, 1 unknown id, 2 refused.

    Known ids are tagged even when another id is unknown; the worst status wins.
    """
    out, err = out or sys.stdout, err or sys.stderr
    if not args.add and not args.remove:
        err.write("notesift tag: give --add TAG and/or --remove TAG\n")
        return EXIT_REFUSED
    garbled = [t for t in [*args.add, *args.remove] if from_argv(t) != t]
    if garbled:  # never write U+FFFD into a note as a tag
        err.write(f"notesift tag: tag {printable(from_argv(garbled[0]))!r} is not valid UTF-8\n")
        return EXIT_REFUSED
    try:
        adds = [normalize_tag(t) for t in args.add]
        removes = [normalize_tag(t) for t in args.remove]
    except TagError as exc:
        err.write(f"notesift tag: {printable(str(exc))}\n")
        return EXIT_REFUSED
    index = _open_index(args.dir, args.no_cache, err)
    if index is None:
        return EXIT_REFUSED
    try:
        entries: list[Entry] = []
        status = EXIT_OK
        for entry_id in map(from_argv, args.ids):
            entry = index.guarded(lambda i=entry_id: index.store.find_id(i))
            if entry is None:
                err.write(f"notesift tag: unknown id {printable(entry_id)}\n")
                status = EXIT_UNKNOWN
            else:
                entries.append(entry)
        store = TagStore(index.root)
    finally:
        index.close()
    if not entries:
        return status
    for tag, adding in [(t, True) for t in adds] + [(t, False) for t in removes]:
        for entry in entries:
            change = store.add(entry, tag) if adding else store.remove(entry, tag)
            if change.ok:
                out.write(printable(change.message) + "\n")
            else:
                err.write(f"notesift tag: {printable(change.message)}\n")
                status = EXIT_REFUSED
    return status


def tag_counts(entries: Sequence[Entry], sidecar: dict[str, list[str]]) -> Counter[str]:
    """Entries per tag, counting indexed and sidecar tags once per entry."""
    counts: Counter[str] = Counter()
    for entry in entries:
        counts.update(merge_tags(entry.tags, sidecar.get(entry.id, ())))
    return counts


def run_tags(argv: Sequence[str], out: TextIO | None = None, err: TextIO | None = None) -> int:
    """`notesift tags ARGV…`."""
    return run_tags_args(_parser("tags").parse_args(list(argv)), out, err)


def run_tags_args(args: argparse.Namespace, out: TextIO | None = None,
                  err: TextIO | None = None) -> int:
    """Print tags by descending count (0), or nothing when there are none (1)."""
    out, err = out or sys.stdout, err or sys.stderr
    index = _open_index(args.dir, args.no_cache, err)
    if index is None:
        return EXIT_REFUSED
    try:
        entries = index.guarded(lambda: index.store.all_entries())
        root: Path = index.root
    finally:
        index.close()
    sidecar, warning = load_sidecar(root)
    if warning:
        err.write(f"notesift: warning: {printable(warning)}\n")
    counts = tag_counts(entries, sidecar)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].casefold(), kv[0]))
    for tag, count in ranked:
        if args.json:
            record = {"tag": tag, "count": count}
            out.write(json_safe(json.dumps(record, ensure_ascii=False)) + "\n")
        else:
            out.write(f"{count:6}  {printable(tag)}\n")
    return EXIT_OK if ranked else EXIT_UNKNOWN
