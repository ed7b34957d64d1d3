"""12345 and grid-app importers on both engines: formats, encodings, masking, all-or-nothing."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from commandroom.db.base import Base
from commandroom.db.engine import Database
from commandroom.db.enums import Action, DeadlineUnit, Source, Status, Urgency
from commandroom.db.models import (
    Category,
    Event,
    EventAction,
    EventAttachment,
    EventOriginal,
    ExternalTicket,
)
from commandroom.events import deadlines
from commandroom.events.importers import ImportReport, import_app, import_hotline
from commandroom.events.importers.values import mask_name, mask_phone, parse_time, scrub
from commandroom.events.service import CaseService
from tests.world import World

DATA = Path(__file__).parent / "data"
ZH = ["工单编号", "来电时间", "来电人", "联系电话", "诉求地址", "所属镇街", "所属村社", "诉求类别"]
ZH += ["诉求内容", "办理时限"]
EN = ["ticket_no", "called_at", "caller_name", "caller_phone", "address", "town", "village"]
EN += ["category", "content", "due_at"]

RAW_PHONE = "13812345678"
RAW_NAME = "王小明"
SMOKE = "市民来电反映：小区楼下烧烤店油烟扰民，晚上11点后仍营业，严重影响休息，请尽快处理。"


def ticket(no: str, **kw: str) -> dict[str, str]:
    row = {
        "ticket_no": no,
        "called_at": "2026-06-12 09:31:00",
        "caller_name": RAW_NAME,
        "caller_phone": RAW_PHONE,
        "address": "漓渚镇兰香村3组",
        "town": "漓渚镇",
        "village": "兰香村(示例)",
        "category": "消防安全/消防通道堵塞",
        "content": SMOKE,
        "due_at": "5个工作日",
    }
    row.update(kw)
    return row


def csv_text(rows: list[dict[str, str]], header: list[str] = ZH) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(EN[ZH.index(h)] if h in ZH else h, "") for h in header])
    return out.getvalue()


def counts(db: Database) -> dict[str, int]:
    with db.reading() as s:
        return {
            model.__tablename__: s.scalar(select(func.count()).select_from(model)) or 0
            for model in (Event, EventAction, ExternalTicket, EventAttachment, EventOriginal)
        }


def errors_of(report: ImportReport) -> list[tuple[int, str]]:
    return [(e.line, e.key) for e in report.errors]


def assert_nothing_written(report: ImportReport, db: Database) -> None:
    assert report.written == 0 and report.created == 0 and not report.ok
    assert set(counts(db).values()) == {0}


# --- 12345: good files -------------------------------------------------------------------


def test_utf8_bom_csv_creates_hotline_events(
    service: CaseService, database: Database, world: World, tmp_path: Path
) -> None:
    path = tmp_path / "12345.csv"
    rows = [ticket("GD20260612001"), ticket("GD20260612002", village="", due_at="")]
    path.write_bytes(b"\xef\xbb\xbf" + csv_text(rows).encode("utf-8"))

    report = import_hotline(service, path)

    assert report.ok, report.error_lines()
    assert (report.created, report.skipped, report.encoding) == (2, 0, "utf-8-sig")
    with database.reading() as s:
        events = s.scalars(select(Event).order_by(Event.id)).all()
        first, second = events
        assert first.source is Source.HOTLINE_12345
        assert first.title == SMOKE[:30] + "…"
        assert first.description == SMOKE
        assert first.category_id == world.categories["FIRE-LANE"]
        assert first.level == 2  # the category's default
        assert first.reported_at == datetime(2026, 6, 12, 1, 31, tzinfo=UTC)
        assert (first.town_id, first.village_id) == (world.regions["LZ"], world.regions["LZ-A"])
        assert (second.village_id, second.town_id) == (None, world.regions["LZ"])
        assert first.reporter_user_id is None
        assert first.status is Status.DISPATCHED  # auto-dispatch as for any report
        report_rows = s.scalars(select(EventAction).where(EventAction.action == Action.REPORT))
        by_key = {a.idempotency_key: a for a in report_rows}
        assert set(by_key) == {"12345:GD20260612001", "12345:GD20260612002"}
        assert {a.actor_user_id for a in by_key.values()} == {world.users["system"]}
        t = s.scalars(select(ExternalTicket).where(ExternalTicket.event_id == first.id)).one()
        assert (t.channel, t.ticket_no) == ("12345", "GD20260612001")
        called = datetime(2026, 6, 12, 1, 31, tzinfo=UTC)
        assert t.external_due_at == deadlines.add_limit(called, 5, DeadlineUnit.WORK_DAY)
        assert t.raw is not None and t.raw["line"] == 2 and t.raw["caller_phone"] == "138****5678"
        t2 = s.scalars(select(ExternalTicket).where(ExternalTicket.event_id == second.id)).one()
        assert t2.external_due_at is None
    assert [(i.line, i.outcome) for i in report.items] == [(2, "created"), (3, "created")]


def test_gb18030_csv_with_short_place_names(
    service: CaseService, database: Database, world: World, tmp_path: Path
) -> None:
    path = tmp_path / "export.csv"
    rows = [
        ticket("GB-1", town="漓渚", village="兰香村", due_at="2026/6/19"),
        ticket("GB-2", town="平水镇", village="茶山村", called_at="2026/6/12 9:05", due_at="3"),
    ]
    path.write_bytes(csv_text(rows).encode("gb18030"))

    report = import_hotline(service, path)

    assert report.ok, report.error_lines()
    assert (report.created, report.encoding) == (2, "gb18030")
    with database.reading() as s:
        e1, e2 = s.scalars(select(Event).order_by(Event.id)).all()
        assert e1.village_id == world.regions["LZ-A"]
        assert e2.village_id == world.regions["PS-B"]
        assert e2.reported_at == datetime(2026, 6, 12, 1, 5, tzinfo=UTC)
        assert e1.description == SMOKE  # decoded, not mojibake
        found = s.execute(select(ExternalTicket.ticket_no, ExternalTicket.external_due_at))
        dues = {no: due for no, due in found}
        assert dues["GB-1"] == datetime(2026, 6, 19, 15, 59, 59, tzinfo=UTC)  # end of local day
        called = datetime(2026, 6, 12, 1, 5, tzinfo=UTC)
        assert dues["GB-2"] == deadlines.add_limit(called, 3, DeadlineUnit.WORK_DAY)


def test_english_headers_extra_columns_any_order(
    service: CaseService, database: Database, tmp_path: Path
) -> None:
    header = ["content", "承办单位", "town", "ticket_no", "remark", "called_at", "category"]
    header += ["caller_phone", "village", "caller_name", "address", "due_at"]
    row = ticket("EN-1", called_at="2026-06-12T09:31:00+08:00")
    row.update({"承办单位": "漓渚镇综合执法平台", "remark": "秘密备注"})
    path = tmp_path / "tickets.csv"
    path.write_text(csv_text([row], header), encoding="utf-8")

    report = import_hotline(service, path)

    assert report.ok, report.error_lines()
    assert (report.created, report.encoding) == (1, "utf-8")
    with database.reading() as s:
        event = s.scalars(select(Event)).one()
        assert event.reported_at == datetime(2026, 6, 12, 1, 31, tzinfo=UTC)
        ticket_row = s.scalars(select(ExternalTicket)).one()
        assert ticket_row.raw is not None and "秘密备注" not in json.dumps(
            ticket_row.raw, ensure_ascii=False
        )


def test_jsonl_tickets_in_either_language(
    service: CaseService, database: Database, world: World, tmp_path: Path
) -> None:
    zh_line = {ZH[EN.index(k)]: v for k, v in ticket("J-1").items()}
    en_line = ticket("J-2", category="河道漂浮物", town="平水镇", village="茶山村(示例)")
    en_line["due_at"] = 5  # type: ignore[assignment]  # a JSON number of working days
    lines = [json.dumps(zh_line, ensure_ascii=False), "", json.dumps(en_line)]
    path = tmp_path / "12345.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    report = import_hotline(service, path)

    assert report.ok, report.error_lines()
    assert (report.format, report.created) == ("jsonl", 2)
    assert [i.line for i in report.items] == [1, 3]
    with database.reading() as s:
        cats = [c for (c,) in s.execute(select(Event.category_id).order_by(Event.id))]
        assert cats == [world.categories["FIRE-LANE"], world.categories["ENV-RIVER"]]


def test_unknown_category_goes_to_triage(
    service: CaseService, database: Database, world: World, tmp_path: Path
) -> None:
    rows = [
        ticket("T-1", category="咨询类/政策咨询"),
        ticket("T-2", category="", caller_name="", caller_phone=""),
    ]
    path = tmp_path / "t.csv"
    path.write_text(csv_text(rows), encoding="utf-8")

    report = import_hotline(service, path)

    assert report.ok, report.error_lines()
    with database.reading() as s:
        events = s.scalars(select(Event)).all()
        assert {e.category_id for e in events} == {world.categories["TRIAGE"]}
        # No rule for 待研判: a level-3 case goes to the town command for a person to classify.
        assert {e.owner_org_id for e in events} == {world.orgs["cmd_LZ"]}
        triage = s.get(Category, world.categories["TRIAGE"])
        assert triage is not None and {e.level for e in events} == {triage.default_level}
        anonymous = events[1] if events[0].reporter_name else events[0]
        assert (anonymous.reporter_name, anonymous.reporter_phone_masked) == (None, None)


def test_reimport_skips_everything_and_adds_no_rows(
    service: CaseService, database: Database, tmp_path: Path
) -> None:
    path = tmp_path / "12345.csv"
    path.write_text(csv_text([ticket("R-1"), ticket("R-2")]), encoding="utf-8")
    assert import_hotline(service, path).created == 2
    before = counts(database)

    again = import_hotline(service, path)

    assert again.ok and (again.created, again.skipped, again.written) == (0, 2, 0)
    assert {i.outcome for i in again.items} == {"skipped"}
    assert counts(database) == before


def test_caller_name_and_phone_are_stored_masked_only(
    service: CaseService, database: Database, tmp_path: Path
) -> None:
    content = f"{RAW_NAME}来电：楼道消防通道被堵，请回电{RAW_PHONE}或138 1111 2222。"
    path = tmp_path / "12345.csv"
    path.write_text(csv_text([ticket("P-1", content=content)]), encoding="utf-8")

    assert import_hotline(service, path).created == 1

    with database.reading() as s:
        event = s.scalars(select(Event)).one()
        assert (event.reporter_name, event.reporter_phone_masked) == ("王**", "138****5678")
        t = s.scalars(select(ExternalTicket)).one()
        assert (t.citizen_name_masked, t.citizen_phone_masked) == ("王**", "138****5678")
        assert "王**来电" in event.description and "138****2222" in event.description
        dump = _dump_database(s)
    for secret in (RAW_PHONE, RAW_NAME, "13811112222", "1111 2222"):
        assert secret not in dump


def _dump_database(s: Any) -> str:
    """Every value of every row of every table, as text (JSON columns decoded)."""
    parts: list[str] = []
    for table in Base.metadata.sorted_tables:
        for row in s.execute(select(table)):
            parts.extend(repr(v) for v in row if not isinstance(v, bytes))
            parts.extend(json.dumps(v, ensure_ascii=False) for v in row if isinstance(v, dict))
    return "\n".join(parts)


# --- 12345: bad files --------------------------------------------------------------------


def test_bad_lines_are_reported_with_physical_line_numbers(
    service: CaseService, database: Database, tmp_path: Path
) -> None:
    good = csv_text([ticket("B-1")]).encode("utf-8")  # header (line 1) and line 2
    line3 = csv_text([ticket("B-3", address="兰香村\udcff")]).split("\r\n")[1]
    multi = ticket("B-6", content="第一行\n第二行")  # a good record on lines 4-5
    bad_multi = ticket("B-7", called_at="昨天上午", content="跨行\n内容")  # lines 6-7
    rest = [
        multi,
        bad_multi,
        ticket("B-8", content=""),  # line 8: missing 诉求内容
        ticket("B-9", town="火星镇"),  # line 9
        ticket("B-10", village="茶山村(示例)", town="漓渚镇", category="x"),  # fine
        ticket("B-1"),  # line 11: same ticket as line 2
        ticket("B-12", village="不存在村"),  # line 12
    ]
    body = csv_text(rest).split("\r\n", 1)[1].encode("utf-8")
    raw3 = line3.encode("utf-8", "surrogateescape") + b"\r\n"  # a stray 0xFF byte
    path = tmp_path / "bad.csv"
    path.write_bytes(good + raw3 + body)

    report = import_hotline(service, path)

    assert errors_of(report) == [
        (3, "undecodable"),
        (6, "bad_time"),
        (8, "required"),
        (9, "unknown_town"),
        (11, "duplicate_in_file"),
        (12, "unknown_village"),
    ]
    assert report.errors[0].message_zh.startswith("第 3 行含无法识别的字节")
    assert report.errors[2].field == "content" and report.errors[2].message_en == (
        "complaint text is missing"
    )
    assert "与第 2 行重复" in report.errors[4].message_zh
    assert report.error_lines()[1].endswith(
        "bad.csv:6: 来电时间“昨天上午”不是可识别的时间（例：2026-06-12 09:31）"
    )
    assert_nothing_written(report, database)


def test_undecodable_line_in_a_gb18030_file(
    service: CaseService, database: Database, tmp_path: Path
) -> None:
    lines = csv_text([ticket("G-1"), ticket("G-2"), ticket("G-3")]).encode("gb18030")
    parts = lines.split(b"\r\n")
    parts[2] += b"\xff"
    path = tmp_path / "gb.csv"
    path.write_bytes(b"\r\n".join(parts))

    report = import_hotline(service, path)

    assert errors_of(report) == [(3, "undecodable")]
    assert "GB18030" in report.errors[0].message_en
    assert_nothing_written(report, database)


def test_csv_missing_required_columns_is_a_line_1_error(
    service: CaseService, database: Database, tmp_path: Path
) -> None:
    header = [h for h in ZH if h not in ("来电时间", "诉求内容")]
    path = tmp_path / "cols.csv"
    path.write_text(csv_text([ticket("C-1")], header), encoding="utf-8")

    report = import_hotline(service, path)

    assert errors_of(report) == [(1, "missing_columns")]
    assert report.errors[0].message_zh == "缺少必需的列：来电时间、诉求内容"
    assert report.errors[0].message_en == "Missing required columns: called_at, content"
    assert_nothing_written(report, database)


def test_unreadable_file_and_empty_file(
    service: CaseService, database: Database, tmp_path: Path
) -> None:
    missing = import_hotline(service, tmp_path / "nope.csv")
    assert errors_of(missing) == [(1, "file_unreadable")]
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert errors_of(import_hotline(service, empty)) == [(1, "file_empty")]
    folder = import_app(service, tmp_path)
    assert errors_of(folder) == [(1, "file_unreadable")]
    assert missing.errors[0].message_zh == "无法读取文件：文件不存在"
    assert folder.errors[0].message_en == "Cannot read the file: is a folder, not a file"
    assert_nothing_written(missing, database)


def test_broken_json_lines(service: CaseService, database: Database, tmp_path: Path) -> None:
    good = json.dumps(ticket("J-1"), ensure_ascii=False)
    lines = [good, '{"ticket_no": "J-2", "town": ', "[1, 2]", "", good.replace("J-1", "J-5")]
    lines.append(json.dumps(ticket("J-6", due_at="2026-06-01 08:00")))  # before the call
    path = tmp_path / "12345.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")

    report = import_hotline(service, path)

    assert errors_of(report) == [(2, "json_syntax"), (3, "json_not_object"), (6, "due_before_call")]
    assert_nothing_written(report, database)


def test_row_with_wrong_number_of_cells(
    service: CaseService, database: Database, tmp_path: Path
) -> None:
    text = csv_text([ticket("W-1")]) + "W-2,2026-06-12 10:00,张三\r\n"
    path = tmp_path / "w.csv"
    path.write_text(text, encoding="utf-8")

    report = import_hotline(service, path)

    assert errors_of(report) == [(3, "column_count")]
    assert_nothing_written(report, database)


def test_broken_quotes_in_csv(service: CaseService, database: Database, tmp_path: Path) -> None:
    text = csv_text([ticket("Q-1")])  # lines 1-2
    text += 'Q-3,2026-06-12 10:00,,,,漓渚镇,,,"内容"多余,\r\n'  # line 3: text after a quote
    text += csv_text([ticket("Q-4")]).split("\r\n", 1)[1]  # line 4: fine
    text += 'Q-5,2026-06-12 10:00,,,,漓渚镇,,,"未闭合的引号\r\n吞掉了后面的行\r\n'  # 5-6
    path = tmp_path / "quotes.csv"
    path.write_text(text, encoding="utf-8")

    report = import_hotline(service, path)

    assert errors_of(report) == [(3, "csv_syntax"), (5, "csv_syntax")]
    assert_nothing_written(report, database)


def test_a_crash_midway_converges_on_rerun(
    service: CaseService, database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "12345.csv"
    path.write_text(csv_text([ticket("X-1"), ticket("X-2"), ticket("X-3")]), encoding="utf-8")
    real = service.report
    calls = 0

    def flaky(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise ConnectionError("database went away")
        return real(*args, **kwargs)

    monkeypatch.setattr(service, "report", flaky)
    with pytest.raises(ConnectionError) as info:
        import_hotline(service, path)
    assert any("第 3 行" in note and "1" in note for note in info.value.__notes__)
    assert counts(database)["external_ticket"] == 1

    report = import_hotline(service, path)

    assert (report.created, report.skipped) == (2, 1)
    with database.reading() as s:
        numbers = sorted(s.scalars(select(ExternalTicket.ticket_no)))
    assert numbers == ["X-1", "X-2", "X-3"]


# --- grid app ----------------------------------------------------------------------------

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201d4e1b2bd0000000049454e44ae426082"
)


def app_line(**kw: Any) -> dict[str, Any]:
    line: dict[str, Any] = {
        "id": "A-1",
        "reporter": "gw_a1",
        "grid": "LZ-A-01",
        "category": "FIRE-LANE",
        "description": "兰香村3组某小区5幢北侧消防通道被废旧家具、纸箱堵塞约10米。",
        "time": "2026-06-14 16:20:00",
        "location": {"lat": 29.95, "lng": 120.49},
        "photos": ["photos/scene.png"],
    }
    line.update(kw)
    return line


def write_jsonl(path: Path, lines: list[Any]) -> Path:
    text = "\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def test_app_reports_with_base64_and_file_photos(
    service: CaseService, database: Database, world: World, tmp_path: Path
) -> None:
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "scene.png").write_bytes(PNG)
    jpeg = b"\xff\xd8\xff\xe0fake-jpeg-body"
    second = app_line(
        id="A-2",
        category="邻里纠纷",
        title="邻里因建房滴水发生口角",
        level=2,
        urgency="紧急",
        location="29.96,120.50",
        photos=[{"base64": base64.b64encode(jpeg).decode(), "filename": "dispute.jpg"}],
    )
    path = write_jsonl(tmp_path / "app.jsonl", [app_line(), second])

    report = import_app(service, path)

    assert report.ok, report.error_lines()
    assert report.created == 2
    with database.reading() as s:
        e1, e2 = s.scalars(select(Event).order_by(Event.id)).all()
        assert e1.source is Source.GRID_APP and e1.reporter_user_id == world.users["gw_a1"]
        assert e1.grid_id == world.grids["LZ-A-01"] and (e1.lat, e1.lng) == (29.95, 120.49)
        assert e1.title.startswith("兰香村3组某小区") and len(e1.title) == 31
        assert e1.reported_at == datetime(2026, 6, 14, 8, 20, tzinfo=UTC)
        assert (e2.title, e2.level, e2.urgency) == ("邻里因建房滴水发生口角", 2, Urgency.URGENT)
        photos = {a.event_id: a for a in s.scalars(select(EventAttachment))}
        p1, p2 = photos[e1.id], photos[e2.id]
        assert (p1.content, p1.sha256, p1.mime_type) == (
            PNG,
            hashlib.sha256(PNG).hexdigest(),
            "image/png",
        )
        assert (p2.content, p2.filename, p2.mime_type) == (jpeg, "dispute.jpg", "image/jpeg")
        assert p2.sha256 == hashlib.sha256(jpeg).hexdigest()
        keys = set(s.scalars(select(EventAction.idempotency_key)))
        assert {"app:A-1", "app:A-2"} <= keys
        actors = set(
            s.scalars(select(EventAction.actor_user_id).where(EventAction.action == Action.REPORT))
        )
        assert actors == {world.users["gw_a1"]}
        original = s.get(EventOriginal, e2.id)
        assert original is not None and original.raw is not None
        assert "base64" not in json.dumps(original.raw)

    before = counts(database)
    again = import_app(service, path)
    assert (again.created, again.skipped) == (0, 2)
    assert counts(database) == before


def test_app_bad_lines(service: CaseService, database: Database, tmp_path: Path) -> None:
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "scene.png").write_bytes(PNG)
    lines: list[Any] = [
        app_line(),
        app_line(id="A-2", grid="LZ-Z-99"),  # unknown grid
        app_line(id="A-3", reporter="nobody"),
        app_line(id="A-4", photos=["photos/missing.jpg"]),
        app_line(id="A-5", photos=[{"base64": "!!not base64!!"}]),
        app_line(id="A-6", photos=[]),
        app_line(id="A-7", grid="PS-A-01"),  # gw_a1 may report only in 兰香村
        app_line(id="A-8", category="不存在的类别"),
        '{"id": "A-9", ',
        app_line(),  # the same id as line 1
    ]
    path = write_jsonl(tmp_path / "app.jsonl", lines)

    report = import_app(service, path)

    assert errors_of(report) == [
        (2, "unknown_grid"),
        (3, "unknown_user"),
        (4, "photo_unreadable"),
        (5, "photo_bad_base64"),
        (6, "photos_required"),
        (7, "not_permitted"),
        (8, "unknown_category"),
        (9, "json_syntax"),
        (10, "duplicate_in_file"),
    ]
    assert report.errors[0].message_zh == "找不到网格“LZ-Z-99”"
    assert "photos/missing.jpg" in report.errors[2].message_en
    assert report.errors[2].message_zh.endswith("文件不存在")  # not Python's English errno text
    assert report.errors[2].message_en.endswith("no such file")
    assert_nothing_written(report, database)


def test_app_report_without_id_uses_a_content_hash(
    service: CaseService, database: Database, tmp_path: Path
) -> None:
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "scene.png").write_bytes(PNG)
    line = app_line()
    del line["id"]
    path = write_jsonl(tmp_path / "app.jsonl", [line])

    first = import_app(service, path)
    assert first.created == 1 and first.items[0].ref.startswith("#")
    assert import_app(service, path).skipped == 1

    twice = write_jsonl(tmp_path / "twice.jsonl", [line, line])
    assert errors_of(import_app(service, twice)) == [(2, "duplicate_in_file")]


# --- the sample files shipped for the README ---------------------------------------------


def test_sample_files_import_cleanly(service: CaseService, database: Database) -> None:
    hotline = import_hotline(service, DATA / "hotline_12345_sample.csv")
    assert hotline.ok, hotline.error_lines()
    assert hotline.created >= 3
    app = import_app(service, DATA / "app_reports_sample.jsonl")
    assert app.ok, app.error_lines()
    assert app.created >= 2


# --- pure helpers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-06-12 09:31:00", datetime(2026, 6, 12, 1, 31, tzinfo=UTC)),
        ("2026/6/12 9:31", datetime(2026, 6, 12, 1, 31, tzinfo=UTC)),
        ("2026-06-12T09:31:00+08:00", datetime(2026, 6, 12, 1, 31, tzinfo=UTC)),
        ("2026-06-12T01:31:00Z", datetime(2026, 6, 12, 1, 31, tzinfo=UTC)),
        ("2026-06-12T09:31:00.5+0800", datetime(2026, 6, 12, 1, 31, 0, 500000, tzinfo=UTC)),
        ("2026年6月12日 9时31分", datetime(2026, 6, 12, 1, 31, tzinfo=UTC)),
        ("2026年6月12日9:31:05", datetime(2026, 6, 12, 1, 31, 5, tzinfo=UTC)),
    ],
)
def test_parse_time_formats(text: str, expected: datetime) -> None:
    assert parse_time(text) == (expected, True)


@pytest.mark.parametrize("text", ["昨天", "2026-13-01 10:00", "2026-02-30 10:00", "12/06/2026"])
def test_parse_time_refuses(text: str) -> None:
    assert parse_time(text) is None


def test_masking() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("+86 138-1234-5678") == "138****5678"
    assert mask_phone("0575-84123456") == "057*****3456"
    assert mask_phone("84123456") == "****3456"
    assert mask_phone("") is None
    assert (mask_name("张三"), mask_name("欧阳娜娜"), mask_name("李")) == ("张*", "欧***", "*")
    assert scrub("身份证330621199001011234，电话13900001111") == (
        "身份证330621********1234，电话139****1111"
    )
    assert scrub("张三说打84123456找他", "张三", "0575-84123456") == "张*说打****3456找他"
