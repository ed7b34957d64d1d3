"""Every exit code of the contract, each with one line on stderr and never a traceback."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from commandroom.cli import app
from commandroom.db.models import EventAction
from commandroom.events.deadlines import LOCAL_TZ
from tests.cli.conftest import CliRunner, Scene


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    assert "Traceback" not in text
    return lines[0]


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


# --- 2: bad input ----------------------------------------------------------------------


def test_usage_error_is_one_line_exit_2(cli: CliRunner) -> None:
    run = cli("case", "sign")
    assert run.code == 2
    assert "--as" in one_line(run.err) and "参数错误" in run.err


@pytest.mark.parametrize(
    ("args", "zh", "en"),
    [
        (("case", "sign"), "缺少必需的参数：ID, --as", "the following arguments are required"),
        (("events", "list", "--bogus"), "无法识别的参数：--bogus", "unrecognized arguments"),
        (("camera", "check", "C1", "--wait", "abc"), "--wait 的值 'abc' 不是数字", "invalid"),
        (("events", "list", "--level"), "--level 后面需要一个值", "expected one argument"),
        (("camera", "bogus"), "CMD 的值 'bogus' 无效，可选：'list'", "invalid choice"),
    ],
)
def test_usage_errors_are_said_in_the_users_language(
    cli: CliRunner, args: tuple[str, ...], zh: str, en: str
) -> None:
    run = cli(*args)
    assert run.code == 2 and zh in one_line(run.err), run.err
    english = cli("--lang", "en", *args)
    assert english.code == 2 and en in one_line(english.err), english.err


def test_help_and_version_exit_0(cli: CliRunner) -> None:
    helped = cli("--help")
    assert helped.code == 0 and "退出码" in helped.out
    assert "--expect-version" in cli("case", "sign", "--help").out
    assert "print JSON" in cli("--lang", "en", "events", "list", "--help").out
    assert cli("--version").code == 0


def test_a_database_that_is_not_a_url_is_bad_input(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A path, another database or an unknown driver: one line saying what to write, exit 2,
    and nothing created (it used to be "内部错误：ArgumentError", exit 1)."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "room.sqlite3"
    run = cli("--db", str(path), "events", "list")
    assert (run.code, one_line(run.err)) == (
        2,
        f"数据库要写成地址（URL）：这个 SQLite 文件请写 sqlite:///{path}",
    )
    for url, backend in (
        ("mysql://clerk:s3cret-pw@127.0.0.1/commandroom", "mysql"),
        ("postgresql+psycopg2://clerk:s3cret-pw@127.0.0.1/commandroom", "postgresql+psycopg2"),
    ):
        run = cli("--db", url, "db", "upgrade")
        assert run.code == 2, url
        assert one_line(run.err).startswith(f"不支持的数据库 {backend}：请用 SQLite")
        assert "s3cret-pw" not in run.err + run.out
    monkeypatch.setenv("COMMANDROOM_DB", "commandroom on the town server")
    run = cli("--lang", "en", "events", "list")
    assert run.code == 2
    assert one_line(run.err).startswith("Not a database URL: write sqlite:///")
    run = cli("demo", "--db", "demo.sqlite3", "--no-window")
    assert run.code == 2 and one_line(run.err).endswith(f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    assert list(tmp_path.iterdir()) == []


def test_unknown_event_is_bad_input(cli: CliRunner, lite: Scene) -> None:
    run = cli("--db", lite.url, "case", "sign", "KQ-XX-20990101-0001", "--as", "police_lz")
    assert run.code == 2
    assert one_line(run.err) == "找不到事件 KQ-XX-20990101-0001"


def test_wrong_reason_code_lists_the_allowed_ones(cli: CliRunner, lite: Scene) -> None:
    event = lite.report()
    run = cli(
        "--db", lite.url, "case", "return", event.event_code, "--as", "police_lz",
        "--reason", "不想办",
    )  # fmt: skip
    assert run.code == 2
    line = one_line(run.err)
    assert "不想办" in line and "非本单位职责" in line


def test_invalid_transition_is_bad_input(cli: CliRunner, lite: Scene) -> None:
    event = lite.report()  # DISPATCHED: cannot be verified yet
    run = cli("--db", lite.url, "case", "verify", event.event_code, "--as", "disp_lz")
    assert run.code == 2
    assert "不能执行" in one_line(run.err)


def test_bad_filter_value_and_missing_file(cli: CliRunner, lite: Scene, tmp_path: Path) -> None:
    run = cli("--db", lite.url, "events", "list", "--status", "DONE")
    assert run.code == 2 and "DONE" in one_line(run.err)
    run = cli("--db", lite.url, "events", "list", "--town", "火星镇")
    assert run.code == 2 and "火星镇" in one_line(run.err)
    event = lite.report()
    run = cli(
        "--db", lite.url, "case", "resolve", event.event_code, "--as", "police_lz",
        "--result-type", "已解决", "--note", "ok", "--photo", tmp_path / "missing.jpg",
    )  # fmt: skip
    assert run.code == 2 and one_line(run.err).endswith("missing.jpg：文件不存在")
    run = cli("--db", lite.url, "events", "import", "app", tmp_path / "missing.jsonl")
    assert (run.code, one_line(run.err)) == (2, f"文件不存在：{tmp_path / 'missing.jsonl'}")
    run = cli("--db", lite.url, "--lang", "en", "events", "import", "hotline", tmp_path)
    assert (run.code, one_line(run.err)) == (2, f"{tmp_path} is not a file")


# --- 3: conflict -----------------------------------------------------------------------


def test_stale_expect_version_names_who_and_when(cli: CliRunner, scene: Scene) -> None:
    event = scene.report()
    signed = cli(
        "--db", scene.url, "case", "sign", event.event_code, "--as", "police_lz",
        "--expect-version", event.version,
    )  # fmt: skip
    assert signed.code == 0, signed.err
    run = cli(
        "--db", scene.url, "case", "comment", event.event_code, "--as", "disp_lz",
        "--note", "请尽快", "--expect-version", event.version,
    )  # fmt: skip
    assert run.code == 3
    with scene.db.reading() as s:
        at = s.scalars(select(EventAction.at).order_by(EventAction.id.desc()).limit(1)).one()
    line = one_line(run.err)
    assert "police_lz" in line
    assert at.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M") in line
    assert "签收" in line


# --- 4: permission denied --------------------------------------------------------------


def test_permission_denied(cli: CliRunner, scene: Scene) -> None:
    event = scene.report()
    run = cli("--db", scene.url, "case", "sign", event.event_code, "--as", "gw_a2")
    assert run.code == 4
    assert one_line(run.err) == "gw_a2 无权对该事件执行“签收”"
    run = cli("--db", scene.url, "--lang", "en", "case", "sign", event.event_code, "--as", "gw_a2")
    assert run.code == 4
    assert one_line(run.err) == "gw_a2 may not sign for this event"


@pytest.fixture
def read_only_urls(scene: Scene) -> Iterator[list[str]]:
    """Ways a station may hold the database without the right to write it: a read-only
    SQLite open; on PostgreSQL a role with SELECT only, and one whose transactions are
    read-only (as on a hot-standby replica: SQLSTATE 25006 instead of 42501)."""
    url = make_url(scene.url)
    if url.get_backend_name() == "sqlite":
        yield [f"sqlite:///file:{url.database}?mode=ro&uri=true"]
        return
    with scene.db.engine.begin() as conn:
        conn.execute(text("CREATE ROLE cli_reader LOGIN"))
        conn.execute(text("GRANT SELECT ON ALL TABLES IN SCHEMA public TO cli_reader"))
        conn.execute(text("CREATE ROLE cli_replica LOGIN"))
        conn.execute(text("GRANT ALL ON ALL TABLES IN SCHEMA public TO cli_replica"))
        conn.execute(text("GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO cli_replica"))
        conn.execute(text("ALTER ROLE cli_replica SET default_transaction_read_only = on"))
    try:
        yield [
            url.set(username=role).render_as_string(hide_password=False)
            for role in ("cli_reader", "cli_replica")
        ]
    finally:
        with scene.db.engine.begin() as conn:
            for role in ("cli_reader", "cli_replica"):
                conn.execute(text(f"DROP OWNED BY {role}"))
                conn.execute(text(f"DROP ROLE {role}"))


def test_a_database_that_refuses_every_write_is_permission_denied(
    cli: CliRunner, scene: Scene, read_only_urls: list[str], tmp_path: Path
) -> None:
    """Exit 4 with words, for every writing command, not "unreachable" and the driver's
    English; reading still works."""
    event = scene.report()
    sample = tmp_path / "cameras.csv"
    sample.write_text("编码,名称,所在区域,主码流\nC1,村口,LZ-A,rtsp://10.0.0.1/x\n", "utf-8")
    writes = [
        ("case", "comment", event.event_code, "--as", "disp_lz", "--note", "已电话联系"),
        ("camera", "add", "C1", "--name", "村口", "--region", "LZ-A", "--main", "rtsp://h/x"),
        ("camera", "import", str(sample)),
    ]
    for url in read_only_urls:
        assert cli("--db", url, "events", "list").code == 0
        for args in writes:
            run = cli("--db", url, *args)
            assert run.code == 4, (url, args, run.err)
            assert one_line(run.err).startswith("数据库拒绝写入（"), run.err
        run = cli("--db", url, "--lang", "en", *writes[0])
        assert one_line(run.err).startswith("The database refused the write ("), run.err


# --- 5: database unreachable or not migrated -------------------------------------------


def test_unmigrated_sqlite_file(cli: CliRunner, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    run = cli("--db", url, "events", "list")
    assert run.code == 5
    assert one_line(run.err) == "数据库尚未初始化，请先运行：commandroom db upgrade"
    assert cli("--db", url, "db", "status").code == 0  # status may look at it
    assert cli("--db", url, "db", "upgrade").code == 0  # and upgrade may migrate it
    assert cli("--db", url, "events", "list").code == 0


def test_unreachable_postgres_hides_the_password(cli: CliRunner) -> None:
    port = closed_port()
    url = f"postgresql://clerk:s3cret-pw@127.0.0.1:{port}/commandroom"
    for args in (("events", "list"), ("db", "status"), ("db", "upgrade")):
        run = cli("--db", url, *args)
        assert run.code == 5, args
        refused = "服务器拒绝连接（地址或端口不对，或数据库服务没有运行）"
        assert one_line(run.err) == f"无法连接数据库：{refused} · 127.0.0.1:{port}"
        assert "s3cret-pw" not in run.err + run.out
    run = cli("--lang", "en", "--db", url, "events", "list")
    assert one_line(run.err).startswith("Cannot reach the database: the server refused")


def test_unwritable_sqlite_directory(cli: CliRunner, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    run = cli("--db", f"sqlite:///{blocker / 'sub' / 'db.sqlite3'}", "events", "list")
    assert run.code == 5
    assert one_line(run.err).startswith("无法连接数据库：")


def test_env_var_names_the_database(
    cli: CliRunner, lite: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COMMANDROOM_DB", lite.url)
    run = cli("db", "status")
    assert run.code == 0 and lite.url in run.out


# --- 1: internal error -----------------------------------------------------------------


def test_unexpected_exception_is_one_line_unless_debugging(
    cli: CliRunner, lite: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(session: object) -> None:
        raise RuntimeError("chain exploded")

    monkeypatch.setattr("commandroom.cli.db_cmds.verify_chains", boom)
    run = cli("--db", lite.url, "db", "verify")
    assert run.code == 1
    assert one_line(run.err) == "内部错误：RuntimeError: chain exploded"
    monkeypatch.setenv(app.DEBUG_ENV, "1")
    run = cli("--db", lite.url, "db", "verify")
    assert run.code == 1
    assert "Traceback" in run.err and run.err.strip().endswith(
        "内部错误：RuntimeError: chain exploded"
    )


# --- language --------------------------------------------------------------------------


def test_language_from_option_and_locale(
    cli: CliRunner, lite: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = cli("--db", lite.url, "--lang", "en", "case", "show", "999")
    assert (run.code, one_line(run.err)) == (2, "Event 999 not found")
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    run = cli("case", "show", "999", "--db", lite.url)  # global options after the command
    assert (run.code, one_line(run.err)) == (2, "Event 999 not found")
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")  # LC_ALL wins over LANG
    assert one_line(cli("case", "show", "999", "--db", lite.url).err) == "找不到事件 999"
    run = cli("--lang", "en", "case", "show", "999", "--db", lite.url)
    assert one_line(run.err) == "Event 999 not found"
