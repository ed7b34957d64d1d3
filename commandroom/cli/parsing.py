"""The parser class every command uses: usage errors are raised, never printed here."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import NoReturn, TypeAlias

# help text chooser: h("中文", "English") → the one for the user's language
Help = Callable[[str, str], str]


class UsageError(Exception):
    def __init__(self, prog: str, message: str) -> None:
        super().__init__(message)
        self.prog = prog


class Parser(argparse.ArgumentParser):
    """``main`` renders a usage error as one line in the user's language, exit 2."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(self.prog, message)


# A string: argparse's class is generic only in typeshed, not at runtime.
SubParsers: TypeAlias = "argparse._SubParsersAction[Parser]"
