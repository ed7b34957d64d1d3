"""Camera lists, as a town or a district hands them over: a CSV (or TSV) with a header row.

Fields (header in Chinese or English, any order; unknown columns are ignored):

==========  ==========  ========  ==========================================================
中文         English     required  meaning
==========  ==========  ========  ==========================================================
编码         code        yes       unique; letters, digits, ``_ . -``, at most 32
名称         name        yes       what the tile says, e.g. 兰香村村口
所在区域     region      (yes)     the village or town (code or name); may be left out when
                                   网格 is given
网格         grid        no        a grid code of that village
位置类型     place       no        道路/出入口/河道/厂区门口/市场/学校/制高点 (or road, …)
主码流       main_url    yes       ``rtsp://…``; may hold ``user:password@``
子码流       sub_url     no        ``rtsp://…``, what the wall's tiles use
纬度/经度    lat/lng     no        decimal degrees, both or neither
用户名/密码  user/…      no        the camera's account, for both URLs (instead of in them)
==========  ==========  ========  ==========================================================

Unlike the command line, a file may hold passwords: it is the administrator's, like a
station config, and a district's list cannot be typed camera by camera. Nothing is ever
printed with them.

The file is read as the 12345 import reads its CSV (``table``, ``source``: UTF-8 with or
without BOM, or GB18030 as Excel saves it on Chinese Windows). Every bad line is reported
and nothing is written unless every line is good (``events.cameras.import_cameras``).
With ``update`` a camera already registered takes the file's values; an empty 子码流 or 网格
cell then removes the substream or the grid, an empty 用户名 keeps the account.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from commandroom.db.engine import Database
from commandroom.db.enums import PlaceKind
from commandroom.events.camera_urls import with_account
from commandroom.events.cameras import (
    CameraFields,
    CameraImport,
    CameraLine,
    import_cameras,
    list_cameras,
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
from commandroom.events.importers.values import clean_text, required_text
from commandroom.events.messages import PLACE_NAMES

# Canonical field → its Chinese header.
FIELDS: dict[str, str] = {
    "code": "编码",
    "name": "名称",
    "region": "所在区域",
    "grid": "网格",
    "place": "位置类型",
    "main_url": "主码流",
    "sub_url": "子码流",
    "lat": "纬度",
    "lng": "经度",
    "user": "用户名",
    "password": "密码",
}
REQUIRED = ("code", "name", "main_url")
_ALIASES: dict[str, str] = {
    **{zh: name for name, zh in FIELDS.items()},
    **{name: name for name in FIELDS},
    "摄像头编码": "code",
    "摄像机编码": "code",
    "设备编码": "code",
    "摄像头名称": "name",
    "摄像机名称": "name",
    "点位名称": "name",
    "区域": "region",
    "所属区域": "region",
    "村社": "region",
    "所属村社": "region",
    "网格编码": "grid",
    "点位类型": "place",
    "place_kind": "place",
    "主码流地址": "main_url",
    "rtsp": "main_url",
    "子码流地址": "sub_url",
    "latitude": "lat",
    "longitude": "lng",
    "lon": "lng",
    "账号": "user",
    "username": "user",
}
_PLACES = {
    label.casefold(): PlaceKind(value)
    for value, names in PLACE_NAMES.items()
    for label in (value, *names.values())
}


@dataclass
class CameraFileReport:
    """What the CLI prints: the file's problems, or what was (or would be) registered."""

    path: str
    errors: list[LineError] = field(default_factory=list)
    result: CameraImport | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def import_camera_file(
    db: Database,
    path: Path | str,
    *,
    update: bool = False,
    dry_run: bool = False,
    by: str | None = None,
) -> CameraFileReport:
    report = CameraFileReport(str(path))
    try:
        decoded = read_lines(Path(path))
    except FileProblem as problem:
        report.errors.append(line_error(1, None, problem.key, **problem.params))
        return report
    rows, errors, fatal = table.csv_rows(decoded, table.Columns(_ALIASES, REQUIRED, FIELDS))
    report.errors.extend(errors)
    if fatal:
        return report
    lines, problems = _camera_lines(rows)
    report.errors.extend(problems)
    dry = dry_run or bool(report.errors)
    result = import_cameras(db, lines, update=update, dry_run=dry, by=by)
    report.errors.extend(
        LineError(line, None, exc.message("zh"), exc.message("en"), exc.key)
        for line, exc in result.errors
    )
    report.errors.sort(key=lambda e: e.line)
    report.result = result
    return report


def _camera_lines(rows: Sequence[table.Row]) -> tuple[list[CameraLine], list[LineError]]:
    lines: list[CameraLine] = []
    errors: list[LineError] = []
    first_of: dict[str, int] = {}
    for number, row in rows:
        check = LineChecker()
        code = check.take(required_text, row.get("code"), "code") or ""
        fields = _fields(row, check)
        first = first_of.setdefault(code.casefold(), number) if code else number
        if first != number:
            check.add("code", "duplicate_in_file", value=code, first=first)
        if check.problems:
            errors.extend(p.at(number) for p in check.problems)
        else:
            lines.append(CameraLine(number, code, fields))
    return lines, errors


def _fields(row: dict[str, Any], check: LineChecker) -> CameraFields:
    def text(name: str) -> str | None:
        """None when the file has no such column (leave as is), else its text."""
        return None if name not in row else check.take(clean_text, row[name], name) or ""

    name = check.take(required_text, row.get("name"), "name")
    main = check.take(required_text, row.get("main_url"), "main_url")
    region, grid = text("region") or None, text("grid")
    if not region and not grid:
        check.add("region", "required")
    place = text("place")
    user, password = text("user") or "", text("password") or ""
    if password and not user:
        check.add("user", "required")
    return CameraFields(
        name=name,
        place_kind=check.take(_place, place) if place else None,
        region_ref=region,
        grid_ref=grid,
        main_url=main,
        sub_url=text("sub_url"),
        lat=check.take(_degrees, text("lat"), "lat"),
        lng=check.take(_degrees, text("lng"), "lng"),
        account=(user, password) if user else None,
    )


def _place(value: str) -> PlaceKind:
    kind = _PLACES.get(value.strip().casefold())
    if kind is None:
        allowed = "、".join(n["zh"] for n in PLACE_NAMES.values())
        raise LineProblem("place", "bad_place", value=value, allowed=allowed)
    return kind


def _degrees(value: str | None, name: str) -> float | None:
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise LineProblem(name, "bad_degrees", value=value) from None
    if not math.isfinite(number):
        raise LineProblem(name, "bad_degrees", value=value)
    return number


def export_rows(db: Database, region_ref: str | None = None) -> list[list[str]]:
    """The registry as the rows of a file ``import_camera_file`` reads back, header first.

    URLs lose their account (a file that travels must not carry passwords) and the 用户名
    and 密码 cells stay empty, so importing the file again with ``update`` changes nothing:
    an empty 用户名 keeps each camera's account. 状态 is for the reader; import ignores it.
    """
    header = [*FIELDS.values(), "状态"]  # every field, in FIELDS' order
    rows = [header]
    for c in list_cameras(db, region_ref):
        rows.append(
            [
                c.code,
                c.name,
                c.region_code,
                c.grid_code or "",
                PLACE_NAMES[c.place_kind.value]["zh"],
                with_account(c.main_url, "", ""),
                "" if c.sub_url is None else with_account(c.sub_url, "", ""),
                "" if c.lat is None else repr(c.lat),
                "" if c.lng is None else repr(c.lng),
                "",
                "",
                "启用" if c.enabled else "停用",
            ]
        )
    return rows
