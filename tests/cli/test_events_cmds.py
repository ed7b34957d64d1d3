"""``events list`` filters, text and JSON; ``events import``; ``sla sweep``."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from commandroom.db.base import utcnow
from commandroom.db.enums import AttachmentPhase
from commandroom.events.inputs import AttachmentInput
from tests.cli.conftest import CliRunner, Scene

DATA = Path(__file__).parents[1] / "events" / "data"
AFTER = AttachmentInput("after.jpg", b"\xff\xd8after", phase=AttachmentPhase.AFTER)


@pytest.fixture
def listed(lite: Scene) -> dict[str, str]:
    """Four events across two towns; the oldest is overdue. Name → event code."""
    twenty_days_ago = utcnow() - timedelta(days=20)
    codes = {
        "old": lite.report(grid="LZ-A-02", title="旧的可疑车辆", now=lambda: twenty_days_ago),
        "sec": lite.report(),
        "fire": lite.report("FIRE-LANE", actor="system", grid="PS-B-01", title="消防通道堵塞"),
        "nb": lite.report(
            "DISPUTE-NB", actor="system", grid="LZ-B-01", title="邻里纠纷", auto_dispatch=False
        ),
    }
    return {name: result.event_code for name, result in codes.items()}


def codes_of(cli: CliRunner, scene: Scene, *args: str | int) -> set[str]:
    run = cli("--db", scene.url, "events", "list", "--json", *args)
    assert run.code == 0, run.err
    return {row["code"] for row in json.loads(run.out)}


def test_table_has_chinese_headers_and_countdowns(
    cli: CliRunner, lite: Scene, listed: dict[str, str]
) -> None:
    run = cli("--db", lite.url, "events", "list")
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert lines[0].split() == ["编号", "时间", "类别", "等级", "状态", "地点", "承办单位", "时限"]
    assert len(lines) == 5
    assert lines[1].startswith(listed["nb"])  # newest first
    old = next(line for line in lines if line.startswith(listed["old"]))
    assert "超期 " in old and "漓渚镇派出所" in old
    sec = next(line for line in lines if line.startswith(listed["sec"]))
    assert "剩余 4天" in sec and "已派单·待签收" in sec and "漓渚镇 兰香村(示例)" in sec
    # columns line up in terminal cells, Chinese counting double
    from commandroom.cli.output import display_width

    status_col = display_width(lines[0].split("状态")[0])
    assert all(display_width(line.split(" 已派单")[0]) + 1 == status_col for line in lines[2:])

    run = cli("--db", lite.url, "--lang", "en", "events", "list", "--overdue")
    assert run.out.splitlines()[0].split()[:2] == ["Code", "Reported"]
    assert "overdue" in run.out


def test_filters(cli: CliRunner, lite: Scene, listed: dict[str, str]) -> None:
    everything = set(listed.values())
    assert codes_of(cli, lite) == everything
    assert codes_of(cli, lite, "--open") == everything
    assert codes_of(cli, lite, "--status", "pending") == {listed["nb"]}
    assert codes_of(cli, lite, "--status", "待受理") == {listed["nb"]}
    assert codes_of(cli, lite, "--status", "PENDING", "--status", "dispatched") == everything
    assert codes_of(cli, lite, "--status", "pending,closed") == {listed["nb"]}
    assert codes_of(cli, lite, "--town", "平水镇") == {listed["fire"]}
    assert codes_of(cli, lite, "--town", "PS") == {listed["fire"]}
    assert codes_of(cli, lite, "--town", "漓渚镇", "--village", "兰香村(示例)") == {
        listed["old"],
        listed["sec"],
    }
    assert codes_of(cli, lite, "--village", "LZ-B") == {listed["nb"]}
    assert codes_of(cli, lite, "--category", "社会治安") == {listed["old"], listed["sec"]}
    assert codes_of(cli, lite, "--category", "fire-lane") == {listed["fire"]}
    assert codes_of(cli, lite, "--level", "2") == {listed["fire"], listed["nb"]}
    assert codes_of(cli, lite, "--level", "3,4") == {listed["old"], listed["sec"]}
    assert codes_of(cli, lite, "--source", "GRID_APP") == everything
    assert codes_of(cli, lite, "--source", "hotline_12345") == set()
    assert codes_of(cli, lite, "--overdue") == {listed["old"]}
    assert codes_of(cli, lite, "--text", "邻里") == {listed["nb"]}
    assert codes_of(cli, lite, "--org", "police_LZ") == {listed["old"], listed["sec"]}
    assert codes_of(cli, lite, "--limit", 1) == {listed["nb"]}

    ambiguous = cli("--db", lite.url, "events", "list", "--village", "兰香村(示例)")
    assert ambiguous.code == 2 and "LZ-A" in ambiguous.err and "PS-A" in ambiguous.err
    assert cli("--db", lite.url, "events", "list", "--level", "5").code == 2
    for option in ("--status", "--level"):  # given empty: refused, not "no filter"
        assert cli("--db", lite.url, "events", "list", option, "").code == 2
    assert cli("--db", lite.url, "events", "list", "--limit", 0).code == 2


def test_mine_is_the_accounts_queue(cli: CliRunner, lite: Scene, listed: dict[str, str]) -> None:
    # the town waits to screen the undispatched dispute; the police hold both of theirs
    assert codes_of(cli, lite, "--mine", "disp_lz") == {listed["nb"]}
    assert codes_of(cli, lite, "--mine", "police_lz") == {listed["old"], listed["sec"]}
    assert codes_of(cli, lite, "--mine", "disp_ps") == set()  # another town's
    assert codes_of(cli, lite, "--mine", "leader") == set()  # reads everything, waits for nothing
    sec = listed["sec"]
    lite.service.sign(sec, "police_lz")
    lite.service.resolve(
        sec, "police_lz", result_type="依法处理", result_text="已盘查", photos=(AFTER,)
    )
    assert codes_of(cli, lite, "--mine", "disp_lz") == {listed["nb"], listed["sec"]}  # to verify
    assert codes_of(cli, lite, "--mine", "disp_lz", "--level", "3") == {listed["sec"]}
    unknown = cli("--db", lite.url, "events", "list", "--mine", "nobody")
    assert unknown.code == 2 and "nobody" in unknown.err
    assert cli("--db", lite.url, "events", "list", "--mine", "").code == 2  # not "everyone"


def test_json_rows(cli: CliRunner, lite: Scene, listed: dict[str, str]) -> None:
    run = cli("--db", lite.url, "events", "list", "--json", "--overdue")
    (row,) = json.loads(run.out)
    assert row["code"] == listed["old"]
    assert row["status"] == "DISPATCHED" and row["level"] == 3 and row["is_overdue"] is True
    assert row["owner_org"] == "漓渚镇派出所" and row["town"] == "漓渚镇"
    reported = datetime.fromisoformat(row["reported_at"])
    assert reported.tzinfo is not None and utcnow() - reported > timedelta(days=19)
    assert datetime.fromisoformat(row["due_at"]) < utcnow()
    assert row["countdown"].startswith("超期 ")
    assert json.loads(cli("--db", lite.url, "events", "list", "--json", "--text", "无此").out) == []


def test_import_hotline_then_again(cli: CliRunner, lite: Scene, tmp_path: Path) -> None:
    sample = tmp_path / "hotline.csv"
    shutil.copy(DATA / "hotline_12345_sample.csv", sample)
    run = cli("--db", lite.url, "events", "import", "hotline", sample)
    assert run.code == 0, run.err
    assert run.out.startswith("已导入 ") and "跳过 0 条" in run.out
    again = cli("--db", lite.url, "events", "import", "hotline", sample, "--json")
    assert again.code == 0, again.err
    report = json.loads(again.out)
    assert report["created"] == 0 and report["skipped"] > 0 and report["errors"] == []
    listed = codes_of(cli, lite, "--source", "hotline_12345")
    assert len(listed) == report["skipped"]


def test_import_errors_name_file_and_line(cli: CliRunner, lite: Scene, tmp_path: Path) -> None:
    lines = (DATA / "hotline_12345_sample.csv").read_text(encoding="utf-8-sig").splitlines()
    bad = tmp_path / "bad.csv"
    header, first = lines[0], lines[1]
    broken = first.replace("2026-06-12 09:31:00", "昨天下午", 1)
    bad.write_text("\n".join([header, first.replace("000123", "000999"), broken]) + "\n")
    run = cli("--db", lite.url, "events", "import", "hotline", bad)
    assert run.code == 2
    assert run.out == ""
    errors = run.err.strip().splitlines()
    assert errors and all(line.startswith(f"{bad}:") for line in errors)
    assert any(line.startswith(f"{bad}:3: ") for line in errors), errors
    assert codes_of(cli, lite) == set()  # all or nothing
    en = cli("--db", lite.url, "--lang", "en", "events", "import", "hotline", bad)
    assert en.code == 2 and en.err != run.err

    missing = cli("--db", lite.url, "events", "import", "app", tmp_path / "nope.jsonl")
    assert missing.code == 2 and "nope.jsonl" in missing.err


def test_sla_sweep(cli: CliRunner, lite: Scene, listed: dict[str, str]) -> None:
    run = cli("--db", lite.url, "sla", "sweep", "--json")
    assert run.code == 0, run.err
    report = json.loads(run.out)
    assert report["checked"] >= 1 and report["applied"] >= 1
    run = cli("--db", lite.url, "sla", "sweep")
    assert run.code == 0, run.err
    assert run.out.startswith("时限扫描：")


def test_import_sensor_alarms_merges_a_detectors_repeats(
    cli: CliRunner, lite: Scene, tmp_path: Path
) -> None:
    alarms = tmp_path / "alarms.csv"
    alarms.write_text(
        "告警编号,设备编号,告警类型,告警时间,所属镇街,安装位置,读数\n"
        "S1,YG-7,烟感,2026-06-15 08:00,漓渚镇,兰香纺织厂,\n"
        "S2,YG-7,烟感报警,2026-06-15 08:02,漓渚镇,兰香纺织厂,0.3 dB/m\n",
        encoding="utf-8",
    )
    run = cli("--db", lite.url, "events", "import", "sensor", alarms)
    assert run.code == 0, run.err
    assert "已导入 1 条" in run.out and "另有 1 条告警" in run.out
    assert len(codes_of(cli, lite, "--source", "sensor")) == 1
    again = cli("--db", lite.url, "events", "import", "sensor", alarms, "--json")
    assert json.loads(again.out)["skipped"] == 2
