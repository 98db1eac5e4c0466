"""Shell completion scripts for bash, zsh and fish, generated from the argument parser itself.

    tfreview completion bash > ~/.local/share/bash-completion/completions/tfreview
    tfreview completion zsh  > "${fpath[1]}/_tfreview"
    tfreview completion fish > ~/.config/fish/completions/tfreview.fish

The parser is walked once into a table — per command path (`""`, `"scan"`, `"rules list"`…): its
subcommands, its options, which options take a value, and the choices of those that have some.
Each shell gets the same table as `case`/`switch` functions and a small engine that follows the
words before the cursor through the table. A new command or option is completed without anyone
touching this file.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from dataclasses import dataclass

SHELLS = ("bash", "zsh", "fish")


@dataclass(frozen=True, slots=True)
class Option:
    flags: tuple[str, ...]
    help: str
    takes_value: bool
    choices: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Command:
    """One command path of the parser: what may follow it."""

    path: str  # words after the program name, space-separated ("" for the program itself)
    subcommands: tuple[tuple[str, str], ...]  # (name, help)
    options: tuple[Option, ...]
    positional_choices: tuple[str, ...]  # the first positional's choices, when it has some


def commands(parser: argparse.ArgumentParser) -> list[Command]:
    """Every command path of `parser`, the program itself first."""
    return list(_walk(parser, ""))


def _walk(parser: argparse.ArgumentParser, path: str) -> Iterator[Command]:
    options: list[Option] = []
    subcommands: list[tuple[str, str]] = []
    children: list[tuple[str, argparse.ArgumentParser]] = []
    positional_choices: tuple[str, ...] = ()
    for action in parser._actions:  # argparse keeps its arguments here; no public accessor exists
        if isinstance(action, argparse._SubParsersAction):  # the one public way to see subcommands
            helps = {choice.dest: choice.help or "" for choice in action._choices_actions}
            for name, child in action.choices.items():
                subcommands.append((name, helps.get(name, "")))
                children.append((name, child))
        elif action.option_strings:
            if action.help == argparse.SUPPRESS:
                continue
            options.append(
                Option(
                    flags=tuple(action.option_strings),
                    help=action.help or "",
                    takes_value=action.nargs != 0,
                    choices=tuple(str(c) for c in action.choices or ()),
                )
            )
        elif action.choices and not positional_choices:
            positional_choices = tuple(str(c) for c in action.choices)
    yield Command(path, tuple(subcommands), tuple(options), positional_choices)
    for name, child in children:
        yield from _walk(child, f"{path} {name}".strip())


def completion_script(shell: str, parser: argparse.ArgumentParser) -> str:
    """The completion script for `shell` (bash, zsh or fish)."""
    table = commands(parser)
    prog = parser.prog
    if shell == "bash":
        return _bash(prog, table)
    if shell == "zsh":
        return _zsh(prog, table)
    if shell == "fish":
        return _fish(prog, table)
    raise ValueError(f"no completion for shell {shell!r} (expected one of {', '.join(SHELLS)})")


# --- bash and zsh: the table as POSIX `case` functions ----------------------------------------------


def _sh_quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def _sh_table(fn: str, table: list[Command]) -> str:
    """`<fn>_subcommands PATH`, `<fn>_options PATH`, `<fn>_value_options PATH`, `<fn>_choices PATH OPTION`."""

    def function(name: str, cases: list[tuple[str, str]]) -> str:
        lines = [f"{fn}_{name}() {{", '    case "$1" in']
        lines += [f"        {pattern}) echo {_sh_quote(words)} ;;" for pattern, words in cases if words]
        lines += ["    esac", "}"]
        return "\n".join(lines)

    subcommands = [(_sh_quote(c.path), " ".join(n for n, _ in c.subcommands)) for c in table]
    options = [(_sh_quote(c.path), " ".join(f for o in c.options for f in o.flags)) for c in table]
    value_options = [
        (_sh_quote(c.path), " ".join(f for o in c.options if o.takes_value for f in o.flags)) for c in table
    ]
    positional = [(_sh_quote(c.path), " ".join(c.positional_choices)) for c in table]
    choices = [
        ("|".join(_sh_quote(f"{c.path}\t{flag}") for flag in o.flags), " ".join(o.choices))
        for c in table
        for o in c.options
        if o.choices
    ]
    choice_lines = [f"{fn}_choices() {{", '    case "$1	$2" in']  # a tab joins path and option
    choice_lines += [f"        {pattern}) echo {_sh_quote(words)} ;;" for pattern, words in choices]
    choice_lines += ["    esac", "}"]
    return "\n\n".join(
        [
            function("subcommands", subcommands),
            function("options", options),
            function("value_options", value_options),
            function("positional_choices", positional),
            "\n".join(choice_lines),
        ]
    )


_SH_PATH = """\
# the command path (subcommands so far) of the words before the cursor; an option's value is skipped
{fn}_path() {{
    local path="" word skip=0
    for word in "$@"; do
        if [ "$skip" = 1 ]; then skip=0; continue; fi
        case "$word" in
            -*=*) ;;
            -*) case " $({fn}_value_options "$path") " in *" $word "*) skip=1 ;; esac ;;
            *) case " $({fn}_subcommands "$path") " in *" $word "*) path="${{path:+$path }}$word" ;; esac ;;
        esac
    done
    printf '%s' "$path"
}}

# what may come at the cursor: `choices WORDS`, `words WORDS` or `files`
{fn}_candidates() {{
    local path="$1" prev="$2" cur="$3" found
    case "$prev" in
        -*)
            case " $({fn}_value_options "$path") " in
                *" $prev "*)
                    found="$({fn}_choices "$path" "$prev")"
                    if [ -n "$found" ]; then echo "words $found"; else echo files; fi
                    return ;;
            esac ;;
    esac
    case "$cur" in
        -*) echo "words $({fn}_options "$path")"; return ;;
    esac
    found="$({fn}_subcommands "$path")"
    [ -n "$found" ] || found="$({fn}_positional_choices "$path")"
    if [ -n "$found" ]; then echo "words $found"; else echo files; fi
}}
"""


def _bash(prog: str, table: list[Command]) -> str:
    fn = "_" + prog.replace("-", "_")
    return (
        f"# bash completion for {prog}, generated by `{prog} completion bash` from its argument parser\n\n"
        + _sh_table(fn, table)
        + "\n\n"
        + _SH_PATH.format(fn=fn)
        + f"""
{fn}() {{
    local cur="${{COMP_WORDS[COMP_CWORD]}}" prev="" path answer
    [ "$COMP_CWORD" -gt 1 ] && prev="${{COMP_WORDS[COMP_CWORD-1]}}"
    path="$({fn}_path "${{COMP_WORDS[@]:1:COMP_CWORD-1}}")"
    answer="$({fn}_candidates "$path" "$prev" "$cur")"
    case "$answer" in
        words*) COMPREPLY=($(compgen -W "${{answer#words }}" -- "$cur")) ;;
        *) COMPREPLY=($(compgen -f -- "$cur")) ;;
    esac
}}

complete -o filenames -F {fn} {prog}
"""
    )


def _zsh(prog: str, table: list[Command]) -> str:
    fn = "_" + prog.replace("-", "_")
    return (
        f"#compdef {prog}\n"
        f"# zsh completion for {prog}, generated by `{prog} completion zsh` from its argument parser\n\n"
        + _sh_table(fn, table)
        + "\n\n"
        + _SH_PATH.format(fn=fn)
        + f"""
{fn}() {{
    local cur="${{words[CURRENT]}}" prev="" path answer
    (( CURRENT > 2 )) && prev="${{words[CURRENT-1]}}"
    path="$({fn}_path "${{(@)words[2,CURRENT-1]}}")"
    answer="$({fn}_candidates "$path" "$prev" "$cur")"
    case "$answer" in
        words*) compadd -- ${{=answer#words }} ;;
        *) _files ;;
    esac
}}

if [ "$funcstack[1]" = "{fn}" ]; then
    {fn} "$@"
else
    compdef {fn} {prog}
fi
"""
    )


# --- fish: the table as `switch` functions, with descriptions ---------------------------------------


def _fish_quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _fish(prog: str, table: list[Command]) -> str:
    fn = "__" + prog.replace("-", "_")

    def function(name: str, cases: list[tuple[str, list[str]]], args: str = "$argv[1]") -> str:
        lines = [f"function {fn}_{name}", f'    switch "{args}"']
        for pattern, words in cases:
            if words:
                lines.append(f"        case {pattern}")
                lines += [f"            echo {word}" for word in words]
        lines += ["    end", "end"]
        return "\n".join(lines)

    def described(name: str, help_text: str) -> str:
        return _fish_quote(f"{name}\t{help_text}" if help_text else name)

    subcommands = [(_fish_quote(c.path), [described(n, h) for n, h in c.subcommands]) for c in table]
    options = [(_fish_quote(c.path), [described(f, o.help) for o in c.options for f in o.flags]) for c in table]
    value_options = [
        (_fish_quote(c.path), [_fish_quote(f) for o in c.options if o.takes_value for f in o.flags]) for c in table
    ]
    positional = [(_fish_quote(c.path), [_fish_quote(x) for x in c.positional_choices]) for c in table]
    choices = [
        (" ".join(_fish_quote(f"{c.path} {flag}") for flag in o.flags), [_fish_quote(x) for x in o.choices])
        for c in table
        for o in c.options
        if o.choices
    ]
    tables = "\n\n".join(
        [
            function("subcommands", subcommands),
            function("options", options),
            function("value_options", value_options),
            function("positional_choices", positional),
            function("choices", choices, args="$argv[1] $argv[2]"),
        ]
    )
    return (
        f"# fish completion for {prog}, generated by `{prog} completion fish` from its argument parser\n\n"
        + tables
        + f"""

function {fn}_names
    string replace -r '\\t.*' '' -- $argv
end

function {fn}_complete
    set -l tokens (commandline -opc)
    set -l cur (commandline -ct)
    set -l path ''
    set -l skip 0
    for word in $tokens[2..-1]
        if test $skip = 1
            set skip 0
            continue
        end
        switch $word
            case '-*=*'
            case '-*'
                if contains -- $word ({fn}_value_options "$path")
                    set skip 1
                end
            case '*'
                if contains -- $word ({fn}_names ({fn}_subcommands "$path"))
                    set path (string trim -- "$path $word")
                end
        end
    end
    set -l prev ''
    if test (count $tokens) -gt 1
        set prev $tokens[-1]
    end
    if string match -q -- '-*' $prev; and contains -- $prev ({fn}_value_options "$path")
        set -l found ({fn}_choices "$path" "$prev")
        if test (count $found) -gt 0
            printf '%s\\n' $found
        else
            __fish_complete_path $cur
        end
        return
    end
    if string match -q -- '-*' $cur
        {fn}_options "$path"
        return
    end
    set -l found ({fn}_subcommands "$path")
    if test (count $found) -eq 0
        set found ({fn}_positional_choices "$path")
    end
    if test (count $found) -gt 0
        printf '%s\\n' $found
    else
        __fish_complete_path $cur
    end
end

complete -c {prog} -f -a '({fn}_complete)'
"""
    )
