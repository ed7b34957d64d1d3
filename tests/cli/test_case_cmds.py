"""Handling a case through the CLI: the whole path, idempotency keys, and ``case show``."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from commandroom.db.models import EventAction
from tests.cli.conftest import CliRunner, Scene


def action_count(scene: Scene) -> int:
    with scene.db.reading() as s:
        return int(s.scalar(select(func.count(EventAction.id))) or 0)


def test_dispatch_sign_resolve_verify_with_json(
    cli: CliRunner, scene: Scene, tmp_path: Path
) -> None:
    event = scene.report(auto_dispatch=False)
    code, db = event.event_code, scene.url
    photo = tmp_path / "after.jpg"
    photo.write_bytes(b"\xff\xd8after-photo")

    def step(*args: str | int) -> dict[str, object]:
        run = cli("--db", db, "case", *args, "--json")
        assert run.code == 0, run.err
        result: dict[str, object] = json.loads(run.out)
        assert result["event_code"] == code
        return result

    r = step("dispatch", code, "--as", "disp_lz", "--to", "police_LZ", "--expect-version", 1)
    assert (r["action"], r["status"]) == ("dispatch", "DISPATCHED")
    r = step("sign", str(event.event_id), "--as", "police_lz", "--expect-version", r["version"])
    assert (r["action"], r["status"]) == ("sign", "IN_PROGRESS")
    r = step(
        "resolve", code, "--as", "police_lz", "--result-type", "依法处理",
        "--note", "已盘查登记", "--photo", photo,
    )  # fmt: skip
    assert r["status"] == "PENDING_VERIFY"
    r = step("verify", code, "--as", "disp_lz", "--note", "核查属实")
    assert (r["status"], r["replayed"]) == ("CLOSED", False)

    run = cli("--db", db, "case", "show", code, "--json")
    assert run.code == 0, run.err
    shown = json.loads(run.out)
    assert shown["status"] == "CLOSED" and shown["result_text"] == "已盘查登记"
    assert [a["action"] for a in shown["timeline"]] == [
        "report",
        "dispatch",
        "sign",
        "resolve",
        "verify",
    ]
    dispatch = shown["timeline"][1]
    assert dispatch["actor_username"] == "disp_lz" and dispatch["to_org"] == "漓渚镇派出所"
    datetime.fromisoformat(dispatch["at"])
    after = [a for a in shown["attachments"] if a["filename"] == "after.jpg"]
    assert after[0]["sha256"] == hashlib.sha256(b"\xff\xd8after-photo").hexdigest()
    assert after[0]["size"] == len(b"\xff\xd8after-photo")
    assert shown["original"]["title"] == "仓储区附近可疑人员"
    assert {c["kind"] for c in shown["clocks"]} >= {"sign", "handle", "verify"}

    run = cli("--db", db, "case", "reopen", code, "--as", "disp_lz", "--note", "群众再次反映")
    assert run.code == 0, run.err
    (line,) = run.out.splitlines()
    assert line.startswith(f"{code} 已重新发起 → 已办结") and "；新关联事件 KQ-LZ-" in line


def test_text_output_of_an_action_and_of_show(cli: CliRunner, lite: Scene) -> None:
    event = lite.report()
    run = cli("--db", lite.url, "case", "sign", event.event_code, "--as", "police_lz")
    assert run.code == 0, run.err
    assert run.out == f"{event.event_code} 已签收 → 处置中 (版本 {event.version + 1})\n"
    run = cli("--db", lite.url, "--lang", "en", "case", "sign", event.event_code, "--as", "x")
    assert run.code == 2 and run.err.strip() == "User x not found"

    run = cli("--db", lite.url, "case", "show", event.event_code)
    assert run.code == 0, run.err
    for text in ("── 流转记录 ──", "── 附件 ──", "── 处置时限 ──", "── 原始上报 ──"):
        assert text in run.out
    assert "scene.jpg" in run.out
    assert hashlib.sha256(b"\xff\xd8fake-jpeg-bytes").hexdigest() in run.out
    assert "police_lz" in run.out and "处置人员" in run.out and "漓渚镇派出所" in run.out
    assert "处置中 (IN_PROGRESS)" in run.out


def test_a_key_is_applied_once(cli: CliRunner, scene: Scene) -> None:
    event = scene.report()
    args = ("--db", scene.url, "case", "sign", event.event_code, "--as", "police_lz")
    first = cli(*args, "--key", "station-7:sign:1")
    assert first.code == 0, first.err
    rows = action_count(scene)
    again = cli(*args, "--key", "station-7:sign:1")
    assert again.code == 0, again.err
    assert again.out == first.out
    assert "station-7:sign:1" in again.err  # says it was a replay
    assert action_count(scene) == rows
    as_json = json.loads(cli(*args, "--key", "station-7:sign:1", "--json").out)
    assert as_json["replayed"] is True and as_json["status"] == "IN_PROGRESS"
    assert action_count(scene) == rows


def test_per_action_options(cli: CliRunner, lite: Scene) -> None:
    db = lite.url
    event = lite.report()
    code = event.event_code
    run = cli("--db", db, "case", "return", code, "--as", "police_lz", "--reason", "地址错误")
    assert run.code == 0, run.err
    assert "已退回" in run.out

    other = lite.report(title="另一起", auto_dispatch=False)
    run = cli("--db", db, "case", "merge", other.event_code, "--as", "disp_lz", "--into", code)
    assert run.code == 0, run.err
    assert "重复·已合并" in run.out
    run = cli("--db", db, "case", "undo-invalid", other.event_code, "--as", "sup_lz")
    assert run.code == 2 and "原因" in run.err  # --note is the reason, and it is required
    run = cli(
        "--db", db, "case", "undo-invalid", other.event_code, "--as", "sup_lz",
        "--note", "并非重复",
    )  # fmt: skip
    assert run.code == 0, run.err

    third = lite.report(title="第三起")
    run = cli("--db", db, "case", "sign", third.event_code, "--as", "police_lz")
    assert run.code == 0
    run = cli(
        "--db", db, "case", "hold", third.event_code, "--as", "police_lz",
        "--until", "2099-13-01", "--note", "x",
    )  # fmt: skip
    assert run.code == 2 and "2099-13-01" in run.err
    run = cli(
        "--db", db, "case", "extend", third.event_code, "--as", "sup_lz",
        "--days", 2, "--note", "需协调",
    )  # fmt: skip
    assert run.code == 0, run.err
    run = cli("--db", db, "case", "supervise", third.event_code, "--as", "leader", "--note", "抓紧")
    assert run.code == 0, run.err
    run = cli("--db", db, "case", "show", third.event_code, "--json")
    shown = json.loads(run.out)
    assert shown["extension_days"] == 2
    assert [s["opinion"] for s in shown["supervision"]] == ["抓紧"]
    assert shown["requests"][0]["status"] == "approved"
