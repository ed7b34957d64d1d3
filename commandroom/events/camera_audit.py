"""The camera registry's 留痕: who added, changed, disabled or enabled a camera, and what.

A governance platform records who did what; a camera quietly re-pointed elsewhere is as much
a change of what the room sees as a case moved on. Each change is one ``camera_audit`` row
with the changed fields as ``{field: [before, after]}``. URLs are stored masked (the account
replaced by ``***``), and the account only as whether it was set, changed or removed
(``account``: ``[None, "set"]``, ``["set", "new"]``, ``["set", None]``): the row says that
the address or the account changed, never a user name or a password.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from commandroom.db.base import utcnow
from commandroom.db.engine import Database
from commandroom.db.models import Camera, CameraAudit, Grid, Region
from commandroom.events.camera_urls import account_of, masked

ADD, CHANGE, DISABLE, ENABLE = "add", "change", "disable", "enable"
FIELDS = ("name", "place_kind", "region", "grid", "main_url", "sub_url", "lat", "lng")
_ACCOUNT = "_account"  # in a snapshot only: the raw accounts, compared and never stored
UNKNOWN_BY = "?"


@dataclass(frozen=True)
class CameraChange:
    at: datetime
    by: str
    action: str
    changes: dict[str, tuple[Any, Any]]  # field → (before, after); URLs masked


def snapshot(s: Session, camera: Camera) -> dict[str, Any]:
    """The audited fields of ``camera`` as they are now (empty for one not yet written)."""
    if camera.region_id is None:
        return {}
    region = s.get(Region, camera.region_id)
    grid = None if camera.grid_id is None else s.get(Grid, camera.grid_id)
    return {
        "name": camera.name,
        "place_kind": str(getattr(camera.place_kind, "value", camera.place_kind)),
        "region": None if region is None else region.code,
        "grid": None if grid is None else grid.code,
        "main_url": masked(camera.main_url),
        "sub_url": masked(camera.sub_url),
        "lat": camera.lat,
        "lng": camera.lng,
        _ACCOUNT: tuple(u and account_of(u) for u in (camera.main_url, camera.sub_url)),
    }


def _account_change(before: dict[str, Any], after: dict[str, Any]) -> list[str | None] | None:
    old = before.get(_ACCOUNT) or (None, None)
    new = after.get(_ACCOUNT) or (None, None)
    if old == new:
        return None
    had, has = any(old), any(new)
    return ["set" if had else None, ("new" if had else "set") if has else None]


def record(
    s: Session,
    camera: Camera,
    action: str,
    before: dict[str, Any],
    *,
    by: str | None,
    now: datetime | None = None,
) -> bool:
    """Write the row for ``action`` if anything changed (an enable or disable always has);
    whether a row was written. Call after the change, with ``snapshot`` from before it."""
    s.flush()  # a new camera needs its id
    after = snapshot(s, camera)
    changes = {
        name: [before.get(name), after.get(name)]
        for name in FIELDS
        if before.get(name) != after.get(name)
    }
    account = _account_change(before, after)
    if account is not None:
        changes["account"] = account
    if not changes and action not in (DISABLE, ENABLE):
        return False
    s.add(
        CameraAudit(
            camera_id=camera.id,
            at=now or utcnow(),
            by=(by or UNKNOWN_BY)[:128],
            action=action,
            changes=changes,
        )
    )
    return True


def history(db: Database, camera_id: int) -> list[CameraChange]:
    """Every recorded change of the camera, oldest first."""
    with db.reading() as s:
        rows = s.scalars(
            select(CameraAudit)
            .where(CameraAudit.camera_id == camera_id)
            .order_by(CameraAudit.at, CameraAudit.id)
        )
        return [
            CameraChange(
                r.at, r.by, r.action, {k: (v[0], v[1]) for k, v in (r.changes or {}).items()}
            )
            for r in rows
        ]
