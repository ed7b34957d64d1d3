"""The camera registry on both engines: what it accepts, what it refuses (writing nothing),
and that an account given apart from the URL reaches the stored URL in a form the capture
worker's URL parser reads back."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from commandroom.db.engine import Database
from commandroom.db.enums import PlaceKind
from commandroom.db.models import Camera
from commandroom.events import cameras
from commandroom.events.cameras import CameraError, CameraFields
from commandroom.events.errors import NotFound
from commandroom.events.station import parse_station, resolve_station
from commandroom.video.rtsp_proto import Target
from tests.world import World

MAIN = "rtsp://10.20.30.40:554/Streaming/Channels/101"
SUB = "rtsp://10.20.30.40:554/Streaming/Channels/102"


def _fields(**kwargs: object) -> CameraFields:
    base: dict[str, object] = {"name": "兰香村村口", "region_ref": "LZ-A", "main_url": MAIN}
    base.update(kwargs)
    return CameraFields(**base)  # type: ignore[arg-type]


def _stored(db: Database, code: str) -> tuple[str, str | None]:
    with db.reading() as s:
        row = s.execute(select(Camera.main_url, Camera.sub_url).where(Camera.code == code)).one()
    return row[0], row[1]


def test_an_added_camera_is_listed_under_its_region_and_its_town(
    database: Database, world: World
) -> None:
    info = cameras.add_camera(
        database,
        "LZA-C01",
        _fields(sub_url=SUB, grid_ref="LZ-A-01", place_kind=PlaceKind.ENTRANCE, lat=30, lng=120),
    )
    assert (info.region_code, info.grid_code, info.place_kind) == ("LZ-A", "LZ-A-01", "entrance")
    assert info.enabled and not info.has_credentials
    assert [c.code for c in cameras.list_cameras(database, "漓渚镇")] == ["LZA-C01"]
    assert cameras.list_cameras(database, "PS") == []
    assert [c.code for c in cameras.list_cameras(database)] == ["LZA-C01"]


def test_the_grid_alone_says_where_a_new_camera_is(database: Database, world: World) -> None:
    info = cameras.add_camera(database, "C1", _fields(region_ref=None, grid_ref="PS-B-02"))
    assert (info.region_code, info.grid_code) == ("PS-B", "PS-B-02")


def test_an_account_is_stored_so_the_capture_reads_it_back(
    database: Database, world: World
) -> None:
    password = "p@ss:w/rd%"  # every character that would end the account early
    info = cameras.add_camera(database, "C1", _fields(sub_url=SUB, account=("admin", password)))
    assert info.has_credentials
    main, sub = _stored(database, "C1")
    for url in (main, sub):
        target = Target.parse(url)
        assert (target.user, target.password, target.host) == ("admin", password, "10.20.30.40")
    assert "CameraInfo(" in repr(info) and password not in repr(info) and "admin" not in repr(info)


def test_a_new_address_keeps_the_account_and_an_empty_one_removes_it(
    database: Database, world: World
) -> None:
    cameras.add_camera(database, "C1", _fields(sub_url=SUB, account=("admin", "pw1")))
    cameras.change_camera(database, "c1", CameraFields(main_url="rtsp://10.0.0.9/live"))
    main, sub = _stored(database, "C1")
    assert Target.parse(main).host == "10.0.0.9"
    assert Target.parse(main).password == Target.parse(sub).password == "pw1"
    cameras.change_camera(database, "C1", CameraFields(account=("", "")))
    assert _stored(database, "C1") == ("rtsp://10.0.0.9/live", SUB)
    cameras.change_camera(database, "C1", CameraFields(sub_url=""))
    assert _stored(database, "C1") == ("rtsp://10.0.0.9/live", None)


def test_moving_a_camera_to_another_village_drops_a_grid_that_is_not_there(
    database: Database, world: World
) -> None:
    cameras.add_camera(database, "C1", _fields(grid_ref="LZ-A-01"))
    moved = cameras.change_camera(database, "C1", CameraFields(region_ref="LZ-B"))
    assert (moved.region_code, moved.grid_code) == ("LZ-B", None)
    kept = cameras.change_camera(database, "C1", CameraFields(region_ref="LZ"))
    assert (kept.region_code, kept.grid_code) == ("LZ", None)


@pytest.mark.parametrize(
    ("code", "fields", "key"),
    [
        ("bad code", _fields(), "camera_bad_code"),
        ("C1", _fields(name="  "), "camera_bad_name"),
        ("C1", _fields(main_url=None), "camera_missing"),
        ("C1", _fields(region_ref=None), "camera_missing"),
        ("C1", _fields(main_url="http://10.20.30.40/x"), "camera_url_scheme"),
        ("C1", _fields(main_url="10.20.30.40:554/x"), "camera_url_scheme"),
        ("C1", _fields(main_url="rtsp:///x"), "camera_url_host"),
        ("C1", _fields(main_url="rtsp://h:70000/x"), "camera_url_port"),
        ("C1", _fields(main_url="rtsp://h:0/x"), "camera_url_port"),
        ("C1", _fields(sub_url="rtsp://h/a b"), "camera_url_spaces"),
        ("C1", _fields(main_url="rtsp://h/" + "x" * 600), "camera_url_long"),
        ("C1", _fields(region_ref="KQ"), "camera_region_district"),
        ("C1", _fields(region_ref="火星村"), "camera_region_not_found"),
        ("C1", _fields(grid_ref="PS-A-01"), "camera_grid_outside"),
        ("C1", _fields(grid_ref="NO-SUCH"), "camera_grid_not_found"),
        ("C1", _fields(lat=30.0), "camera_latlng_pair"),
        ("C1", _fields(lat=95.0, lng=120.0), "camera_latlng_range"),
        ("C1", _fields(lat=float("nan"), lng=120.0), "camera_latlng_range"),
    ],
)
def test_a_bad_camera_is_refused_and_nothing_is_written(
    database: Database, world: World, code: str, fields: CameraFields, key: str
) -> None:
    with pytest.raises(CameraError) as caught:
        cameras.add_camera(database, code, fields)
    assert caught.value.key == key
    assert "{" not in caught.value.message("zh") and "{" not in caught.value.message("en")
    assert "10.20.30.40" not in caught.value.message("zh")  # a URL is never repeated
    assert cameras.list_cameras(database) == []


def test_a_refused_change_leaves_the_camera_as_it_was(database: Database, world: World) -> None:
    before = cameras.add_camera(database, "C1", _fields(sub_url=SUB))
    with pytest.raises(CameraError):
        cameras.change_camera(
            database, "C1", CameraFields(name="新名称", main_url="rtsp://h/x", grid_ref="PS-A-01")
        )
    assert cameras.get_camera(database, "C1") == before


def test_codes_differing_only_in_case_are_one_code(database: Database, world: World) -> None:
    cameras.add_camera(database, "LZA-C01", _fields())
    with pytest.raises(CameraError) as caught:
        cameras.add_camera(database, "lza-c01", _fields())
    assert caught.value.key == "camera_code_taken"
    with pytest.raises(NotFound):
        cameras.change_camera(database, "LZA-C02", CameraFields(name="x"))


def _wall_of_town_lz(db: Database) -> tuple[str, ...]:
    station = parse_station({"name": "漓渚镇大屏", "mode": "wall", "serves": {"org": "cmd_LZ"}})
    return resolve_station(db, station).camera_codes


def test_a_registered_camera_is_on_its_towns_wall_until_disabled(
    database: Database, world: World
) -> None:
    cameras.add_camera(database, "LZA-C01", _fields())
    cameras.add_camera(database, "PSA-C01", _fields(region_ref="PS-A"))
    assert _wall_of_town_lz(database) == ("LZA-C01",)
    assert cameras.set_enabled(database, "LZA-C01", False)
    assert not cameras.set_enabled(database, "LZA-C01", False)
    assert _wall_of_town_lz(database) == ()
    assert cameras.set_enabled(database, "LZA-C01", True)
    assert _wall_of_town_lz(database) == ("LZA-C01",)


def test_two_administrators_adding_one_code_at_once_get_one_camera_and_one_refusal(
    database: Database, world: World
) -> None:
    """The second add waits for the first's transaction (PostgreSQL: on the unique index;
    SQLite: on the write lock) and is then refused in words, not with an IntegrityError."""
    first = database.engine.connect()
    transaction = first.begin()
    first.execute(
        Camera.__table__.insert().values(  # type: ignore[attr-defined]
            code="LZA-C01", name="先登记的", place_kind="road", region_id=world.regions["LZ-A"],
            main_url=MAIN, enabled=True,
        )
    )  # fmt: skip
    outcome: list[BaseException | None] = []

    def second() -> None:
        try:
            cameras.add_camera(database, "LZA-C01", _fields(name="后登记的"))
            outcome.append(None)
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=second)
    worker.start()
    worker.join(0.5)
    assert worker.is_alive()  # waiting for the first transaction
    transaction.commit()
    first.close()
    worker.join(10)
    assert len(outcome) == 1 and isinstance(outcome[0], CameraError), outcome
    assert outcome[0].key == "camera_code_taken"
    assert [c.name for c in cameras.list_cameras(database)] == ["先登记的"]
