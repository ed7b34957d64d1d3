"""The camera registry: the cameras a wall may show, added and mended by the administrator.

A real deployment has no demo seed, so a village room's cameras must get into the shared
database somewhere; ``commandroom camera`` is that place and these functions are its rules.
A camera lives in a village or a town (DOMAIN.md), optionally in one of the village's grids,
and has a main stream and, usually, a substream that the wall's tiles use.

URLs may carry the camera's account (``rtsp://user:password@host/...``): they are stored as
given, because the capture worker needs them, and never leave this module unmasked except
in ``CameraInfo``'s URL fields, which hide themselves from ``repr`` so a log line or a
traceback cannot print them. Callers mask them before showing them (``video.mask_url``).

Disabled cameras keep their row (a case may point at the camera that saw it); stations
leave them off their walls. Stations read the registry again every minute
(``ui.modes.wall.StationLoader``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from commandroom.db.engine import Database
from commandroom.db.enums import PlaceKind, RegionLevel
from commandroom.db.models import Camera, Grid, Region
from commandroom.events import camera_audit, messages, regions
from commandroom.events.camera_urls import account_of, with_account
from commandroom.events.errors import CaseError, NotFound

CODE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,31}")
NAME_MAX_LENGTH = 128
URL_MAX_LENGTH = 512  # the column's size
URL_SCHEMES = ("rtsp", "demo")  # what the capture workers open (demo:// is synthetic)


class CameraError(CaseError):
    """A refused registry change; its words are in ``events.messages`` (``camera_*``)."""

    key = "camera_bad_code"

    def _rendered_params(self, lang: str) -> dict[str, Any]:
        out = super()._rendered_params(lang)
        if "which" in out:
            out["which"] = messages.stream_name(str(out["which"]), lang)
        return out


@dataclass(frozen=True)
class CameraInfo:
    """A registered camera. ``main_url``/``sub_url`` may hold a password: mask before
    showing; they are left out of ``repr`` so that logging this object cannot leak one."""

    code: str
    name: str
    place_kind: PlaceKind
    region_code: str
    region_name: str
    grid_code: str | None
    lat: float | None
    lng: float | None
    enabled: bool
    main_url: str = field(repr=False)
    sub_url: str | None = field(repr=False)

    @property
    def has_credentials(self) -> bool:
        return any(account_of(u) for u in (self.main_url, self.sub_url) if u)


@dataclass(frozen=True)
class CameraFields:
    """What an add or a change says; None leaves a field as it is (or unset, for an add).

    ``account`` is (user, password) for both URLs; ``("", "")`` removes the account.
    ``sub_url=""`` removes the substream (tiles then use the main stream)."""

    name: str | None = None
    place_kind: PlaceKind | None = None
    region_ref: str | None = None
    grid_ref: str | None = None
    main_url: str | None = None
    sub_url: str | None = None
    lat: float | None = None
    lng: float | None = None
    account: tuple[str, str] | None = field(default=None, repr=False)


# --- checks that need no database ------------------------------------------------------


def check_code(code: str) -> str:
    text = code.strip()
    if not CODE_PATTERN.fullmatch(text):
        raise CameraError("camera_bad_code", code=code)
    return text


def check_name(name: str) -> str:
    text = name.strip()
    if not text or len(text) > NAME_MAX_LENGTH:
        raise CameraError("camera_bad_name", max=NAME_MAX_LENGTH)
    return text


def check_url(url: str, which: str) -> str:
    """A URL the capture workers can open, or a refusal that says what is wrong with it
    (``which`` is ``main`` or ``sub``). The URL itself is never repeated: it may hold a
    password."""
    text = url.strip()
    if not text or any(ch.isspace() for ch in text):
        raise CameraError("camera_url_spaces" if text else "camera_url_empty", which=which)
    if len(text) > URL_MAX_LENGTH:
        raise CameraError("camera_url_long", which=which, max=URL_MAX_LENGTH)
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise CameraError("camera_url_port", which=which) from None
    if parts.scheme.lower() not in URL_SCHEMES:
        raise CameraError("camera_url_scheme", which=which)
    if not parts.hostname:
        raise CameraError("camera_url_host", which=which)
    if port == 0:
        raise CameraError("camera_url_port", which=which)
    return text


def check_place(lat: float | None, lng: float | None) -> None:
    if (lat is None) != (lng is None):
        raise CameraError("camera_latlng_pair")
    if lat is None or lng is None:
        return
    if not (math.isfinite(lat) and -90 <= lat <= 90 and math.isfinite(lng) and -180 <= lng <= 180):
        raise CameraError("camera_latlng_range", lat=lat, lng=lng)


# --- reading ---------------------------------------------------------------------------


def list_cameras(db: Database, region_ref: str | None = None) -> list[CameraInfo]:
    """Every camera (enabled or not) by code; with ``region_ref``, those in that region
    and everything under it."""
    with db.reading() as s:
        query = select(Camera).order_by(Camera.code)
        if region_ref is not None:
            region = _region(s, region_ref, any_level=True)
            query = query.where(Camera.region_id.in_(regions.subtree(s, region.id)))
        return [_info(s, c) for c in s.scalars(query)]


def get_camera(db: Database, code: str) -> CameraInfo:
    with db.reading() as s:
        return _info(s, _camera(s, code))


# --- writing ---------------------------------------------------------------------------


def add_camera(
    db: Database,
    code: str,
    fields: CameraFields,
    *,
    by: str | None = None,
    now: datetime | None = None,
) -> CameraInfo:
    """Register a camera. Name, region and main URL are required; it starts enabled.
    ``by`` (``cli:user@host``) and the time go into the camera's history."""
    code = check_code(code)
    with db.writing() as s:
        taken = _find(s, code)
        if taken is not None:
            raise CameraError("camera_code_taken", code=code, existing=taken.code)
        camera = _new(s, code, fields)
        try:
            s.flush()
        except IntegrityError:  # another administrator added this code a moment ago
            raise CameraError("camera_code_taken", code=code, existing=code) from None
        camera_audit.record(s, camera, camera_audit.ADD, {}, by=by, now=now)
        return _info(s, camera)


@dataclass(frozen=True)
class CameraLine:
    """One camera of an import file: the physical line it is on, its code and fields."""

    line: int
    code: str
    fields: CameraFields


@dataclass
class CameraImport:
    """What an import did, or would have done: ``written`` only when every line was good
    (and it was not a dry run); ``errors`` are (line, refusal) pairs."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    errors: list[tuple[int, CaseError]] = field(default_factory=list)
    written: bool = False


class _Undo(Exception):
    """Leaves ``db.writing()`` by its rollback path."""


def import_cameras(
    db: Database,
    lines: Sequence[CameraLine],
    *,
    update: bool = False,
    dry_run: bool = False,
    by: str | None = None,
) -> CameraImport:
    """Add (and with ``update``, change) every camera of ``lines`` in one transaction, or,
    if any line is refused, none: a half-registered district is worse than none."""
    result = CameraImport()
    try:
        with db.writing() as s:
            for item in lines:
                try:
                    existing = _find(s, check_code(item.code))
                    if existing is None:
                        camera = _new(s, item.code.strip(), item.fields)
                        camera_audit.record(s, camera, camera_audit.ADD, {}, by=by)
                        result.added.append(camera.code)
                    elif update:
                        before = camera_audit.snapshot(s, existing)
                        _apply(s, existing, item.fields)
                        if camera_audit.record(s, existing, camera_audit.CHANGE, before, by=by):
                            result.changed.append(existing.code)
                    else:
                        raise CameraError("camera_exists", code=existing.code)
                except CaseError as exc:
                    result.errors.append((item.line, exc))
            if result.errors or dry_run:
                raise _Undo
            result.written = True
    except _Undo:
        pass
    return result


def change_camera(
    db: Database,
    code: str,
    fields: CameraFields,
    *,
    by: str | None = None,
    now: datetime | None = None,
) -> CameraInfo:
    """Change what ``fields`` names and nothing else (a change that changes nothing leaves
    no history row)."""
    with db.writing() as s:
        camera = _camera(s, code, lock=True)
        before = camera_audit.snapshot(s, camera)
        _apply(s, camera, fields)
        camera_audit.record(s, camera, camera_audit.CHANGE, before, by=by, now=now)
        return _info(s, camera)


def set_enabled(
    db: Database, code: str, enabled: bool, *, by: str | None = None, now: datetime | None = None
) -> bool:
    """Whether anything changed (enabling an enabled camera is not an error)."""
    with db.writing() as s:
        camera = _camera(s, code, lock=True)
        if camera.enabled == enabled:
            return False
        before = camera_audit.snapshot(s, camera)
        camera.enabled = enabled
        action = camera_audit.ENABLE if enabled else camera_audit.DISABLE
        camera_audit.record(s, camera, action, before, by=by, now=now)
        return True


def camera_history(db: Database, code: str) -> list[camera_audit.CameraChange]:
    with db.reading() as s:
        camera_id = _camera(s, code).id
    return camera_audit.history(db, camera_id)


def _new(s: Session, code: str, fields: CameraFields) -> Camera:
    if fields.name is None or fields.main_url is None or not (fields.region_ref or fields.grid_ref):
        raise CameraError("camera_missing")
    camera = Camera(code=code, place_kind=PlaceKind.ROAD, enabled=True)
    _apply(s, camera, fields)
    s.add(camera)
    return camera


def _apply(s: Session, camera: Camera, f: CameraFields) -> None:
    """Check every field before changing any, so a refused change leaves the row as it was."""
    name = None if f.name is None else check_name(f.name)
    main = None if f.main_url is None else check_url(f.main_url, "main")
    sub = None if not f.sub_url else check_url(f.sub_url, "sub")
    region = None if f.region_ref is None else _region(s, f.region_ref)
    grid = None if not f.grid_ref else _grid(s, f.grid_ref)
    moved = f.lat is not None or f.lng is not None
    lat, lng = (f.lat, f.lng) if moved else (camera.lat, camera.lng)
    check_place(lat, lng)
    region_id = region.id if region is not None else camera.region_id
    if grid is not None:
        if region is None and camera.region_id is None:
            region_id = grid.village_id  # the grid says where the camera is
        elif grid.village_id not in regions.subtree(s, region_id):
            raise CameraError("camera_grid_outside", grid=grid.code, region=_name(s, region_id))
    elif f.grid_ref is None and region is not None and camera.grid_id is not None:
        grid_now = s.get(Grid, camera.grid_id)
        if grid_now is not None and grid_now.village_id not in regions.subtree(s, region_id):
            camera.grid_id = None  # moved out of its grid's village: the grid no longer holds

    if name is not None:
        camera.name = name
    if f.place_kind is not None:
        camera.place_kind = f.place_kind
    camera.region_id = region_id
    if grid is not None:
        camera.grid_id = grid.id
    elif f.grid_ref == "":
        camera.grid_id = None
    # A new address keeps the camera's account unless the change names another one, as
    # ``account`` or inside the new URLs (an import file may write them so).
    account = f.account
    readdressed = main is not None or bool(sub)
    carries = any(account_of(u) for u in (main, sub) if u)
    if account is None and readdressed and not carries and camera.main_url:
        account = account_of(camera.main_url)
    if main is not None:
        camera.main_url = main
    if f.sub_url is not None:
        camera.sub_url = sub or None
    camera.lat, camera.lng = lat, lng
    if account is not None:
        camera.main_url = with_account(camera.main_url, *account)
        if camera.sub_url:
            camera.sub_url = with_account(camera.sub_url, *account)


# --- lookups ---------------------------------------------------------------------------


def _find(s: Session, code: str, *, lock: bool = False) -> Camera | None:
    """Codes differing only in case are one code to the people who type them."""
    query = select(Camera).where(func.lower(Camera.code) == code.strip().lower())
    if lock:
        query = query.with_for_update()
    return s.scalars(query).first()


def _camera(s: Session, code: str, *, lock: bool = False) -> Camera:
    camera = _find(s, code, lock=lock)
    if camera is None:
        raise NotFound("camera_not_found", ref=code)
    return camera


def _region(s: Session, ref: str, *, any_level: bool = False) -> Region:
    """A camera's region is a village or a town (``any_level`` also allows the district,
    for filtering)."""
    found = regions.matching(s, ref)
    if not found:
        raise CameraError("camera_region_not_found", ref=ref)
    if len(found) > 1:
        codes = ", ".join(r.code for r in found)
        raise CameraError("camera_region_ambiguous", ref=ref, codes=codes)
    region = found[0]
    if not any_level and region.level is RegionLevel.DISTRICT:
        raise CameraError("camera_region_district", region=region.name)
    return region


def _grid(s: Session, ref: str) -> Grid:
    grid = s.scalars(select(Grid).where(Grid.code == ref.strip())).first()
    if grid is None:
        raise CameraError("camera_grid_not_found", ref=ref)
    return grid


def _name(s: Session, region_id: int) -> str:
    region = s.get(Region, region_id)
    return region.name if region is not None else str(region_id)


def _info(s: Session, camera: Camera) -> CameraInfo:
    region = s.get(Region, camera.region_id)
    grid = None if camera.grid_id is None else s.get(Grid, camera.grid_id)
    return CameraInfo(
        code=camera.code,
        name=camera.name,
        place_kind=PlaceKind(camera.place_kind),
        region_code=region.code if region is not None else "",
        region_name=region.name if region is not None else "",
        grid_code=grid.code if grid is not None else None,
        lat=camera.lat,
        lng=camera.lng,
        enabled=camera.enabled,
        main_url=camera.main_url,
        sub_url=camera.sub_url,
    )
