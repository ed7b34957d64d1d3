"""The camera registry's history on both engines: every change is a row with who and when,
what changed, and never the camera's user name or password."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from commandroom.db.engine import Database
from commandroom.db.models import CameraAudit
from commandroom.events import cameras
from commandroom.events.cameras import CameraFields
from commandroom.events.importers.cameras import import_camera_file
from tests.world import World

NOW = datetime(2026, 6, 15, 2, 0, tzinfo=UTC)
BY = "cli:admin@db-host"
USER, PASSWORD = "cam_admin", "Pw-Only-Here-7"


def _fields(**kwargs: object) -> CameraFields:
    base: dict[str, object] = {
        "name": "兰香村村口",
        "region_ref": "LZ-A",
        "main_url": "rtsp://10.20.30.40/ch1",
        "sub_url": "rtsp://10.20.30.40/ch2",
    }
    base.update(kwargs)
    return CameraFields(**base)  # type: ignore[arg-type]


def _stored(db: Database) -> str:
    with db.reading() as s:
        rows = s.scalars(select(CameraAudit).order_by(CameraAudit.id)).all()
        return json.dumps([(r.by, r.action, r.changes) for r in rows], ensure_ascii=False)


def test_each_change_is_recorded_with_who_when_and_what(database: Database, world: World) -> None:
    at = [NOW + timedelta(minutes=i) for i in range(5)]
    cameras.add_camera(database, "C1", _fields(), by=BY, now=at[0])
    cameras.change_camera(database, "C1", CameraFields(account=(USER, PASSWORD)), by=BY, now=at[1])
    moved = CameraFields(main_url="rtsp://10.20.30.41/ch1", name="兰香村村口(新)")
    cameras.change_camera(database, "C1", moved, by=BY, now=at[2])
    cameras.change_camera(database, "C1", CameraFields(name="兰香村村口(新)"), by=BY, now=at[3])
    cameras.set_enabled(database, "C1", False, by=BY, now=at[4])

    history = cameras.camera_history(database, "c1")
    assert [(c.at, c.by, c.action) for c in history] == [
        (at[0], BY, "add"),
        (at[1], BY, "change"),
        (at[2], BY, "change"),  # at[3] changed nothing: no row
        (at[4], BY, "disable"),
    ]
    assert history[0].changes["name"] == (None, "兰香村村口")
    assert history[1].changes["account"] == (None, "set")
    assert history[1].changes["main_url"] == (
        "rtsp://10.20.30.40/ch1",
        "rtsp://***@10.20.30.40/ch1",
    )
    assert history[2].changes == {
        "name": ("兰香村村口", "兰香村村口(新)"),
        "main_url": ("rtsp://***@10.20.30.40/ch1", "rtsp://***@10.20.30.41/ch1"),
    }
    assert history[3].changes == {}
    stored = _stored(database)
    assert PASSWORD not in stored and USER not in stored


def test_a_new_password_is_recorded_as_replaced_without_being_stored(
    database: Database, world: World
) -> None:
    cameras.add_camera(database, "C1", _fields(account=(USER, PASSWORD)), by=BY)
    cameras.change_camera(database, "C1", CameraFields(account=(USER, "Another-9")), by=BY)
    cameras.change_camera(database, "C1", CameraFields(account=("", "")), by=BY)
    changes = [c.changes.get("account") for c in cameras.camera_history(database, "C1")]
    assert changes == [(None, "set"), ("set", "new"), ("set", None)]
    assert "Another-9" not in _stored(database) and PASSWORD not in _stored(database)


def test_an_import_is_recorded_only_when_it_is_written(
    database: Database, world: World, tmp_path: Path
) -> None:
    path = tmp_path / "cameras.csv"
    path.write_text(
        f"编码,名称,所在区域,主码流,用户名,密码\nC1,村口,LZ-A,rtsp://10.0.0.1/x,{USER},{PASSWORD}\n",
        encoding="utf-8",
    )
    assert import_camera_file(database, path, dry_run=True, by=BY).ok
    assert _stored(database) == "[]"
    assert import_camera_file(database, path, by=BY).ok
    assert [c.action for c in cameras.camera_history(database, "C1")] == ["add"]
    again = import_camera_file(database, path, update=True, by=BY)
    assert again.ok and again.result is not None and again.result.changed == []  # no change
    assert PASSWORD not in _stored(database) and USER not in _stored(database)
