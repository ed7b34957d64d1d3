"""Event ↔ camera: which cameras look at an event's place, and a snapshot kept as evidence.

An operator looking at a case wants the picture of *that* place in one click, so the list
starts with the camera that reported the event (video patrol), then the cameras of its grid
and village, then the town's other cameras by distance. A town has tens of cameras, so the
distance is computed in Python (haversine) over the few rows rather than in SQL, which keeps
it the same on SQLite and PostgreSQL.

A snapshot is attached through ``CaseService.attach`` like any photo: the bytes live in the
database with their sha256, and the ATTACH row joins the case's hash-chained action log.
"""

from __future__ import annotations

import math
from datetime import datetime

from sqlalchemy import or_, select

from commandroom.db.engine import Database
from commandroom.db.enums import AttachmentKind, AttachmentPhase
from commandroom.db.models import Camera, Event, Region
from commandroom.events.errors import invalid
from commandroom.events.inputs import ActionResult, AttachmentInput
from commandroom.events.layouts import CameraRow
from commandroom.events.pipeline import find_event
from commandroom.events.service import CaseService

EARTH_RADIUS_M = 6_371_000.0
MIME_SUFFIX = {"image/png": "png", "image/jpeg": "jpg"}


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres (haversine); plenty for a town a few km across."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def _row(camera: Camera) -> CameraRow:
    return CameraRow(
        code=camera.code,
        name=camera.name,
        place_kind=str(camera.place_kind.value),
        main_url=camera.main_url,
        sub_url=camera.sub_url,
    )


def cameras_near(db: Database, event_id: int, limit: int = 6) -> list[CameraRow]:
    """Enabled cameras for an event: its own, its grid's, its village's, then the nearest.

    Within each tier the nearer camera comes first (when both the event and the camera have
    coordinates), then by code, so the order is stable. Cameras of other towns are not
    offered: a village room's operator never needs a camera across the district.
    """
    if limit <= 0:
        return []
    with db.reading() as session:
        event = find_event(session, event_id)
        villages = select(Region.id).where(Region.parent_id == event.town_id)
        cameras = list(
            session.scalars(
                select(Camera)
                .where(
                    Camera.enabled.is_(True),
                    or_(
                        Camera.id == event.camera_id,
                        Camera.region_id == event.town_id,
                        Camera.region_id.in_(villages),
                    ),
                )
                .order_by(Camera.code)
            )
        )
        origin = _origin(event, cameras)

        def tier(camera: Camera) -> int:
            if event.camera_id is not None and camera.id == event.camera_id:
                return 0
            if event.grid_id is not None and camera.grid_id == event.grid_id:
                return 1
            if event.village_id is not None and camera.region_id == event.village_id:
                return 2
            return 3

        def far(camera: Camera) -> float:
            if origin is None or camera.lat is None or camera.lng is None:
                return math.inf
            return distance_m(origin[0], origin[1], camera.lat, camera.lng)

        ranked = sorted(cameras, key=lambda c: (tier(c), far(c), c.code))
        return [_row(c) for c in ranked[:limit]]


def _origin(event: Event, cameras: list[Camera]) -> tuple[float, float] | None:
    """Where the event is: its own coordinates, else its reporting camera's."""
    if event.lat is not None and event.lng is not None:
        return (event.lat, event.lng)
    own = next((c for c in cameras if c.id == event.camera_id), None)
    if own is not None and own.lat is not None and own.lng is not None:
        return (own.lat, own.lng)
    return None


def attach_snapshot(
    service: CaseService,
    event_id: int,
    username: str,
    image: bytes,
    camera_code: str,
    taken_at: datetime,
    mime: str = "image/png",
    *,
    key: str | None = None,
) -> ActionResult:
    """Attach a wall tile's frame to a case as evidence (an ATTACH action with its sha256).

    The camera need not be in the database (demo mode's synthetic cameras and ``--rtsp``
    URLs are not): its code still names the file and the note, and a known camera adds its
    coordinates. The service checks that ``username`` may attach to this case now.
    """
    if not image:
        raise invalid("photo")
    with service.db.reading() as session:
        camera = session.scalars(select(Camera).where(Camera.code == camera_code)).first()
        name = camera.name if camera is not None else camera_code
        lat = camera.lat if camera is not None else None
        lng = camera.lng if camera is not None else None
    suffix = MIME_SUFFIX.get(mime, "bin")
    stamp = taken_at.strftime("%Y%m%d-%H%M%S")
    snapshot = AttachmentInput(
        filename=f"{camera_code}-{stamp}.{suffix}",
        content=image,
        kind=AttachmentKind.CAMERA_SNAPSHOT,
        phase=AttachmentPhase.EVIDENCE,
        mime_type=mime,
        taken_at=taken_at,
        lat=lat,
        lng=lng,
    )
    # The note is case data written into the log (Chinese, like every other note there).
    note = f"视频截图：{name}（{camera_code}）"
    return service.attach(event_id, username, files=(snapshot,), note=note, key=key)
