"""``commandroom camera``: cameras registered from the command line, checked against a real
RTSP server (gst-rtsp-server, one password-protected mount) and a port that never answers.
No password on the command line and none in any output; every failure said in words."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from commandroom.cli import camera_check, camera_cmds
from commandroom.db.models import Camera
from commandroom.video.rtsp_proto import Target
from tests.cli.conftest import CliRunner, Scene
from tests.rtsp_server import BlackHole, RtspServer, closed_port

USER, PASSWORD = "admin", "Cam@ra:pw/1"  # '@', ':' and '/' must survive the URL


@pytest.fixture(scope="module")
def rtsp_server() -> Iterator[RtspServer]:
    server = RtspServer(mounts=["cam1", "cam2"], secure={"secure": (USER, PASSWORD)})
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def _no_password_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(camera_cmds.PASSWORD_ENV, raising=False)


def _add(cli: CliRunner, scene: Scene, code: str, main: str, *more: str) -> None:
    run = cli("--db", scene.url, "camera", "add", code, "--name", "兰香村村口", "--region", "LZ-A",
              "--main", main, *more)  # fmt: skip
    assert run.code == 0, run.err


def test_a_camera_with_an_account_is_registered_listed_masked_and_live(
    cli: CliRunner, scene: Scene, rtsp_server: RtspServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(camera_cmds.PASSWORD_ENV, PASSWORD)
    secure = rtsp_server.url("secure")
    _add(cli, scene, "LZA-C01", secure, "--sub", secure, "--user", USER, "--place", "出入口")
    with scene.db.reading() as s:
        stored = s.scalar(select(Camera.sub_url).where(Camera.code == "LZA-C01"))
    assert stored is not None and Target.parse(stored).password == PASSWORD

    listed = cli("--db", scene.url, "camera", "list", "--region", "漓渚镇")
    assert listed.code == 0
    line = next(x for x in listed.out.splitlines() if x.startswith("LZA-C01"))
    assert "兰香村村口" in line and "出入口" in line and "启用" in line
    assert f"rtsp://***@127.0.0.1:{rtsp_server.port}/secure" in line
    as_json = json.loads(cli("--db", scene.url, "camera", "list", "--json").out)
    assert [c["code"] for c in as_json] == ["LZA-C01"] and as_json[0]["has_credentials"]

    checked = cli("--db", scene.url, "camera", "check", "LZA-C01")
    assert checked.code == 0, checked.out + checked.err
    assert "子码流" in checked.out and "有画面：640×360" in checked.out

    every_output = listed.out + listed.err + json.dumps(as_json) + checked.out + checked.err
    assert PASSWORD not in every_output and "Cam%40ra" not in every_output
    assert USER not in every_output


def test_a_password_in_the_url_is_refused_and_nothing_is_written(
    cli: CliRunner, lite: Scene
) -> None:
    run = cli("--db", lite.url, "camera", "add", "C1", "--name", "x", "--region", "LZ-A",
              "--main", "rtsp://admin:12345@10.20.30.40/Streaming/Channels/101")  # fmt: skip
    assert run.code == 2
    assert "主码流地址中含有账号密码" in run.err and "12345" not in run.err
    assert cli("--db", lite.url, "camera", "list").out.strip() == "（没有符合条件的摄像头）"


def test_the_password_is_typed_once_at_a_terminal_and_never_taken_from_nowhere(
    cli: CliRunner, lite: Scene, rtsp_server: RtspServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_terminal = cli("--db", lite.url, "camera", "add", "C1", "--name", "x", "--region",
                      "LZ-A", "--main", rtsp_server.url("secure"), "--user", USER)  # fmt: skip
    assert no_terminal.code == 2 and "COMMANDROOM_CAMERA_PASSWORD" in no_terminal.err

    prompts: list[str] = []
    monkeypatch.setattr(camera_cmds, "_stdin_is_terminal", lambda: True)
    monkeypatch.setattr(
        camera_cmds.getpass, "getpass", lambda prompt="": prompts.append(prompt) or PASSWORD
    )
    _add(cli, lite, "C1", rtsp_server.url("secure"), "--user", USER)
    assert prompts == [f"摄像头账号 {USER} 的密码："]
    assert cli("--db", lite.url, "camera", "check", "C1").code == 0


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_why_no_picture_came_is_said_in_words(
    cli: CliRunner,
    lite: Scene,
    rtsp_server: RtspServer,
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
) -> None:
    monkeypatch.setenv(camera_cmds.PASSWORD_ENV, "wrong-password")
    _add(cli, lite, "WRONG-PW", rtsp_server.url("secure"), "--user", USER)
    _add(cli, lite, "NO-MOUNT", rtsp_server.url("nosuch"))
    _add(cli, lite, "CLOSED", f"rtsp://127.0.0.1:{closed_port()}/cam1")
    expected = {
        "WRONG-PW": ("用户名或密码错误", "wrong user name or password"),
        "NO-MOUNT": ("没有这个码流路径", "no stream at this path"),
        "CLOSED": ("连接被拒绝", "connection refused"),
    }
    for code, words in expected.items():
        run = cli("--db", lite.url, "--lang", lang, "camera", "check", code)
        assert run.code == camera_cmds.EXIT_NOT_LIVE, run.out + run.err
        said = run.out.splitlines()[-1]
        assert said.startswith("没有画面：" if lang == "zh" else "No picture: ")
        assert words[0 if lang == "zh" else 1] in said


def test_a_camera_that_never_answers_is_told_apart_from_one_that_refuses(
    cli: CliRunner, lite: Scene
) -> None:
    with BlackHole() as hole:
        _add(cli, lite, "SILENT", hole.url())
        run = cli("--db", lite.url, "camera", "check", "SILENT", "--wait", "6", "--json")
    assert run.code == camera_cmds.EXIT_NOT_LIVE
    [result] = json.loads(run.out)
    assert (result["live"], result["failure"]) == (False, "no_answer")


def test_a_new_address_keeps_the_account_and_set_changes_only_what_is_given(
    cli: CliRunner, lite: Scene, rtsp_server: RtspServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(camera_cmds.PASSWORD_ENV, PASSWORD)
    _add(cli, lite, "C1", rtsp_server.url("cam1"), "--user", USER)
    monkeypatch.delenv(camera_cmds.PASSWORD_ENV)
    run = cli("--db", lite.url, "camera", "set", "c1", "--main", rtsp_server.url("secure"),
              "--json")  # fmt: skip
    assert run.code == 0, run.err
    changed = json.loads(run.out)
    assert changed["name"] == "兰香村村口" and changed["has_credentials"]
    assert changed["main_url"] == f"rtsp://***@127.0.0.1:{rtsp_server.port}/secure"
    assert cli("--db", lite.url, "camera", "check", "C1").code == 0


def test_disable_enable_and_refusals_each_say_one_line(cli: CliRunner, lite: Scene) -> None:
    _add(cli, lite, "C1", "rtsp://10.20.30.40/live")
    steps = [
        (("camera", "disable", "C1"), 0, "已停用摄像头 C1"),
        (("camera", "disable", "C1"), 0, "摄像头 C1 本已停用，未作改动"),
        (("camera", "enable", "C1"), 0, "已重新启用摄像头 C1"),
        (("camera", "set", "C9", "--name", "x"), 2, "找不到摄像头 C9"),
        (("camera", "set", "C1"), 2, "没有要修改的项"),
        (("camera", "check", "C1", "--wait", "0"), 2, "等待秒数须大于 0"),
        (("camera", "add", "C1", "--name", "x", "--region", "LZ-A", "--main", "rtsp://h/x"), 2,
         "摄像头编码 C1 已被占用"),
        (("camera", "set", "C1", "--main", "rtsp://h:99999/x"), 2, "主码流地址中的端口无效"),
        (("camera", "set", "C1", "--region", "柯桥区"), 2, "摄像头要登记在镇街或村社"),
        (("camera", "set", "C1", "--lat", "30.1"), 2, "纬度和经度要同时给出"),
    ]  # fmt: skip
    for args, code, words in steps:
        run = cli("--db", lite.url, *args)
        assert run.code == code, (args, run.out, run.err)
        said = run.out if code == 0 else run.err
        assert len(said.strip().splitlines()) == 1 and words in said, (args, said)


def test_a_camera_list_is_imported_all_or_nothing(
    cli: CliRunner, lite: Scene, tmp_path: Path
) -> None:
    good = tmp_path / "cameras.csv"
    good.write_text(
        "编码,名称,所在区域,主码流,用户名,密码\n"
        "C1,兰香村北口,LZ-A,rtsp://10.20.30.40/ch1,admin,Secret-1\n"
        "C2,茶山村河道,LZ-B,rtsp://10.20.30.41/ch1,,\n",
        encoding="utf-8",
    )
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "code,name,region,main_url\nC3,a,LZ-A,rtsp://h/x\nC4,b,KQ,rtsp://h/x\n", encoding="utf-8"
    )
    refused = cli("--db", lite.url, "camera", "import", str(bad))
    assert refused.code == 2
    assert refused.err.splitlines() == [
        f"{bad}:3: 摄像头要登记在镇街或村社，而不是柯桥区",
        "文件有 1 处错误，未写入任何摄像头",
    ]
    dry = cli("--db", lite.url, "camera", "import", str(good), "--dry-run")
    assert dry.out.strip() == "检查通过：将登记 2 个摄像头，修改 0 个（试运行，未写入）"
    done = cli("--db", lite.url, "camera", "import", str(good))
    assert done.code == 0 and done.out.startswith("已登记 2 个摄像头，修改 0 个")
    listed = cli("--db", lite.url, "camera", "list").out
    assert "rtsp://***@10.20.30.40/ch1" in listed and "Secret-1" not in listed
    assert "C3" not in listed
    again = cli("--db", lite.url, "--lang", "en", "camera", "import", str(good), "--json")
    assert again.code == 2 and json.loads(again.out)["errors"][0]["key"] == "camera_exists"
    assert "add --update" in again.err
    missing = cli("--db", lite.url, "camera", "import", str(tmp_path / "nope.csv"))
    assert missing.code == 2 and "文件不存在" in missing.err


def test_a_regions_cameras_are_checked_together_a_few_at_a_time(
    cli: CliRunner, lite: Scene, rtsp_server: RtspServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(camera_check, "AT_ONCE", 2)  # three cameras: the window must roll
    _add(cli, lite, "A-1", rtsp_server.url("cam1"))
    _add(cli, lite, "A-2", f"rtsp://127.0.0.1:{closed_port()}/cam")
    _add(cli, lite, "A-3", rtsp_server.url("cam2"))
    run = cli("--db", lite.url, "camera", "check", "--region", "漓渚镇")
    assert run.code == camera_cmds.EXIT_NOT_LIVE, run.err
    rows = {line.split()[0]: line for line in run.out.splitlines()[1:-1]}
    assert "有画面：640×360" in rows["A-1"] and "有画面：640×360" in rows["A-3"]
    assert "没有画面：连接被拒绝" in rows["A-2"]
    assert run.out.splitlines()[-1] == "2/3 个摄像头有画面"
    assert [t.name for t in threading.enumerate() if t.name.startswith("capture:")] == []
    assert cli("--db", lite.url, "camera", "check", "A-1", "A-3").code == 0
    nothing = cli("--db", lite.url, "camera", "check")
    assert nothing.code == 2 and "请给出要检测的摄像头编码" in nothing.err


def test_history_says_who_changed_what_without_the_password(
    cli: CliRunner, lite: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    _add(cli, lite, "C1", "rtsp://10.20.30.40/ch1")
    monkeypatch.setenv(camera_cmds.PASSWORD_ENV, PASSWORD)
    assert cli("--db", lite.url, "camera", "set", "C1", "--user", USER).code == 0
    assert cli("--db", lite.url, "camera", "disable", "C1").code == 0
    run = cli("--db", lite.url, "camera", "history", "C1")
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert lines[0].split() == ["时间", "操作人", "操作", "改动"]
    assert [line.split()[3] for line in lines[1:]] == ["登记", "修改", "停用"]
    assert all(line.split()[2].startswith("cli:") for line in lines[1:])
    assert "账号 — → 已设置" in lines[2] and "rtsp://***@10.20.30.40/ch1" in lines[2]
    assert PASSWORD not in run.out and USER not in run.out
    as_json = json.loads(cli("--db", lite.url, "camera", "history", "C1", "--json").out)
    assert [c["action"] for c in as_json] == ["add", "change", "disable"]


def test_an_export_carries_no_password_and_imports_back_as_no_change(
    cli: CliRunner, lite: Scene, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(camera_cmds.PASSWORD_ENV, PASSWORD)
    _add(cli, lite, "C1", "rtsp://10.20.30.40/ch1", "--sub", "rtsp://10.20.30.40/ch2",
         "--user", USER, "--place", "河道", "--lat", "30.05", "--lng", "120.45")  # fmt: skip
    _add(cli, lite, "C2", "rtsp://10.20.30.41/ch1")
    shown = cli("--db", lite.url, "camera", "export")
    assert shown.code == 0
    assert shown.out.splitlines()[1] == (
        "C1,兰香村村口,LZ-A,,河道,rtsp://10.20.30.40/ch1,rtsp://10.20.30.40/ch2,30.05,120.45,,,启用"
    )
    path = tmp_path / "cameras.csv"
    written = cli("--db", lite.url, "camera", "export", str(path))
    assert written.out.strip() == f"已导出 2 个摄像头到 {path}（不含密码）"
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    assert PASSWORD.encode() not in raw and USER.encode() not in raw
    back = cli("--db", lite.url, "camera", "import", str(path), "--update", "--json")
    assert back.code == 0 and json.loads(back.out)["changed"] == []
    checked = json.loads(cli("--db", lite.url, "camera", "list", "--json").out)
    assert checked[0]["has_credentials"] and checked[0]["main_url"].startswith("rtsp://***@")
