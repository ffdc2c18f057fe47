"""`notesift completions bash|zsh|fish`: completion scripts generated from the real parser.

The scripts are built by walking the argparse parser that dispatches the
command, so a new option completes the day it is added. argparse has no public
way to list a parser's arguments; `_actions` is what shtab and argcomplete read
too. Values complete from what the option takes: choices, directories for
`--dir`, files (and presets) for `--keymap`, shipped and user theme names for
`--theme`.
"""

from __future__ import annotations

import argparse
import shlex
from dataclasses import dataclass

__all__ = ["COMPLETIONS_EXAMPLES", "SHELLS", "completion_script"]

SHELLS = ("bash", "zsh", "fish")
COMPLETIONS_EXAMPLES = """\
examples:
  echo 'eval "$(notesift completions bash)"' >> ~/.bashrc
  echo 'eval "$(notesift completions zsh)"' >> ~/.zshrc     # after compinit
  notesift completions fish > ~/.config/fish/completions/notesift.fish
"""
DIRECTORY, FILE, NOTHING = "directory", "file", "nothing"


@dataclass(frozen=True, slots=True)
class Option:
    """One option as a completer needs it."""

    flags: tuple[str, ...]
    help: str
    takes_value: bool
    words: tuple[str, ...] = ()
    value_kind: str = NOTHING


@dataclass(frozen=True, slots=True)
class Command:
    """A subcommand (or the top level, name ""): its options and what its positionals take."""

    name: str
    summary: str
    options: tuple[Option, ...]
    positional_words: tuple[str, ...]
    positional_kind: str


def _value_kind(dest: str) -> str:
    if dest == "dir":
        return DIRECTORY
    if dest in ("keymap", "config"):
        return FILE
    return NOTHING


def _value_words(action: argparse.Action) -> tuple[str, ...]:
    if action.choices:
        return tuple(str(c) for c in action.choices)
    if action.dest == "keymap":
        from tui.core.keys.keymap_file import preset_names

        return tuple(preset_names())
    if action.dest == "theme":
        from tui.core.resources import theme_names

        return tuple(theme_names())
    return ()


def _command(name: str, summary: str, parser: argparse.ArgumentParser) -> Command:
    options: list[Option] = []
    words: tuple[str, ...] = ()
    kind = NOTHING
    for action in parser._actions:
        if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
            continue
        if not action.option_strings:
            words = words or _value_words(action)
            kind = _value_kind(action.dest) if kind == NOTHING else kind
            continue
        takes_value = action.nargs != 0
        options.append(Option(
            flags=tuple(action.option_strings),
            help=(action.help or "").split(" (")[0].split(";")[0],
            takes_value=takes_value,
            words=_value_words(action) if takes_value else (),
            value_kind=_value_kind(action.dest) if takes_value else NOTHING,
        ))
    return Command(name, summary, tuple(options), words, kind)


def describe(parser: argparse.ArgumentParser) -> tuple[Command, list[Command]]:
    """(the top level, the subcommands) of `parser`."""
    top = _command("", "", parser)
    subs: list[Command] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            summaries = {choice.dest: choice.help or "" for choice in action._choices_actions}
            for name, child in action.choices.items():
                subs.append(_command(name, summaries.get(name, ""), child))
    return top, subs


def completion_script(shell: str, parser: argparse.ArgumentParser) -> str:
    """The completion script for `shell`, generated from `parser`."""
    top, subs = describe(parser)
    if shell == "bash":
        return _bash(top, subs)
    if shell == "zsh":
        return _zsh(top, subs)
    if shell == "fish":
        return _fish(top, subs)
    raise ValueError(f"unknown shell {shell!r} (shells: {', '.join(SHELLS)})")


# --- bash ------------------------------------------------------------------------------


def _bash_value_cases(command: Command, prefix: str) -> list[str]:
    lines = []
    for option in command.options:
        if not option.takes_value:
            continue
        pattern = "|".join(f"{prefix}:{flag}" for flag in option.flags)
        produce = []
        if option.words:
            produce.append(f"compgen -W {shlex.quote(' '.join(option.words))} -- \"$cur\"")
        if option.value_kind == DIRECTORY:
            produce.append('compgen -d -- "$cur"')
        elif option.value_kind == FILE:
            produce.append('compgen -f -- "$cur"')
        body = "; ".join(produce) if produce else "true"
        lines.append(f'    {pattern}) mapfile -t COMPREPLY < <({body}); return 0;;')
    return lines


def _bash(top: Command, subs: list[Command]) -> str:
    names = " ".join(c.name for c in subs)
    cases = _bash_value_cases(top, "")
    for sub in subs:
        cases += _bash_value_cases(sub, sub.name)
    top_flags = " ".join(f for o in top.options for f in o.flags)
    option_cases = [f"    '') opts={shlex.quote(top_flags)};;"]
    positional_cases = []
    for sub in subs:
        flags = " ".join(f for o in sub.options for f in o.flags)
        option_cases.append(f"    {sub.name}) opts={shlex.quote(flags)};;")
        produce = []
        if sub.positional_words:
            produce.append(f"compgen -W {shlex.quote(' '.join(sub.positional_words))} -- \"$cur\"")
        if sub.positional_kind == DIRECTORY:
            produce.append('compgen -d -- "$cur"')
        if produce:
            positional_cases.append(
                f"    {sub.name}) mapfile -t COMPREPLY < <({'; '.join(produce)});;")
    return f"""# bash completion for notesift (generated by `notesift completions bash`)
_notesift() {{
  local cur="${{COMP_WORDS[COMP_CWORD]}}" prev="" cmd="" opts="" i
  (( COMP_CWORD > 0 )) && prev="${{COMP_WORDS[COMP_CWORD-1]}}"
  for ((i = 1; i < COMP_CWORD; i++)); do
    case " {names} " in *" ${{COMP_WORDS[i]}} "*) cmd="${{COMP_WORDS[i]}}"; break;; esac
  done
  case "$cmd:$prev" in
{chr(10).join(cases)}
  esac
  case "$cmd" in
{chr(10).join(option_cases)}
  esac
  if [[ "$cur" == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
    return 0
  fi
  case "$cmd" in
    '') mapfile -t COMPREPLY < <(compgen -W {shlex.quote(names)} -- "$cur"; compgen -d -- "$cur");;
{chr(10).join(positional_cases)}
  esac
  return 0
}}
complete -o filenames -F _notesift notesift
"""


# --- zsh -------------------------------------------------------------------------------


def _zsh_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]").replace(
        ":", "\\:").replace("'", "'\\''")


def _zsh_specs(command: Command) -> list[str]:
    specs = []
    for option in command.options:
        for flag in option.flags:
            spec = f"{flag}[{_zsh_escape(option.help)}]"
            if option.takes_value:
                if option.words:
                    spec += ":value:(" + " ".join(_zsh_escape(w) for w in option.words) + ")"
                elif option.value_kind == DIRECTORY:
                    spec += ":directory:_files -/"
                elif option.value_kind == FILE:
                    spec += ":file:_files"
                else:
                    spec += ":value: "
            specs.append("'" + spec + "'")
    if command.positional_words:
        specs.append("'*:value:(" + " ".join(command.positional_words) + ")'")
    elif command.positional_kind == DIRECTORY:
        specs.append("'*:directory:_files -/'")
    else:
        specs.append("'*:argument: '")
    return specs


def _zsh(top: Command, subs: list[Command]) -> str:
    described = "\n".join(
        f"    '{sub.name}:{_zsh_escape(sub.summary)}'" for sub in subs)
    cases = "\n".join(
        f"    {sub.name}) _arguments -s : {' '.join(_zsh_specs(sub))} ;;" for sub in subs)
    top_specs = " ".join(s for s in _zsh_specs(top) if not s.startswith("'*"))
    return f"""#compdef notesift
# zsh completion for notesift (generated by `notesift completions zsh`)
_notesift() {{
  local -a subcommands
  subcommands=(
{described}
  )
  if (( CURRENT > 2 )) && (( ${{subcommands[(I)${{words[2]}}:*]}} )); then
    local cmd=$words[2]
    shift words
    (( CURRENT-- ))
    case $cmd in
{cases}
    esac
    return
  fi
  if [[ $words[CURRENT] == -* ]]; then
    _arguments -s : {top_specs}
  else
    _describe -t subcommands 'subcommand' subcommands
    _files -/
  fi
}}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  _notesift "$@"
else
  compdef _notesift notesift
fi
"""


# --- fish ------------------------------------------------------------------------------


def _fish_quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _fish_option(option: Option, condition: str) -> str:
    parts = ["complete -c notesift", f"-n {_fish_quote(condition)}"]
    for flag in option.flags:
        if flag.startswith("--"):
            parts.append(f"-l {flag[2:]}")
        else:
            parts.append(f"-s {flag[1:]}")
    if option.takes_value:
        if option.words:
            parts.append("-x -a " + _fish_quote(" ".join(option.words)))
        elif option.value_kind == DIRECTORY:
            parts.append("-x -a '(__fish_complete_directories)'")
        elif option.value_kind == FILE:
            parts.append("-r -F")
        else:
            parts.append("-x")
    if option.help:
        parts.append(f"-d {_fish_quote(option.help)}")
    return " ".join(parts)


def _fish(top: Command, subs: list[Command]) -> str:
    lines = [
        "# fish completion for notesift (generated by `notesift completions fish`)",
        "complete -c notesift -f",
        "complete -c notesift -n '__fish_use_subcommand' -a '(__fish_complete_directories)'",
    ]
    for sub in subs:
        lines.append(f"complete -c notesift -n '__fish_use_subcommand' -a {sub.name} "
                     f"-d {_fish_quote(sub.summary)}")
    for option in top.options:
        lines.append(_fish_option(option, "__fish_use_subcommand"))
    for sub in subs:
        condition = f"__fish_seen_subcommand_from {sub.name}"
        for option in sub.options:
            lines.append(_fish_option(option, condition))
        if sub.positional_words:
            lines.append(f"complete -c notesift -n {_fish_quote(condition)} -x -a "
                         f"{_fish_quote(' '.join(sub.positional_words))}")
    return "\n".join(lines) + "\n"
