"""The parser class every command uses: usage errors are raised, never printed here.

argparse words its errors in English only; ``usage_words`` says the common ones in Chinese
(the option names and values inside stay as typed), so an operator who mistypes a command
reads why in the language the rest of the program speaks.
"""

from __future__ import annotations

import argparse
import re
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


# argparse's messages (CPython 3.11–3.13) → Chinese; the groups are names and values.
_TYPE_WORDS = {"int": "整数", "float": "数字"}
_USAGE_ZH: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = tuple(
    (re.compile(pattern), render)
    for pattern, render in (
        (
            r"the following arguments are required: (?P<names>.+)",
            lambda m: f"缺少必需的参数：{m['names']}",
        ),
        (r"unrecognized arguments: (?P<args>.+)", lambda m: f"无法识别的参数：{m['args']}"),
        (
            r"argument (?P<arg>\S+): invalid choice: (?P<value>.+?)"
            r" \(choose from (?P<choices>.+)\)",
            lambda m: f"{m['arg']} 的值 {m['value']} 无效，可选：{m['choices']}",
        ),
        (
            r"argument (?P<arg>\S+): expected one argument",
            lambda m: f"{m['arg']} 后面需要一个值",
        ),
        (
            r"argument (?P<arg>\S+): invalid (?P<type>\w+) value: (?P<value>.+)",
            lambda m: f"{m['arg']} 的值 {m['value']} 不是{_TYPE_WORDS.get(m['type'], m['type'])}",
        ),
        (
            r"argument (?P<arg>\S+): not allowed with argument (?P<other>\S+)",
            lambda m: f"{m['arg']} 不能与 {m['other']} 同时使用",
        ),
        (
            r"one of the arguments (?P<names>.+) is required",
            lambda m: f"需要以下参数之一：{m['names']}",
        ),
        (
            r"ambiguous option: (?P<option>\S+) could match (?P<matches>.+)",
            lambda m: f"选项 {m['option']} 不明确，可能是：{m['matches']}",
        ),
    )
)


def usage_words(message: str, lang: str) -> str:
    """``message`` (argparse's English) in ``lang``; as it is when there are no words for it."""
    if lang == "en":
        return message
    for pattern, render in _USAGE_ZH:
        found = pattern.fullmatch(message)
        if found is not None:
            return render(found)
    return message
