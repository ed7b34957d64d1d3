"""Station config files: strict parsing with messages that name the key or line, and the
examples in resources/ resolving against the demo world on both engines."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from sqlalchemy import select, update

from commandroom.db.engine import Database
from commandroom.db.enums import RegionLevel
from commandroom.db.models import Camera, Org, Region
from commandroom.events.demo.world import build_world
from commandroom.events.layouts import load_layouts
from commandroom.events.station import (
    SCHEMA,
    StationConfig,
    StationConfigError,
    load_station,
    resolve_station,
)
from commandroom.resources import resources_dir, station_examples

EXAMPLE = resources_dir() / "station.example.toml"


def _write(tmp_path: Path, text: str, name: str = "station.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _error(tmp_path: Path, text: str) -> StationConfigError:
    with pytest.raises(StationConfigError) as info:
        load_station(_write(tmp_path, text))
    return info.value


# --- parsing (no database) ----------------------------------------------------------------


def test_the_examples_are_where_the_app_looks_and_all_load() -> None:
    names = [p.name for p in station_examples()]
    assert names == ["district-desk.toml", "town-dispatch.toml", "village-wall.toml"]
    village = load_station(resources_dir() / "stations" / "village-wall.toml")
    assert (village.mode, village.grid, village.grid_size, village.tour) == (
        "wall",
        "3×3",
        (3, 3),
        True,
    )
    assert village.source and village.source.endswith("village-wall.toml")
    for path in station_examples():
        assert load_station(path).name


def test_the_commented_example_sets_every_key_there_is() -> None:
    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    text = EXAMPLE.read_text(encoding="utf-8")
    for section, keys in SCHEMA.items():
        table = data if not section else data.get(section, {})
        for key in keys:
            # database.url carries credentials in real life, so the example only shows it
            # commented out; every other key is set, so the example parses as documented.
            if (section, key) == ("database", "url"):
                assert "# url = " in text
            else:
                assert key in table, f"{section}.{key}"
    cfg = load_station(EXAMPLE)
    assert (cfg.org, cfg.region, cfg.screens, cfg.lang) == ("LZ-CMD", "漓渚镇", (0,), "zh")


def test_only_a_name_is_required_and_the_defaults_are_the_documented_ones(
    tmp_path: Path,
) -> None:
    cfg = load_station(_write(tmp_path, 'name = "desk"\n'))
    assert cfg == StationConfig(name="desk", source=str(tmp_path / "station.toml"))
    assert (cfg.mode, cfg.grid, cfg.tour_dwell_s, cfg.font_scale, cfg.sound) == (
        "dispatch",
        "4×4",
        20,
        1.0,
        True,
    )


def test_a_grid_may_be_written_with_an_x(tmp_path: Path) -> None:
    cfg = load_station(_write(tmp_path, 'name = "a"\n[wall]\ngrid = " 3 x 4 "\n'))
    assert (cfg.grid, cfg.grid_size) == ("3×4", (3, 4))


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes('\ufeffname = "记事本"\n'.encode())
    assert load_station(path).name == "记事本"


def test_an_unknown_key_is_an_error_that_names_it(tmp_path: Path) -> None:
    err = _error(tmp_path, 'name = "a"\n[wall]\ntour_dwell = 5\n')
    assert err.params["setting"] == "wall.tour_dwell"
    assert "wall.tour_dwell" in err.message("zh") and "tour_dwell_s" in err.message("zh")
    assert err.message("en").endswith(
        "unknown key 'wall.tour_dwell' (did you mean 'tour_dwell_s'?)"
    )
    assert str(tmp_path / "station.toml") in err.message("en")
    err = _error(tmp_path, 'name = "a"\ncolour = "red"\n')
    assert err.message("zh").endswith("未知配置项“colour”")
    assert _error(tmp_path, 'name = "a"\n[sound]\non = true\n').params["setting"] == "sound"


def test_bad_toml_names_the_line(tmp_path: Path) -> None:
    err = _error(tmp_path, 'name = "a"\n\n[wall]\ngrid "2×5"\n')
    assert err.params["line"] == "4"
    assert "第 4 行" in err.message("zh")
    assert "line 4" in err.message("en")
    err = _error(tmp_path, 'name = "a"\ncameras = ["x",\n')
    assert err.key == "station_bad_toml" and err.params["line"] == "2"


@pytest.mark.parametrize(
    ("text", "key", "message_key", "en"),
    [
        ('mode = "wall"\n', "name", "station_missing", "'name' is required"),
        ('name = "  "\n', "name", "station_empty", "'name' must not be empty"),
        ("name = 3\n", "name", "station_type", "'name' must be a string"),
        (
            'name = "a"\nmode = "kiosk"\n',
            "mode",
            "station_choice",
            "'mode' = 'kiosk' is not valid; choose one of: wall, dispatch",
        ),
        ('name = "a"\nwall = 1\n', "wall", "station_type", "'wall' must be a table ([section])"),
        (
            'name = "a"\n[wall]\ngrid = "17×2"\n',
            "wall.grid",
            "station_grid",
            "'wall.grid' = '17×2' is not valid; write rows×cols, e.g. 4×4 (1–16 each)",
        ),
        ('name = "a"\n[wall]\ngrid = "big"\n', "wall.grid", "station_grid", "'big'"),
        (
            'name = "a"\n[wall]\ntour = "yes"\n',
            "wall.tour",
            "station_type",
            "'wall.tour' must be true or false",
        ),
        (
            'name = "a"\n[wall]\ntour_dwell_s = 1\n',
            "wall.tour_dwell_s",
            "station_range",
            "'wall.tour_dwell_s' must be between 3 and 3600",
        ),
        (
            'name = "a"\n[wall]\ntour_dwell_s = 7.5\n',
            "wall.tour_dwell_s",
            "station_type",
            "must be an integer",
        ),
        (
            'name = "a"\n[wall]\ncameras = "CAM-1"\n',
            "wall.cameras",
            "station_type",
            "must be a list of strings",
        ),
        (
            'name = "a"\n[wall]\ncameras = ["CAM-1", "CAM-1"]\n',
            "wall.cameras",
            "station_duplicate",
            "'CAM-1' appears twice in 'wall.cameras'",
        ),
        (
            'name = "a"\n[wall]\nscreens = [true]\n',
            "wall.screens",
            "station_type",
            "a list of integers",
        ),
        ('name = "a"\n[wall]\nscreens = [0, 0]\n', "wall.screens", "station_duplicate", "'0'"),
        ('name = "a"\n[wall]\nscreens = [-1]\n', "wall.screens", "station_range", "between 0"),
        (
            'name = "a"\n[display]\nlang = "fr"\n',
            "display.lang",
            "station_choice",
            "choose one of: zh, en",
        ),
        (
            'name = "a"\n[display]\nfont_scale = 9\n',
            "display.font_scale",
            "station_range",
            "between 0.5 and 4.0",
        ),
        (
            'name = "a"\n[display]\nsound = 1\n',
            "display.sound",
            "station_type",
            "true or false",
        ),
        ('name = "a"\n[serves]\norg = ""\n', "serves.org", "station_empty", "must not be empty"),
    ],
)
def test_wrong_values_are_refused_naming_the_key(
    tmp_path: Path, text: str, key: str, message_key: str, en: str
) -> None:
    err = _error(tmp_path, text)
    assert (err.key, err.params["setting"]) == (message_key, key)
    assert en in err.message("en")
    zh = err.message("zh")
    assert zh.startswith("站点配置 ") and key in zh
    assert isinstance(err, ValueError)


def test_an_unreadable_file_says_why_in_words(tmp_path: Path) -> None:
    """Missing, a folder, or saved by Notepad as "ANSI" (GBK): one reason in the user's
    language each, never an errno text in English inside a Chinese line."""
    gbk = tmp_path / "gbk.toml"
    gbk.write_bytes('name = "村"\n'.encode("gbk"))
    for path, key, zh in (
        (tmp_path / "missing.toml", "station_unreadable", "无法读取：文件不存在"),
        (tmp_path, "station_unreadable", "无法读取：这是文件夹，不是文件"),
        (gbk, "station_not_utf8", "不是 UTF-8 编码的文本（记事本里用“另存为”并选 UTF-8 编码）"),
    ):
        with pytest.raises(StationConfigError) as info:
            load_station(path)
        assert info.value.key == key
        assert info.value.message("zh") == f"站点配置 {path}：{zh}"
        assert "Errno" not in info.value.message("en")


# --- resolving against the demo world ------------------------------------------------------


@pytest.fixture
def demo(database: Database) -> Database:
    """The demo seed's reference world for its first town (漓渚镇), without case history."""
    build_world(database, towns=1, seed=7)
    return database


def _region(db: Database, code: str) -> int:
    with db.reading() as s:
        return int(s.scalars(select(Region.id).where(Region.code == code)).one())


def _org(db: Database, code: str) -> int:
    with db.reading() as s:
        return int(s.scalars(select(Org.id).where(Org.code == code)).one())


def _all_camera_codes(db: Database, prefix: str = "") -> tuple[str, ...]:
    with db.reading() as s:
        codes = s.scalars(
            select(Camera.code).where(Camera.enabled.is_(True)).order_by(Camera.code)
        ).all()
    return tuple(c for c in codes if c.startswith(prefix))


def _layout_names(db: Database, org_id: int | None) -> set[str]:
    return {layout.name for layout in load_layouts(db, owner_org_id=org_id)}


def test_village_wall_resolves_to_its_village_and_listed_cameras(demo: Database) -> None:
    cfg = load_station(resources_dir() / "stations" / "village-wall.toml")
    scope = resolve_station(demo, cfg)
    assert scope.org_id == _org(demo, "LZ001-VIL")
    assert (scope.region_id, scope.village_id) == (_region(demo, "LZ001"),) * 2
    assert scope.town_id == _region(demo, "LZ")
    assert scope.camera_codes == cfg.cameras and len(scope.camera_codes) == 18


def test_town_dispatch_resolves_by_region_name_to_every_camera_in_the_town(
    demo: Database,
) -> None:
    cfg = load_station(resources_dir() / "stations" / "town-dispatch.toml")
    scope = resolve_station(demo, cfg)
    town = _region(demo, "LZ")
    assert (scope.org_id, scope.region_id, scope.town_id, scope.village_id) == (
        _org(demo, "LZ-CMD"),
        town,
        town,
        None,
    )
    in_town = _all_camera_codes(demo, "CAM-LZ")
    assert scope.camera_codes == in_town and len(in_town) > 16 * 2
    assert set(cfg.layouts) <= _layout_names(demo, scope.org_id)


def test_district_desk_resolves_to_the_whole_district(demo: Database) -> None:
    cfg = load_station(resources_dir() / "stations" / "district-desk.toml")
    scope = resolve_station(demo, cfg)
    assert scope.org_id == _org(demo, "KQ-CENTER")
    assert (scope.region_id, scope.town_id, scope.village_id) == (
        _region(demo, "330603"),
        None,
        None,
    )
    assert scope.camera_codes == _all_camera_codes(demo)
    assert set(cfg.layouts) <= _layout_names(demo, scope.org_id)


def test_the_commented_example_resolves_too(demo: Database) -> None:
    scope = resolve_station(demo, load_station(EXAMPLE))
    assert scope.town_id == _region(demo, "LZ")


def test_without_a_region_the_org_region_is_served(demo: Database) -> None:
    scope = resolve_station(demo, StationConfig(name="x", org="LZ002-VIL"))
    assert scope.village_id == _region(demo, "LZ002")
    assert scope.camera_codes == _all_camera_codes(demo, "CAM-LZ002-")
    assert resolve_station(demo, StationConfig(name="all")).camera_codes == _all_camera_codes(demo)


def test_disabled_cameras_are_left_out_listed_or_not(demo: Database) -> None:
    with demo.writing() as s:
        s.execute(update(Camera).where(Camera.code == "CAM-LZ001-02").values(enabled=False))
    listed = StationConfig(name="x", cameras=("CAM-LZ001-02", "CAM-LZ-H2", "CAM-LZ001-01"))
    assert resolve_station(demo, listed).camera_codes == ("CAM-LZ-H2", "CAM-LZ001-01")
    village = StationConfig(name="x", region="LZ001")
    assert "CAM-LZ001-02" not in resolve_station(demo, village).camera_codes


def test_names_not_in_the_database_are_refused_by_name(demo: Database) -> None:
    cases = [
        (StationConfig(name="x", org="LZ-NOPE"), "station_org_not_found", "LZ-NOPE"),
        (StationConfig(name="x", region="月亮村"), "station_region_not_found", "月亮村"),
    ]
    for cfg, key, named in cases:
        with pytest.raises(StationConfigError) as info:
            resolve_station(demo, cfg)
        assert info.value.key == key
        assert named in info.value.message("zh") and named in info.value.message("en")
        assert info.value.message("en").startswith("Station config x: ")


def test_listed_cameras_the_registry_does_not_know_are_named_not_fatal(demo: Database) -> None:
    listed = ("cam-lz-h2", "CAM-X1", "CAM-LZ001-01", "CAM-LZ-H2", "CAM-X2")
    scope = resolve_station(demo, StationConfig(name="x", cameras=listed))
    # matched as the registry matches codes (case aside), in its spelling, once
    assert scope.camera_codes == ("CAM-LZ-H2", "CAM-LZ001-01")
    assert scope.missing_cameras == ("CAM-X1", "CAM-X2")
    assert resolve_station(demo, StationConfig(name="x", region="LZ001")).missing_cameras == ()


def test_an_ambiguous_region_name_asks_for_the_code(demo: Database) -> None:
    with demo.writing() as s:
        s.add(
            Region(
                code="PS001",
                name="兰香村(示例)",
                level=RegionLevel.VILLAGE,
                parent_id=_region(demo, "330603"),
            )
        )
    with pytest.raises(StationConfigError) as info:
        resolve_station(demo, StationConfig(name="x", region="兰香村(示例)"))
    assert info.value.key == "station_region_ambiguous"
    assert "LZ001, PS001" in info.value.message("en")
    scope = resolve_station(demo, StationConfig(name="x", region="PS001"))
    assert scope.village_id == _region(demo, "PS001")
