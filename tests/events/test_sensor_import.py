"""Sensor alarms on both engines: one case per detector while it is open, repeats noted on
it, idempotent re-import, and bad lines that write nothing."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select

from commandroom.db.engine import Database
from commandroom.db.enums import Action, Source, Status, Urgency
from commandroom.db.models import Event, EventAction, ExternalTicket
from commandroom.events.importers import import_sensor
from commandroom.events.service import CaseService
from tests.world import World


def alarm(alarm_id: str, device: str, at: str, **kw: str) -> dict[str, str]:
    row = {
        "告警编号": alarm_id,
        "设备编号": device,
        "告警类型": "烟感",
        "告警时间": at,
        "所属镇街": "漓渚镇",
        "所属村社": "兰香村(示例)",
        "安装位置": "兰香纺织厂二车间",
    }
    row.update(kw)
    return row


def write_jsonl(path: Path, rows: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def rows_of(db: Database) -> tuple[int, int, int]:
    with db.reading() as s:
        return (
            s.scalar(select(func.count()).select_from(Event)) or 0,
            s.scalar(select(func.count()).select_from(EventAction)) or 0,
            s.scalar(select(func.count()).select_from(ExternalTicket)) or 0,
        )


def test_a_detector_alarming_again_is_noted_on_its_open_case(
    service: CaseService, database: Database, world: World, tmp_path: Path
) -> None:
    path = write_jsonl(
        tmp_path / "alarms.jsonl",
        [
            alarm("A1", "YG-001", "2026-06-15 08:00:00"),
            alarm("A2", "YG-001", "2026-06-15 08:01:30", 读数="0.21 dB/m"),
            alarm("A3", "WG-002", "2026-06-15 08:02:00", 告警类型="温感", 所属村社=""),
            alarm("A4", "YG-001", "2026-06-15 08:05:00"),
        ],
    )
    report = import_sensor(service, path)

    assert report.ok, report.error_lines()
    assert (report.created, report.merged, report.skipped) == (2, 2, 0)
    outcomes = [(i.ref, i.outcome) for i in report.items]
    assert outcomes == [("A1", "created"), ("A2", "merged"), ("A3", "created"), ("A4", "merged")]
    codes = [i.event_code for i in report.items]
    assert codes[0] == codes[1] == codes[3] != codes[2]
    with database.reading() as s:
        smoke = s.scalars(select(Event).where(Event.code == codes[0])).one()
        heat = s.scalars(select(Event).where(Event.code == codes[2])).one()
        assert smoke.source is Source.SENSOR and smoke.urgency is Urgency.URGENT
        assert smoke.title == "兰香村(示例)烟感报警"
        assert "兰香纺织厂二车间" in smoke.description and "YG-001" in smoke.description
        assert (smoke.town_id, smoke.village_id) == (world.regions["LZ"], world.regions["LZ-A"])
        assert heat.title == "漓渚镇温感报警" and heat.village_id is None
        assert smoke.category_id == heat.category_id == world.categories["FIRE"]
        notes = s.execute(
            select(EventAction.idempotency_key, EventAction.comment)
            .where(EventAction.event_id == smoke.id, EventAction.action == Action.COMMENT)
            .order_by(EventAction.id)
        ).all()
        assert [k for k, _ in notes] == ["sensor:A2", "sensor:A4"]
        assert "08:01" in notes[0][1] and "0.21 dB/m" in notes[0][1]
        tickets = s.execute(select(ExternalTicket.channel, ExternalTicket.ticket_no)).all()
        assert sorted(tickets) == [("sensor", "A1"), ("sensor", "A3")]

    before = rows_of(database)
    again = import_sensor(service, path)
    assert (again.created, again.merged, again.skipped) == (0, 0, 4)
    assert rows_of(database) == before


def test_a_closed_case_does_not_swallow_the_next_alarm(
    service: CaseService, database: Database, tmp_path: Path
) -> None:
    first = import_sensor(
        service, write_jsonl(tmp_path / "a.jsonl", [alarm("B1", "YG-9", "2026-06-15 07:00")])
    )
    code = first.items[0].event_code
    assert code is not None
    # the village room it went to sends it back to screening, which finds a false alarm
    service.return_case(code, "vop_a", reason_code="非本单位职责")
    service.invalidate(code, "disp_lz", reason_code="测试/误报")
    later = import_sensor(
        service, write_jsonl(tmp_path / "b.jsonl", [alarm("B2", "YG-9", "2026-06-15 09:00")])
    )
    assert [(i.outcome, i.event_code != code) for i in later.items] == [("created", True)]
    with database.reading() as s:
        assert s.scalar(select(Event.status).where(Event.code == code)) is Status.INVALID


def test_bad_alarm_lines_are_named_and_nothing_is_written(
    service: CaseService, database: Database, tmp_path: Path
) -> None:
    header = "告警编号,设备编号,告警类型,告警时间,所属镇街,所属村社\n"
    lines = [
        "C1,YG-1,烟感,2026-06-15 08:00,漓渚镇,兰香村(示例)",  # good
        "C2,YG-2,雷达,2026-06-15 08:00,漓渚镇,",  # unknown kind
        "C3,YG-3,燃气,昨天,漓渚镇,",  # bad time
        "C4,,烟感,2026-06-15 08:00,漓渚镇,",  # no device
        "C5,YG-5,水浸,2026-06-15 08:00,无此镇,",  # unknown town
        "C1,YG-6,烟感,2026-06-15 08:00,漓渚镇,",  # the same alarm id again
    ]
    path = tmp_path / "alarms.csv"
    path.write_bytes((header + "\n".join(lines) + "\n").encode("gb18030"))

    report = import_sensor(service, path)

    assert [(e.line, e.key) for e in report.errors] == [
        (3, "unknown_sensor_kind"),
        (4, "bad_time"),
        (5, "required"),
        (6, "unknown_town"),
        (7, "duplicate_in_file"),
    ]
    assert report.encoding == "gb18030" and report.written == 0
    assert rows_of(database) == (0, 0, 0)
    assert "雷达" in report.errors[0].message_zh
