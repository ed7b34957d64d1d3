"""The shared UI words: every stored value has a Chinese and an English name."""

from __future__ import annotations

import errno
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path

import pytest

from commandroom.cli import lang
from commandroom.db.enums import Action, ClockKind, ClockOutcome, Role, Source, Status, Urgency
from commandroom.events import messages

NAMERS = [
    (Role, messages.role_name),
    (Source, messages.source_name),
    (Status, messages.status_name),
    (Action, messages.action_name),
    (Urgency, messages.urgency_name),
    (ClockKind, messages.clock_name),
    (ClockOutcome, messages.clock_outcome),
]


@pytest.mark.parametrize(("enum", "namer"), NAMERS, ids=[e.__name__ for e, _ in NAMERS])
def test_every_value_has_a_name_in_both_languages(
    enum: type[StrEnum], namer: Callable[[str, str], str]
) -> None:
    for member in enum:
        zh, en = namer(member.value, "zh"), namer(member.value, "en")
        assert zh and en, member
        assert any("\u4e00" <= ch <= "\u9fff" for ch in zh), (member, zh)
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in en), (member, en)


def test_cli_reads_the_same_tables() -> None:
    assert lang.ROLE_NAMES is messages.ROLE_NAMES
    assert lang.SOURCE_NAMES is messages.SOURCE_NAMES
    assert lang.role_name("town_dispatcher", "zh") == "镇街调度员"
    assert lang.source_name("hotline_12345", "en") == "12345 hotline"
    assert messages.urgency_name("特急", "en") == "critical"


def test_login_messages_speak_both_languages() -> None:
    assert messages.text("login_bad_credentials", "zh") == "用户名或密码错误"
    assert "10:47" in messages.text("login_locked", "en", until="10:47")


def test_standalone_names_start_with_a_capital_in_english_only() -> None:
    """Buttons and cells show "Dispatch", sentences keep "already dispatched by"."""
    assert messages.standalone(messages.action_name("dispatch", "en")) == "Dispatch"
    assert messages.standalone(messages.status_name("IN_PROGRESS", "en")) == "In progress"
    assert messages.standalone(messages.action_name("dispatch", "zh")) == "派单"
    assert messages.standalone("") == ""


def test_why_a_file_failed_is_said_in_the_readers_language(tmp_path: Path) -> None:
    """Python words OSErrors in English only; the common ones get both languages."""
    caught: list[OSError] = []
    for attempt in (lambda: (tmp_path / "gone.txt").read_bytes(), tmp_path.read_bytes):
        with pytest.raises(OSError) as info:
            attempt()
        caught.append(info.value)
    missing, folder = (messages.os_reason(exc) for exc in caught)
    assert (missing.zh, missing.en) == ("文件不存在", "no such file")
    assert folder.in_lang("zh") == "这是文件夹，不是文件"
    odd = messages.os_reason(OSError(errno.EMLINK, "Too many links"))
    assert (odd.zh, odd.en) == ("Too many links", "Too many links")
    said = {"detail": missing}
    assert messages.text("db_unreachable", "zh", **said) == "无法连接数据库：文件不存在"
    assert (
        lang.t("file_unreadable", "en", path="x.jpg", **said)
        == "Cannot read file x.jpg: no such file"
    )
