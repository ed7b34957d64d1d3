"""The grid app's daily export: each full-time grid worker's minutes online and distance
patrolled, a CSV (or TSV) with a header row.

==========================  ===============  ========  ===========================================
中文                         English          required  meaning
==========================  ===============  ========  ===========================================
登录名 (账号)                username         yes       the worker's account in this application
日期                         day              yes       2026-11-27 (or 2026/11/27)
在线时长（分钟） (在线分钟)  online_minutes   yes       0 … 1440
巡查里程（米） (巡查米数)    patrol_meters    one of    0 … 200000
巡查里程（公里）             patrol_km        the two   0 … 200, decimals allowed
==========================  ===============  ========  ===========================================

As every import here: read in UTF-8 (with or without BOM) or GB18030 as Excel saves it, every
bad line reported with its line number and the reason in words, and nothing stored unless
every line is good. A day imported again replaces that day's figures (the app's later export
is its corrected one), so importing the same file twice changes nothing.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select

from commandroom.db.engine import Database
from commandroom.db.enums import Role
from commandroom.db.models import RoleGrant, User
from commandroom.events.grid_workers import (
    MAX_METERS,
    MAX_MINUTES,
    DailyFigures,
    SavedDays,
    save_daily,
)
from commandroom.events.importers import table
from commandroom.events.importers.report import (
    FileProblem,
    LineChecker,
    LineError,
    LineProblem,
    line_error,
)
from commandroom.events.importers.source import read_lines
from commandroom.events.importers.values import required_text
from commandroom.events.messages import Words
from commandroom.events.periods import local_today

FIELDS: dict[str, str] = {
    "username": "登录名",
    "day": "日期",
    "online_minutes": "在线时长（分钟）",
    "patrol_meters": "巡查里程（米）",
    "patrol_km": "巡查里程（公里）",
}
REQUIRED = ("username", "day", "online_minutes")
_ALIASES: dict[str, str] = {
    **{zh: name for name, zh in FIELDS.items()},
    **{name: name for name in FIELDS},
    "账号": "username",
    "user": "username",
    "date": "day",
    "在线分钟": "online_minutes",
    "在线时长(分钟)": "online_minutes",
    "online": "online_minutes",
    "巡查米数": "patrol_meters",
    "巡查里程(米)": "patrol_meters",
    "巡查公里": "patrol_km",
    "巡查里程(公里)": "patrol_km",
}
_DAY = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")


@dataclass
class DailyFileReport:
    """What the CLI prints: the file's problems, or what was stored."""

    path: str
    lines: int = 0  # good lines read
    errors: list[LineError] = field(default_factory=list)
    saved: SavedDays | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def import_daily_file(
    db: Database, path: Path | str, now: datetime, *, dry_run: bool = False
) -> DailyFileReport:
    report = DailyFileReport(str(path))
    try:
        decoded = read_lines(Path(path))
    except FileProblem as problem:
        report.errors.append(line_error(1, None, problem.key, **problem.params))
        return report
    rows, errors, fatal = table.csv_rows(decoded, table.Columns(_ALIASES, REQUIRED, FIELDS))
    report.errors.extend(errors)
    if fatal:
        return report
    if rows and not {"patrol_meters", "patrol_km"} & rows[0][1].keys():
        either = Words("巡查里程（米）或巡查里程（公里）", "patrol_meters or patrol_km")
        report.errors.append(line_error(1, None, "missing_columns", columns=either))
        return report
    workers = _grid_workers(db)
    today = local_today(now)
    figures: list[DailyFigures] = []
    first_of: dict[tuple[int, date], int] = {}
    for number, row in rows:
        check = LineChecker()
        line = _figures(row, workers, today, check)
        if line is not None:
            first = first_of.setdefault((line.user_id, line.day), number)
            if first != number:
                value = f"{row.get('username')} {line.day.isoformat()}"
                check.add("day", "duplicate_in_file", value=value, first=first)
        if check.problems:
            report.errors.extend(p.at(number) for p in check.problems)
        elif line is not None:
            figures.append(line)
    report.errors.sort(key=lambda e: e.line)
    report.lines = len(figures)
    if report.errors or dry_run:
        return report
    report.saved = save_daily(db, figures)
    return report


def _grid_workers(db: Database) -> dict[str, int | None]:
    """username → user id if a grid worker, None for any other account."""
    with db.reading() as session:
        accounts = {name: int(uid) for uid, name in session.execute(select(User.id, User.username))}
        workers = set(
            session.scalars(select(RoleGrant.user_id).where(RoleGrant.role == Role.GRID_WORKER))
        )
    return {name: (uid if uid in workers else None) for name, uid in accounts.items()}


def _figures(
    row: dict[str, object], workers: dict[str, int | None], today: date, check: LineChecker
) -> DailyFigures | None:
    username = check.take(required_text, row.get("username"), "username")
    user_id = None
    if username:
        if username not in workers:
            check.add("username", "unknown_account", value=username)
        elif workers[username] is None:
            check.add("username", "not_grid_worker", value=username)
        else:
            user_id = workers[username]
    day = check.take(_day, row.get("day"), today)
    minutes = check.take(_amount, row.get("online_minutes"), "online_minutes", MAX_MINUTES)
    if "patrol_meters" in row:  # the file's own unit, even where a cell is empty
        meters = check.take(_amount, row.get("patrol_meters"), "patrol_meters", MAX_METERS)
    else:
        km = check.take(_amount, row.get("patrol_km"), "patrol_km", MAX_METERS // 1000)
        meters = None if km is None else round(km * 1000)
    if check.problems or user_id is None or day is None or minutes is None or meters is None:
        return None
    return DailyFigures(user_id, day, round(minutes), round(meters))


def _day(value: object, today: date) -> date:
    text = str(value or "").strip()
    if not text:
        raise LineProblem("day", "required")
    found = _DAY.match(text)
    try:
        if found is None:
            raise ValueError(text)
        day = date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError:
        raise LineProblem("day", "bad_day", value=text) from None
    if day > today:
        raise LineProblem("day", "day_in_future", value=day.isoformat())
    return day


def _amount(value: object, name: str, most: int) -> float:
    text = str(value or "").strip().replace(",", "")
    if not text:
        raise LineProblem(name, "required")
    try:
        number = float(text)
    except ValueError:
        raise LineProblem(name, "bad_amount", value=text, max=most) from None
    if not math.isfinite(number) or not 0 <= number <= most:
        raise LineProblem(name, "bad_amount", value=text, max=most)
    return number
