"""A station's config file (TOML): which unit and region it serves, what its wall shows.

A config is written once by whoever installs the room and then read by people who did not
write it, so every mistake is refused at start with the key (and for bad TOML the line) it
is about, in the operator's language, rather than half-applied: an unknown key is an error,
not ignored, because a misspelt ``tour_dwell_s`` would otherwise silently do nothing.

The file is plain data; ``resolve_station`` looks the names up in the database, so the same
file works on the embedded demo database and on the shared one as long as the codes exist.
``resources/station.example.toml`` documents every key.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commandroom.db.engine import Database
from commandroom.db.enums import RegionLevel
from commandroom.db.models import Camera, Org, Region
from commandroom.events import messages, regions

MODES = ("wall", "dispatch")
LANGS = ("zh", "en")
MAX_GRID_SIDE = 16
DWELL_RANGE = (3, 3600)  # seconds a tour page stays up
FONT_SCALE_RANGE = (0.5, 4.0)
MAX_SCREENS = 16

# Every key the file may hold, by section ("" is the top level).
SCHEMA: dict[str, tuple[str, ...]] = {
    "": ("name", "mode", "database", "serves", "wall", "display"),
    "database": ("url",),
    "serves": ("org", "region"),
    "wall": ("grid", "cameras", "layouts", "tour", "tour_dwell_s", "screens"),
    "display": ("lang", "font_scale", "sound"),
}

_GRID = re.compile(r"^\s*(\d+)\s*[×xX*]\s*(\d+)\s*$")
_TOML_AT = re.compile(
    r"^(?P<detail>.*?)\s*\(at (?:line (?P<line>\d+), column \d+|end of document)\)$", re.S
)


class StationConfigError(ValueError):
    """A config the station cannot run with; ``message(lang)`` says where and why."""

    def __init__(self, message_key: str, where: str = "", /, **params: Any) -> None:
        self.key = message_key
        self.where = where
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str = messages.DEFAULT_LANG) -> str:
        params = dict(self.params)
        if "expected" in params:
            params["expected"] = messages.value_kind(str(params["expected"]), lang)
        detail = messages.text(self.key, lang, **params)
        if not self.where:
            return detail
        return messages.text("station_error", lang, where=self.where, detail=detail)


@dataclass(frozen=True)
class StationConfig:
    name: str
    mode: str = "dispatch"  # "wall" | "dispatch"
    db_url: str | None = None
    org: str | None = None  # org code, e.g. "LZ-CMD"
    region: str | None = None  # region code or exact name: the district/town/village served
    cameras: tuple[str, ...] = ()  # camera codes in wall order; empty = every enabled camera
    layouts: tuple[str, ...] = ()  # saved wall layouts (by name) the tour steps through
    grid: str = "4×4"  # always "rows×cols" with the multiplication sign once loaded
    tour_dwell_s: int = 20
    tour: bool = False
    screens: tuple[int, ...] = ()  # screen numbers to cover (0 = primary); empty = primary
    lang: str | None = None  # None: the command line or the system locale decides
    font_scale: float = 1.0
    sound: bool = True
    source: str | None = None  # the file it came from, for messages

    @property
    def grid_size(self) -> tuple[int, int]:
        rows, cols = self.grid.split("×")
        return int(rows), int(cols)


@dataclass(frozen=True)
class StationScope:
    """The config's names as database ids; ``camera_codes`` in the order the wall shows them."""

    org_id: int | None
    region_id: int | None  # the region served (district, town or village); None = everything
    town_id: int | None  # the served town, or the served village's town
    village_id: int | None
    camera_codes: tuple[str, ...]
    # Codes the config lists that the registry does not know: the wall shows the others and
    # says which these are, rather than staying dark for one typo or one removed camera.
    missing_cameras: tuple[str, ...] = ()


def load_station(path: Path) -> StationConfig:
    """Read and check ``path``; raises ``StationConfigError`` naming the key or line."""
    where = str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")  # Notepad's BOM is harmless
    except UnicodeDecodeError as exc:  # TOML is UTF-8; Notepad's "ANSI" here is GBK
        raise StationConfigError("station_not_utf8", where) from exc
    except OSError as exc:
        reason = messages.os_reason(exc)
        raise StationConfigError("station_unreadable", where, detail=reason) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # Python 3.11's TOMLDecodeError has no line attribute; its message has the place.
        found = _TOML_AT.match(str(exc))
        detail = found["detail"] if found else str(exc)
        last_line = text.count("\n") + (0 if text.endswith("\n") else 1)
        line = found["line"] if found and found["line"] else str(last_line)
        raise StationConfigError("station_bad_toml", where, line=line, detail=detail) from exc
    return parse_station(data, where)


def parse_station(data: Mapping[str, Any], where: str = "") -> StationConfig:
    """The checks of ``load_station`` on already-parsed TOML (tests, embedded defaults)."""
    r = _Reader(where)
    r.known(data, "")
    database = r.section(data, "database")
    serves = r.section(data, "serves")
    wall = r.section(data, "wall")
    display = r.section(data, "display")
    defaults = StationConfig(name="")
    return StationConfig(
        name=r.string(data, "name", required=True) or "",
        mode=r.choice(data, "mode", MODES) or defaults.mode,
        db_url=r.string(database, "database.url"),
        org=r.string(serves, "serves.org"),
        region=r.string(serves, "serves.region"),
        cameras=r.strings(wall, "wall.cameras"),
        layouts=r.strings(wall, "wall.layouts"),
        grid=r.grid(wall, "wall.grid") or defaults.grid,
        tour=r.boolean(wall, "wall.tour", defaults.tour),
        tour_dwell_s=r.integer(wall, "wall.tour_dwell_s", defaults.tour_dwell_s, DWELL_RANGE),
        screens=r.screens(wall, "wall.screens"),
        lang=r.choice(display, "display.lang", LANGS),
        font_scale=r.number(display, "display.font_scale", defaults.font_scale, FONT_SCALE_RANGE),
        sound=r.boolean(display, "display.sound", defaults.sound),
        source=where or None,
    )


class _Reader:
    """Typed look-ups that raise ``StationConfigError`` with the dotted key."""

    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, message_key: str, /, **params: Any) -> StationConfigError:
        return StationConfigError(message_key, self.where, **params)

    def known(self, table: Mapping[str, Any], section: str) -> None:
        allowed = SCHEMA[section]
        for key in table:
            if key not in allowed:
                dotted = f"{section}.{key}" if section else key
                hint = difflib.get_close_matches(key, allowed, n=1)
                if hint:
                    raise self.fail("station_unknown_key_hint", setting=dotted, hint=hint[0])
                raise self.fail("station_unknown_key", setting=dotted)

    def section(self, data: Mapping[str, Any], name: str) -> Mapping[str, Any]:
        table = data.get(name, {})
        if not isinstance(table, dict):
            raise self.fail("station_type", setting=name, expected="table")
        self.known(table, name)
        return table

    @staticmethod
    def _leaf(dotted: str) -> str:
        return dotted.rsplit(".", 1)[-1]

    def string(
        self, table: Mapping[str, Any], dotted: str, *, required: bool = False
    ) -> str | None:
        value = table.get(self._leaf(dotted))
        if value is None:
            if required:
                raise self.fail("station_missing", setting=dotted)
            return None
        if not isinstance(value, str):
            raise self.fail("station_type", setting=dotted, expected="string")
        value = value.strip()
        if not value:
            raise self.fail("station_empty", setting=dotted)
        return value

    def choice(self, table: Mapping[str, Any], dotted: str, allowed: Iterable[str]) -> str | None:
        value = self.string(table, dotted)
        allowed = tuple(allowed)
        if value is not None and value not in allowed:
            raise self.fail(
                "station_choice", setting=dotted, value=value, allowed=", ".join(allowed)
            )
        return value

    def strings(self, table: Mapping[str, Any], dotted: str) -> tuple[str, ...]:
        value = table.get(self._leaf(dotted), [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail("station_type", setting=dotted, expected="string_list")
        out: list[str] = []
        for item in value:
            item = item.strip()
            if not item:
                raise self.fail("station_empty", setting=dotted)
            if item in out:
                raise self.fail("station_duplicate", setting=dotted, value=item)
            out.append(item)
        return tuple(out)

    def boolean(self, table: Mapping[str, Any], dotted: str, default: bool) -> bool:
        value = table.get(self._leaf(dotted), default)
        if not isinstance(value, bool):
            raise self.fail("station_type", setting=dotted, expected="boolean")
        return value

    def integer(
        self, table: Mapping[str, Any], dotted: str, default: int, bounds: tuple[int, int]
    ) -> int:
        value = table.get(self._leaf(dotted), default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail("station_type", setting=dotted, expected="integer")
        self._in_range(dotted, value, bounds)
        return value

    def number(
        self, table: Mapping[str, Any], dotted: str, default: float, bounds: tuple[float, float]
    ) -> float:
        value = table.get(self._leaf(dotted), default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail("station_type", setting=dotted, expected="number")
        self._in_range(dotted, value, bounds)
        return float(value)

    def _in_range(self, dotted: str, value: float, bounds: tuple[float, float]) -> None:
        low, high = bounds
        if not low <= value <= high:
            raise self.fail("station_range", setting=dotted, low=low, high=high)

    def grid(self, table: Mapping[str, Any], dotted: str) -> str | None:
        value = self.string(table, dotted)
        if value is None:
            return None
        found = _GRID.match(value)
        rows, cols = (int(found[1]), int(found[2])) if found else (0, 0)
        if not (1 <= rows <= MAX_GRID_SIDE and 1 <= cols <= MAX_GRID_SIDE):
            raise self.fail("station_grid", setting=dotted, value=value, max=MAX_GRID_SIDE)
        return f"{rows}×{cols}"

    def screens(self, table: Mapping[str, Any], dotted: str) -> tuple[int, ...]:
        value = table.get(self._leaf(dotted), [])
        if not isinstance(value, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in value
        ):
            raise self.fail("station_type", setting=dotted, expected="integer_list")
        for screen in value:
            self._in_range(dotted, screen, (0, MAX_SCREENS - 1))
        if len(set(value)) != len(value):
            twice = next(v for v in value if value.count(v) > 1)
            raise self.fail("station_duplicate", setting=dotted, value=twice)
        return tuple(value)


def resolve_station(db: Database, cfg: StationConfig) -> StationScope:
    """Look up the org, region and cameras the config names; refuse an org or region not
    found (the station would not know what it serves).

    Without ``serves.region`` the org's own region is served. Without ``wall.cameras`` the
    wall gets every enabled camera placed in the served region's subtree (a town station sees
    its villages' cameras), by code. Listed cameras keep their order and are matched as the
    registry matches codes (case aside); disabled ones are left out, so switching a broken
    camera off does not stop the station, and codes the registry does not know are named in
    ``missing_cameras`` instead of blanking the whole wall.
    """
    where = cfg.source or cfg.name
    with db.reading() as session:
        org_id: int | None = None
        region_id: int | None = None
        if cfg.org is not None:
            found = session.execute(
                select(Org.id, Org.region_id).where(Org.code == cfg.org)
            ).first()
            if found is None:
                raise StationConfigError("station_org_not_found", where, ref=cfg.org)
            org_id, region_id = found[0], found[1]
        if cfg.region is not None:
            region_id = _region_id(session, cfg.region, where)
        town_id, village_id = _town_and_village(session, region_id)
        cameras, missing = _cameras(session, cfg, region_id)
    return StationScope(org_id, region_id, town_id, village_id, cameras, missing)


def _region_id(session: Session, ref: str, where: str) -> int:
    found = regions.matching(session, ref)
    if not found:
        raise StationConfigError("station_region_not_found", where, ref=ref)
    if len(found) > 1:
        codes = ", ".join(r.code for r in found)
        raise StationConfigError("station_region_ambiguous", where, ref=ref, codes=codes)
    return found[0].id


def _town_and_village(session: Session, region_id: int | None) -> tuple[int | None, int | None]:
    if region_id is None:
        return None, None
    level, parent = session.execute(
        select(Region.level, Region.parent_id).where(Region.id == region_id)
    ).one()
    if level is RegionLevel.VILLAGE:
        return parent, region_id
    if level is RegionLevel.TOWN:
        return region_id, None
    return None, None


def _cameras(
    session: Session, cfg: StationConfig, region_id: int | None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The enabled cameras to show, and the listed codes the registry does not know."""
    if cfg.cameras:
        wanted = {code.strip().lower() for code in cfg.cameras}
        rows = session.execute(
            select(Camera.code, Camera.enabled).where(func.lower(Camera.code).in_(wanted))
        ).all()
        known = {code.lower(): (code, on) for code, on in rows}
        shown: list[str] = []
        missing: list[str] = []
        for listed in cfg.cameras:
            found = known.get(listed.strip().lower())
            if found is None:
                missing.append(listed)
            elif found[1] and found[0] not in shown:
                shown.append(found[0])
        return tuple(shown), tuple(missing)
    query = select(Camera.code).where(Camera.enabled.is_(True)).order_by(Camera.code)
    if region_id is not None:
        query = query.where(Camera.region_id.in_(regions.subtree(session, region_id)))
    return tuple(session.scalars(query)), ()
