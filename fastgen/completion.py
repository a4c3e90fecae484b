"""Shell completion: Typer's `--show-completion` and `--install-completion` detect the shell
they run in; `fastgen --show-completion zsh` names the shell instead (from bash, say)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any, NoReturn

import typer
from typer.core import TyperGroup

SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")
SHOW = "--show-completion"
INSTALL = "--install-completion"


def named_shell(args: Sequence[str]) -> tuple[str, str] | None:
    """(flag, shell) when `args` hold a completion flag followed by a shell's name."""
    for flag, after in itertools.pairwise(args):
        if flag in (SHOW, INSTALL) and after in SHELLS:
            return flag, after
    return None


def _complete(ctx: Any, flag: str, shell: str) -> NoReturn:
    from typer._completion_shared import get_completion_script, install

    prog_name = ctx.find_root().info_name or "fastgen"
    complete_var = f"_{prog_name.replace('-', '_').upper()}_COMPLETE"
    if flag == SHOW:
        typer.echo(
            get_completion_script(prog_name=prog_name, complete_var=complete_var, shell=shell)
        )
    else:
        installed, path = install(shell=shell, prog_name=prog_name, complete_var=complete_var)
        typer.secho(f"{installed} completion installed in {path}", fg="green")
        typer.echo("Completion will take effect once you restart the terminal")
    ctx.exit(0)
    raise AssertionError("unreachable")  # ctx.exit raises


class CompletingGroup(TyperGroup):
    """The command group of fastgen: a shell named after a completion flag is the one used."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        named = named_shell(args)
        if named is not None and not ctx.resilient_parsing:
            _complete(ctx, *named)
        result: list[str] = super().parse_args(ctx, args)
        return result
