"""Dutch command lines: one argparse setup for ``data_loaders``, ``dashboard``, ``dashboard.healthcheck`` and ``bench``."""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from typing import Any


class DutchHelpFormatter(argparse.HelpFormatter):
    """argparse's help layout with a Dutch ``gebruik:`` line."""

    def add_usage(self, usage: str | None, actions: Iterable[argparse.Action],
                  groups: Iterable[argparse._MutuallyExclusiveGroup], prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "gebruik: " if prefix is None else prefix)


def dutch_parser(prog: str, description: str, **kwargs: Any) -> argparse.ArgumentParser:
    """An ``ArgumentParser`` with Dutch headings; call :func:`dutch_help` after adding the arguments."""
    return argparse.ArgumentParser(prog=prog, description=description, formatter_class=DutchHelpFormatter, **kwargs)


def dutch_help(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Make the ``-h`` text and the section titles Dutch, in ``parser`` and all its subcommands."""
    parsers = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            parsers += list(action.choices.values())
    for item in parsers:
        item.formatter_class = DutchHelpFormatter
        for action in item._actions:
            if isinstance(action, argparse._HelpAction):
                action.help = "toon deze hulptekst en stop"
        item._optionals.title = "opties"
        item._positionals.title = "argumenten"
    return parser
