"""The `notesift` command: the TUI by default, plus scripting subcommands.

`notesift [DIR]` opens the browser; `notesift search …` prints results for
scripts (JSON Lines with `--json`). Exit codes follow grep and ripgrep: 0 when
something was found, 1 when nothing was, 2 on an error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TextIO

from tui.core.config import load_config, resolve_notes_dir
from tui.core.index import NoteIndex
from tui.core.search import SORT_ORDERS, SearchHit
from tui.core.textsafe import json_safe, one_line, printable

EXIT_FOUND, EXIT_NONE, EXIT_ERROR = 0, 1, 2
SUBCOMMANDS = ("search", "tag", "tags", "keys", "check")
_BOLD_MATCH, _DIM, _RESET = "\x1b[1;31m", "\x1b[2m", "\x1b[0m"


def _search_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="notesift search",
        description="Search notes with fzf's extended syntax plus fields "
        "(kind: tag:/#  author:/@  path: title: date: likes:).",
    )
    parser.add_argument("query", nargs="+", help="query words (joined by spaces)")
    parser.add_argument("--dir", help="notes directory (default: $NOTESIFT_DIR, config, cwd)")
    parser.add_argument("--limit", type=int, default=20, help="results to print; 0 = all")
    parser.add_argument("--sort", choices=SORT_ORDERS, default="score")
    parser.add_argument("--json", action="store_true", help="JSON Lines, one result per line")
    parser.add_argument("--no-cache", action="store_true", help="ignore the persistent index")
    parser.add_argument("--quiet", "-q", action="store_true", help="no warnings on stderr")
    return parser


def hit_record(hit: SearchHit) -> dict[str, object]:
    """The JSON form of a hit: the CLI contract scripts rely on."""
    entry = hit.entry
    record: dict[str, object] = {
        "id": entry.id,
        "kind": entry.kind,
        "title": entry.title,
        "path": entry.path,
        "line": entry.line,
        "end_line": entry.end_line,
        "match_line": hit.match_line,
        "score": round(hit.score, 2),
        "tags": list(entry.tags),
        "snippet": hit.snippet,
        "title_spans": [list(s) for s in hit.title_spans],
        "snippet_spans": [list(s) for s in hit.snippet_spans],
        "breadcrumb": entry.breadcrumb,
    }
    if hit.partial:
        record["partial"] = True
    for key in ("author", "date", "url", "likes", "retweets", "replies", "quotes"):
        if key in entry.meta:
            record[key] = entry.meta[key]
    return record


def _highlight(text: str, spans: list[tuple[int, int]], color: bool) -> str:
    """Control-safe text with match spans in bold red on a terminal."""
    if not color or not spans:
        return one_line(text)
    out, pos = [], 0
    for start, end in spans:
        out.append(one_line(text[pos:start]))
        out.append(_BOLD_MATCH + one_line(text[start:end]) + _RESET)
        pos = end
    out.append(one_line(text[pos:]))
    return "".join(out)


def _print_plain(hit: SearchHit, out: TextIO, color: bool) -> None:
    entry = hit.entry
    where = f"{printable(entry.path)}:{hit.match_line}"
    title = _highlight(entry.title, hit.title_spans, color)
    snippet = _highlight(hit.snippet, hit.snippet_spans, color)
    kind = f"{_DIM}{entry.kind:<7}{_RESET}" if color else f"{entry.kind:<7}"
    tail = f" — {snippet}" if snippet and one_line(hit.snippet) != one_line(entry.title) else ""
    out.write(f"{where}  {kind} {title}{tail}\n")


def run_search(
    argv: Sequence[str], out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """`notesift search`: print ranked results; exit 0 found, 1 none, 2 error."""
    out = out or sys.stdout
    err = err or sys.stderr
    args = _search_parser().parse_args(argv)
    config, problems = load_config()
    root = resolve_notes_dir(args.dir, config)
    if not root.is_dir():
        err.write(f"notesift: {printable(str(root))}: not a directory\n")
        return EXIT_ERROR
    index = NoteIndex(root, use_cache=not args.no_cache, ignore_globs=config.ignore)
    try:
        index.refresh()
        result = index.engine.search(" ".join(args.query), limit=max(0, args.limit), sort=args.sort)
        warnings = problems + index.warnings
    finally:
        index.close()
    if not args.quiet:
        for warning in warnings:
            err.write(f"notesift: warning: {printable(warning)}\n")
    query_text = " ".join(args.query)
    for error in result.errors:
        err.write(f"notesift: query error: {printable(error.message)}\n")
        caret = " " * error.position + "^" * max(1, error.length)
        err.write(f"  {printable(query_text)}\n  {caret}\n")
    if result.errors:
        return EXIT_ERROR
    color = not args.json and out.isatty()
    for hit in result.hits:
        if args.json:
            out.write(json_safe(json.dumps(hit_record(hit), ensure_ascii=False)) + "\n")
        else:
            _print_plain(hit, out, color)
    if result.partial_count and not args.quiet and not args.json:
        err.write(f"notesift: {result.partial_count} partial matches (not every term matched)\n")
    return EXIT_FOUND if result.hits else EXIT_NONE


def _app_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="notesift",
        description="Keyboard-driven terminal notes browser. Subcommands: "
        + ", ".join(SUBCOMMANDS) + " (see `notesift SUBCOMMAND --help`).",
    )
    parser.add_argument(
        "dir", nargs="?", help="notes directory (default: $NOTESIFT_DIR, config, cwd)"
    )
    parser.add_argument("--theme", help="theme name (see `notesift check` for the list)")
    parser.add_argument(
        "--keymap", help="keymap file, or a preset name (vim, emacs); default: config dir"
    )
    parser.add_argument("--no-watch", action="store_true", help="do not watch for changes")
    parser.add_argument("--no-cache", action="store_true", help="ignore the persistent index")
    parser.add_argument("--version", action="store_true")
    return parser


def run_app(args: argparse.Namespace) -> int:
    """Start the TUI; returns the exit status."""
    from tui.app import AppSettings, make_app
    from tui.core.keymap_file import keymap_choice

    config, problems = load_config()
    root = resolve_notes_dir(args.dir, config)
    if not root.is_dir():
        sys.stderr.write(f"notesift: {printable(str(root))}: not a directory\n")
        return EXIT_ERROR
    keymap_file, preset = keymap_choice(args.keymap)
    settings = AppSettings(
        root=root,
        config=config,
        problems=problems,
        keymap_file=keymap_file,
        keymap_preset=preset,
        theme=args.theme,
        watch=not args.no_watch,
        use_cache=not args.no_cache,
    )
    code = make_app(settings).run()
    return code if isinstance(code, int) else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `notesift` console script."""
    try:
        return _dispatch(argv)
    except BrokenPipeError:
        # `notesift search … | head`: the reader left; stop quietly, as grep does.
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FOUND


def _dispatch(argv: Sequence[str] | None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and args_list[0] == "search":
        return run_search(args_list[1:])
    if args_list and args_list[0] in ("tag", "tags"):
        from tui.tags_cli import run_tag, run_tags

        return (run_tag if args_list[0] == "tag" else run_tags)(args_list[1:])
    if args_list and args_list[0] in ("keys", "check"):
        from tui.keys_cli import run_check, run_keys

        return (run_keys if args_list[0] == "keys" else run_check)(args_list[1:])
    args = _app_parser().parse_args(args_list)
    if args.version:
        from tui import __version__

        print(f"notesift {__version__}")
        return EXIT_FOUND
    return run_app(args)


if __name__ == "__main__":
    sys.exit(main())
