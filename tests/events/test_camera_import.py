"""Camera lists from a file on both engines: all or nothing, every bad line named, the
encodings Excel writes, and accounts that reach the URL the capture opens."""

from __future__ import annotations

from pathlib import Path

from commandroom.db.engine import Database
from commandroom.events import cameras
from commandroom.events.importers.cameras import import_camera_file
from commandroom.video.rtsp_proto import Target
from tests.world import World

HEADER = "编码,名称,所在区域,网格,位置类型,主码流,子码流,纬度,经度,用户名,密码\n"
GOOD = (
    "LZA-C01,兰香村北口,LZ-A,LZ-A-01,出入口,rtsp://10.20.30.40/ch1,rtsp://10.20.30.40/ch2,"
    "30.05,120.45,admin,Hik@12:34/5\n"
    "LZA-C02,茶山村河道,LZ-B,,河道,rtsp://10.20.30.41/ch1,,,,,\n"
)


def _write(tmp_path: Path, text: str, encoding: str = "utf-8-sig") -> Path:
    path = tmp_path / "cameras.csv"
    path.write_bytes(text.encode(encoding))
    return path


def _codes(db: Database) -> list[str]:
    return [c.code for c in cameras.list_cameras(db)]


def test_a_good_list_is_registered_with_its_accounts(
    database: Database, world: World, tmp_path: Path
) -> None:
    path = _write(tmp_path, HEADER + GOOD)
    dry = import_camera_file(database, path, dry_run=True)
    assert dry.ok and dry.result is not None and not dry.result.written
    assert dry.result.added == ["LZA-C01", "LZA-C02"] and _codes(database) == []

    report = import_camera_file(database, path)
    assert report.ok and report.result is not None and report.result.written
    first = cameras.get_camera(database, "LZA-C01")
    assert (first.grid_code, first.place_kind, first.lat, first.lng) == (
        "LZ-A-01",
        "entrance",
        30.05,
        120.45,
    )
    assert first.sub_url is not None
    for url in (first.main_url, first.sub_url):
        assert (Target.parse(url).user, Target.parse(url).password) == ("admin", "Hik@12:34/5")
    second = cameras.get_camera(database, "LZA-C02")
    assert (second.region_code, second.sub_url, second.has_credentials) == ("LZ-B", None, False)


def test_registered_cameras_change_only_with_update_and_keep_their_accounts(
    database: Database, world: World, tmp_path: Path
) -> None:
    assert import_camera_file(database, _write(tmp_path, HEADER + GOOD)).ok
    changed = GOOD.replace("兰香村北口", "兰香村北口(新)").replace(
        ",rtsp://10.20.30.40/ch2,30.05,120.45,admin,Hik@12:34/5", ",,30.05,120.45,,"
    )
    path = _write(tmp_path, HEADER + changed)
    refused = import_camera_file(database, path)
    assert [(e.line, e.key) for e in refused.errors] == [(2, "camera_exists"), (3, "camera_exists")]
    assert cameras.get_camera(database, "LZA-C01").name == "兰香村北口"

    updated = import_camera_file(database, path, update=True)
    assert updated.ok and updated.result is not None
    assert updated.result.changed == ["LZA-C01"]  # LZA-C02's line changes nothing
    first = cameras.get_camera(database, "LZA-C01")
    assert first.name == "兰香村北口(新)" and first.sub_url is None  # the empty cell removed it
    assert Target.parse(first.main_url).password == "Hik@12:34/5"  # an empty user keeps it


def test_every_bad_line_is_named_and_nothing_is_written(
    database: Database, world: World, tmp_path: Path
) -> None:
    text = (
        "code,name,region,main_url,place,lat,lng\n"
        "OK-1,好的,LZ-A,rtsp://h/x,road,,\n"
        "X2,,LZ-A,rtsp://h/x,池塘,abc,120\n"
        "OK-1,重复,LZ-A,rtsp://h/y,,,\n"
        "X4,区级,KQ,rtsp://h/x,,,\n"
        "X5,端口,LZ-A,rtsp://h:99999/x,,,\n"
        "X6,经纬,LZ-A,rtsp://h/x,,30,\n"
    )
    report = import_camera_file(database, _write(tmp_path, text, "utf-8"))
    assert [(e.line, e.key) for e in report.errors] == [
        (3, "required"),
        (3, "bad_place"),
        (3, "bad_degrees"),
        (4, "duplicate_in_file"),
        (5, "camera_region_district"),
        (6, "camera_url_port"),
        (7, "camera_latlng_pair"),
    ]
    assert report.errors[0].message_zh == "缺少名称" and report.errors[0].message_en
    assert _codes(database) == []  # not even the good line 2


def test_an_excel_gb18030_file_with_english_headers_is_read(
    database: Database, world: World, tmp_path: Path
) -> None:
    text = "Code,Name,Grid,RTSP,Place\nPSB-C01,茶山村村口,PS-B-02,rtsp://10.0.0.9/live,School\n"
    report = import_camera_file(database, _write(tmp_path, text, "gb18030"))
    assert report.ok, report.errors
    camera = cameras.get_camera(database, "PSB-C01")
    assert (camera.name, camera.region_code, camera.place_kind) == ("茶山村村口", "PS-B", "school")


def test_a_file_without_the_required_columns_is_refused_on_line_one(
    database: Database, world: World, tmp_path: Path
) -> None:
    report = import_camera_file(database, _write(tmp_path, "编码,名称\nC1,x\n"))
    assert [(e.line, e.key) for e in report.errors] == [(1, "missing_columns")]
    assert "主码流" in report.errors[0].message_zh


def test_an_account_written_in_the_files_url_replaces_the_old_one(
    database: Database, world: World, tmp_path: Path
) -> None:
    assert import_camera_file(database, _write(tmp_path, HEADER + GOOD)).ok
    text = (
        "编码,名称,所在区域,主码流\nLZA-C01,兰香村北口,LZ-A,rtsp://ops:New-Pw-2@10.20.30.40/ch1\n"
    )
    assert import_camera_file(database, _write(tmp_path, text), update=True).ok
    main = cameras.get_camera(database, "LZA-C01").main_url
    assert (Target.parse(main).user, Target.parse(main).password) == ("ops", "New-Pw-2")
