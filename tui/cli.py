"""The `notesift` command: the TUI by default, plus scripting subcommands.

`notesift [DIR]` opens the browser; `notesift SUBCOMMAND …` runs one of the
subcommands registered in `SUBCOMMANDS`, each an argparse subparser with its
own `--help` and examples. A first word that names a subcommand is one (use
`./search` for a notes directory called `search`). Exit codes follow grep and
ripgrep: 0 when something was found, 1 when nothing was, 2 on an error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tui import __version__
from tui.core.config import notes_folder_or_say_why
from tui.core.search.hit_format import hit_record
from tui.core.text.sanitize import one_line
from tui.launch import resume_collector
from tui.search_cli import EXIT_ERROR, EXIT_FOUND, SEARCH_EXAMPLES, configure_search, run_search

if TYPE_CHECKING:
    from tui.app import AppSettings

__all__ = ["SUBCOMMANDS", "build_parser", "hit_record", "main", "run_search"]


@dataclass(frozen=True, slots=True)
class Subcommand:
    """One `notesift NAME`: its help texts, its arguments and what runs it."""

    name: str
    summary: str
    description: str
    examples: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


def _run_search(args: argparse.Namespace) -> int:
    from tui.search_cli import run_search_args

    return run_search_args(args)


def _run_pick(args: argparse.Namespace) -> int:
    from tui.pick_cli import run_pick_args

    return run_pick_args(args)


def _run_tag(args: argparse.Namespace) -> int:
    from tui.tags_cli import run_tag_args

    return run_tag_args(args)


def _run_tags(args: argparse.Namespace) -> int:
    from tui.tags_cli import run_tags_args

    return run_tags_args(args)


def _run_reindex(args: argparse.Namespace) -> int:
    from tui.reindex_cli import run_reindex_args

    return run_reindex_args(args)


def _run_keys(args: argparse.Namespace) -> int:
    from tui.keys_cli import run_keys_args

    return run_keys_args(args)


def _run_check(args: argparse.Namespace) -> int:
    from tui.keys_cli import run_check_args

    return run_check_args(args)


def _run_completions(args: argparse.Namespace) -> int:
    from tui.completions import completion_script

    sys.stdout.write(completion_script(args.shell, build_parser()))
    return EXIT_FOUND


def _configure_completions(parser: argparse.ArgumentParser) -> None:
    from tui.completions import SHELLS

    parser.add_argument("shell", choices=SHELLS, help="the shell to print a script for")


# What `notesift --help` lists; kept apart from the subcommands' modules so that
# listing them (the TUI's parser) or running one imports no other.
SUMMARIES = {
    "search": "print matching entries (for people, vim and scripts)",
    "pick": "choose entries in the browser; print them (like fzf)",
    "tag": "add or remove tags by entry id",
    "tags": "list tags with counts",
    "reindex": "rebuild the index cache from scratch, with progress",
    "keys": "print the key bindings as a cheat sheet",
    "check": "validate settings; show the files in use",
    "completions": "print a shell completion script (bash, zsh, fish)",
}


def _search_subcommand() -> Subcommand:
    return Subcommand("search", SUMMARIES["search"],
                      "Search notes with fzf's extended syntax plus fields "
                      "(kind: tag:/#  author:/@  path: title: date: likes:).",
                      SEARCH_EXAMPLES, configure_search, _run_search)


def _subcommands(only: str | None = None) -> tuple[Subcommand, ...]:
    """Every subcommand, or just `only` (a one-shot `search` loads nothing else)."""
    if only == "search":
        return (_search_subcommand(),)
    from tui import keys_cli, pick_cli, reindex_cli, tags_cli
    from tui.completions import COMPLETIONS_EXAMPLES

    commands = (
        _search_subcommand(),
        Subcommand("pick", SUMMARIES["pick"],
                   "Run the browser as a picker: Enter prints the entry (path:line), "
                   "--multi prints the Tab-marked ones. Exit 0 on a choice, 1 when there "
                   "was nothing to choose, 130 on Esc or C-c.",
                   pick_cli.PICK_EXAMPLES, pick_cli.configure_pick, _run_pick),
        Subcommand("tag", SUMMARIES["tag"], tags_cli.TAG_DESCRIPTION,
                   tags_cli.TAG_EXAMPLES, tags_cli.configure_tag, _run_tag),
        Subcommand("tags", SUMMARIES["tags"], tags_cli.TAGS_DESCRIPTION,
                   tags_cli.TAGS_EXAMPLES, tags_cli.configure_tags, _run_tags),
        Subcommand("reindex", SUMMARIES["reindex"], reindex_cli.REINDEX_DESCRIPTION,
                   reindex_cli.REINDEX_EXAMPLES, reindex_cli.configure_reindex, _run_reindex),
        Subcommand("keys", SUMMARIES["keys"], keys_cli.KEYS_DESCRIPTION,
                   keys_cli.KEYS_EXAMPLES, keys_cli.configure_keys, _run_keys),
        Subcommand("check", SUMMARIES["check"],
                   keys_cli.CHECK_DESCRIPTION, keys_cli.CHECK_EXAMPLES,
                   keys_cli.configure_check, _run_check),
        Subcommand("completions", SUMMARIES["completions"],
                   "Print a completion script for your shell.", COMPLETIONS_EXAMPLES,
                   _configure_completions, _run_completions),
    )
    return tuple(c for c in commands if only is None or c.name == only)


SUBCOMMANDS = tuple(SUMMARIES)
# Subcommands that run the app: it resumes the garbage collector after its first paint.
APP_SUBCOMMANDS = ("pick",)

APP_EXAMPLES = """\
examples:
  notesift ~/notes                        # browse (type to search, <C-q> quits)
  notesift --keymap vim --theme notesift-light
  notesift search --vimgrep tmux          # results as path:line:col:text
  nvim -q <(notesift pick --format vimgrep)   # choose a note, open it at the line
  notesift keys --format markdown         # every binding, as a cheat sheet
  notesift check                          # settings, themes and the paths in use
  eval "$(notesift completions bash)"     # tab completion (zsh, fish too)
"""


def configure_app(parser: argparse.ArgumentParser, *, with_dir: bool = True) -> None:
    """Options of the TUI itself (`notesift [DIR] …`).

    The parser that dispatches subcommands has no DIR: argparse would take the
    subcommand's name for it.
    """
    if with_dir:
        parser.add_argument(
            "dir", nargs="?", help="notes directory (default: $NOTESIFT_DIR, config, cwd)"
        )
    parser.add_argument("--theme", help="theme name (see `notesift check` for the list)")
    parser.add_argument(
        "--keymap", help="keymap file, or a preset name (vim, emacs); default: config dir"
    )
    parser.add_argument("--no-watch", action="store_true", help="do not watch for changes")
    parser.add_argument("--no-cache", action="store_true", help="ignore the persistent index")
    parser.add_argument("--version", action="version", version=f"notesift {__version__}")
    parser.add_argument(
        "--debug", action="store_true",
        help="print the traceback of an internal error (any subcommand; or NOTESIFT_DEBUG=1)",
    )


def _terminal_columns() -> int:
    """`shutil.get_terminal_size().columns`, without importing shutil."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns > 0:
        return columns
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 80  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return 80


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """argparse's formatter, given the terminal's width as argparse would find it: it
    imports shutil for that (with bz2 and lzma, 3-4 ms) for every parser built, which
    every command, a one-shot search too, paid before doing anything."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        super().__init__(prog, indent_increment, max_help_position,
                         _terminal_columns() - 2 if width is None else width)


def _app_parser(*, with_dir: bool = True) -> argparse.ArgumentParser:
    width = max(len(name) for name in SUMMARIES)
    listing = "\n".join(f"  {name:<{width}}  {summary}" for name, summary in SUMMARIES.items())
    parser = argparse.ArgumentParser(
        prog="notesift",
        usage="notesift [DIR] [options]\n       notesift SUBCOMMAND [options]  "
        "(notesift SUBCOMMAND --help)",
        description="Keyboard-driven terminal notes browser.",
        epilog=f"subcommands:\n{listing}\n\n{APP_EXAMPLES}",
        formatter_class=HelpFormatter,
    )
    configure_app(parser, with_dir=with_dir)
    return parser


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line as one parser: the TUI's options plus every subcommand.

    Used for dispatch and by `notesift completions`, so completions never drift
    from the real arguments.
    """
    commands = _subcommands(only)
    parser = _app_parser(with_dir=False)
    sub = parser.add_subparsers(dest="command", metavar="SUBCOMMAND")
    for command in commands:
        child = sub.add_parser(
            command.name, prog=f"notesift {command.name}", help=command.summary,
            description=command.description,
            epilog=command.examples, formatter_class=HelpFormatter,
        )
        command.configure(child)
        child.set_defaults(run=command.run)
    return parser


def app_settings(args: argparse.Namespace, **extra: Any) -> AppSettings | None:
    """The TUI's settings from the shared options (browser and picker); None if no notes dir."""
    from tui.app import AppSettings
    from tui.core.keys.keymap_file import keymap_choice

    folder = notes_folder_or_say_why(args.dir, sys.stderr, name_above=False)  # a toast says it
    if folder is None:
        return None
    config, problems, root = folder.config, folder.problems, folder.root
    keymap_file, preset = keymap_choice(args.keymap)
    return AppSettings(
        root=root,
        config=config,
        problems=problems,
        keymap_file=keymap_file,
        keymap_preset=preset,
        theme=args.theme,
        watch=not getattr(args, "no_watch", False),
        use_cache=not args.no_cache,
        root_notice=folder.above_note,
        **extra,
    )


def run_app(args: argparse.Namespace) -> int:
    """Start the TUI; returns the exit status."""
    from tui.app import make_app

    settings = app_settings(args)
    if settings is None:
        return EXIT_ERROR
    code = make_app(settings).run()
    return code if isinstance(code, int) else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `notesift` console script.

    No input may end in a traceback: anything uncaught becomes one line on
    stderr and exit 2; `--debug` (anywhere before `--`) or NOTESIFT_DEBUG=1
    prints the traceback too.
    """
    args_list = list(sys.argv[1:] if argv is None else argv)
    debug = _take_debug_flag(args_list) or os.environ.get("NOTESIFT_DEBUG", "") not in ("", "0")
    try:
        return _dispatch(args_list)
    except BrokenPipeError:
        # `notesift search … | head`: the reader left; stop quietly, as grep does.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FOUND
    except Exception as exc:  # the last line of defence: one line, never a traceback
        if debug:
            import traceback

            traceback.print_exc()
        detail = one_line(str(exc)) or "(no detail)"
        hint = "" if debug else " (--debug for the traceback)"
        sys.stderr.write(f"notesift: internal error: {type(exc).__name__}: {detail}{hint}\n")
        return EXIT_ERROR


def _take_debug_flag(args: list[str]) -> bool:
    """Remove `--debug` (before any `--`) from `args`; True if it was there."""
    stop = args.index("--") if "--" in args else len(args)
    if "--debug" in args[:stop]:
        args.remove("--debug")
        return True
    return False


def _dispatch(args_list: list[str]) -> int:
    if args_list and args_list[0] in SUBCOMMANDS:
        # Only the chosen subcommand's parser: its module alone is imported.
        if args_list[0] == "search":
            from tui.search_cli import with_limit_joined

            args_list = with_limit_joined(args_list)
        args = build_parser(only=args_list[0]).parse_args(args_list)
        if args_list[0] not in APP_SUBCOMMANDS:
            resume_collector()  # what runs now may make cycles (paused at launch; tui.launch)
        return int(args.run(args))
    return run_app(_app_parser().parse_args(args_list))


if __name__ == "__main__":
    sys.exit(main())
