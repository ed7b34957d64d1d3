"""Event ↔ camera evidence on both engines: which cameras are offered, and a stored snapshot."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from commandroom.db.chain import verify_chains
from commandroom.db.engine import Database
from commandroom.db.enums import Action, AttachmentKind, AttachmentPhase, PlaceKind, Source
from commandroom.db.models import Camera, EventAction, EventAttachment
from commandroom.events.errors import PermissionDenied, ValidationError
from commandroom.events.evidence import attach_snapshot, cameras_near, distance_m
from commandroom.events.inputs import AttachmentInput, ReportInput
from commandroom.events.service import CaseService
from tests.world import World

PHOTO = AttachmentInput("scene.jpg", b"\xff\xd8fake-jpeg-bytes")
SPOT = (30.0500, 120.5000)  # where the test event happens
PNG = b"\x89PNG\r\n\x1a\nnot-really-but-bytes"


def _cameras(database: Database, world: World) -> dict[str, int]:
    """Cameras around LZ-A (grid 01), elsewhere in 漓渚镇, one disabled, one in 平水镇."""
    lat, lng = SPOT
    spec = [
        # code, region, grid, offset north in metres (≈ 1e-5 deg per 1.1 m), enabled
        ("CAM-OWN", "LZ-A", "LZ-A-02", 900, True),  # reported the event, though far off
        ("CAM-GRID-FAR", "LZ-A", "LZ-A-01", 500, True),
        ("CAM-GRID-NEAR", "LZ-A", "LZ-A-01", 100, True),
        ("CAM-VIL", "LZ-A", "LZ-A-02", 300, True),
        ("CAM-TOWN-NEAR", "LZ", None, 50, True),  # nearer than all, but only the town's
        ("CAM-B-FAR", "LZ-B", "LZ-B-01", 2000, True),
        ("CAM-B-MID", "LZ-B", "LZ-B-01", 1000, True),
        ("CAM-OFF", "LZ-A", "LZ-A-01", 10, False),
        ("CAM-PS", "PS-A", "PS-A-01", 20, True),  # another town: never offered
    ]
    ids: dict[str, int] = {}
    with database.writing() as s:
        for code, region, grid, north_m, enabled in spec:
            camera = Camera(
                code=code,
                name=f"{code} 名称",
                place_kind=PlaceKind.ROAD,
                region_id=world.regions[region],
                grid_id=world.grids[grid] if grid else None,
                main_url=f"demo://{code}/main",
                sub_url=None,
                lat=lat + north_m / 111_195,
                lng=lng,
                enabled=enabled,
            )
            s.add(camera)
            s.flush()
            ids[code] = camera.id
    return ids


def _report(service: CaseService, camera_id: int | None) -> int:
    data = ReportInput(
        title="仓储区附近可疑人员",
        description="凌晨在仓储区附近发现两名陌生男子多次徘徊，拍照时离开。",
        category_code="SEC-SUSP",
        source=Source.VIDEO_PATROL if camera_id else Source.GRID_APP,
        grid_code="LZ-A-01",
        lat=SPOT[0],
        lng=SPOT[1],
        camera_id=camera_id,
        photos=(PHOTO,),
    )
    return service.report(data, "vop_a" if camera_id else "gw_a1").event_id


def test_distance_is_haversine() -> None:
    assert distance_m(30.0, 120.0, 30.0, 120.0) == 0
    assert distance_m(30.0, 120.0, 30.001, 120.0) == pytest.approx(111.2, abs=0.5)
    assert distance_m(0.0, 0.0, 0.0, 1.0) == pytest.approx(111_195, rel=1e-3)


def test_cameras_near_ranks_own_grid_village_then_distance(
    service: CaseService, database: Database, world: World
) -> None:
    ids = _cameras(database, world)
    event_id = _report(service, ids["CAM-OWN"])

    codes = [c.code for c in cameras_near(database, event_id, limit=20)]
    assert codes == [
        "CAM-OWN",
        "CAM-GRID-NEAR",
        "CAM-GRID-FAR",
        "CAM-VIL",
        "CAM-TOWN-NEAR",
        "CAM-B-MID",
        "CAM-B-FAR",
    ]
    assert [c.code for c in cameras_near(database, event_id)] == codes[:6]
    assert [c.code for c in cameras_near(database, event_id, limit=2)] == codes[:2]
    assert cameras_near(database, event_id, limit=0) == []
    first = cameras_near(database, event_id, limit=1)[0]
    assert (first.name, first.place_kind, first.main_url) == (
        "CAM-OWN 名称",
        "road",
        "demo://CAM-OWN/main",
    )

    # an event with no camera of its own starts with its grid
    plain = _report(service, None)
    assert [c.code for c in cameras_near(database, plain, limit=3)] == [
        "CAM-GRID-NEAR",
        "CAM-GRID-FAR",
        "CAM-VIL",
    ]


def test_snapshot_is_stored_hashed_and_logged(
    service: CaseService, database: Database, world: World
) -> None:
    ids = _cameras(database, world)
    event_id = _report(service, ids["CAM-OWN"])
    taken = datetime(2026, 6, 15, 2, 5, 7, tzinfo=UTC)

    result = attach_snapshot(service, event_id, "disp_lz", PNG, "CAM-VIL", taken)

    assert result.action is Action.ATTACH and result.event_id == event_id
    with database.reading() as s:
        row = s.get(EventAction, result.action_id)
        assert row is not None and row.action is Action.ATTACH
        assert row.actor_user_id == world.users["disp_lz"]
        assert row.comment is not None and "CAM-VIL" in row.comment
        photo = s.scalars(
            select(EventAttachment).where(EventAttachment.action_id == result.action_id)
        ).one()
        assert photo.content == PNG and photo.size == len(PNG)
        assert photo.sha256 == hashlib.sha256(PNG).hexdigest()
        assert photo.kind is AttachmentKind.CAMERA_SNAPSHOT
        assert photo.phase is AttachmentPhase.EVIDENCE
        assert photo.mime_type == "image/png" and photo.filename == "CAM-VIL-20260615-020507.png"
        assert photo.taken_at == taken
        assert photo.lat == pytest.approx(SPOT[0] + 300 / 111_195)
        assert verify_chains(s) is None


def test_snapshot_of_a_camera_not_in_the_database_and_refusals(
    service: CaseService, database: Database
) -> None:
    event_id = _report(service, None)
    taken = datetime(2026, 6, 15, 2, 6, tzinfo=UTC)

    result = attach_snapshot(
        service, event_id, "police_lz", b"\xff\xd8jpeg", "rtsp-1", taken, "image/jpeg"
    )
    with database.reading() as s:
        photo = s.scalars(
            select(EventAttachment).where(EventAttachment.action_id == result.action_id)
        ).one()
        assert photo.filename == "rtsp-1-20260615-020600.jpg" and photo.lat is None

    with pytest.raises(ValidationError):
        attach_snapshot(service, event_id, "police_lz", b"", "rtsp-1", taken)
    with pytest.raises(PermissionDenied):  # a leader only reads and notes
        attach_snapshot(service, event_id, "leader", PNG, "rtsp-1", taken)
    with database.reading() as s:
        assert verify_chains(s) is None
