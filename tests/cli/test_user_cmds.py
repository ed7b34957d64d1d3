"""``commandroom user``: accounts made and mended from the command line log in (or are
refused) through ``events.auth`` as the window would; one line and a contract exit code for
every refusal; no password on the command line, no hash in any output."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from commandroom.cli import user_cmds
from commandroom.db.models import LoginAudit, User
from commandroom.events.auth import MAX_FAILURES, LoginFailed, authenticate
from tests.cli.conftest import CliRunner, Scene
from tests.cli.test_exit_codes import one_line

PASSWORD = "Lizhu-2026!"
ADD = ("user", "add", "wang_lz", "--name", "王磊", "--org", "cmd_LZ", "--role", "town_dispatcher")


@pytest.fixture(autouse=True)
def _no_password_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(user_cmds.PASSWORD_ENV, raising=False)


@pytest.fixture
def password(monkeypatch: pytest.MonkeyPatch) -> str:
    """Scripts pass the password in the environment; so do most of these tests."""
    monkeypatch.setenv(user_cmds.PASSWORD_ENV, PASSWORD)
    return PASSWORD


def _typed(monkeypatch: pytest.MonkeyPatch, *answers: str) -> list[str]:
    """A terminal at which ``answers`` are typed; returns the prompts shown."""
    prompts: list[str] = []
    replies = iter(answers)

    def getpass(prompt: str = "") -> str:
        prompts.append(prompt)
        return next(replies)

    monkeypatch.setattr(user_cmds, "_stdin_is_terminal", lambda: True)
    monkeypatch.setattr(user_cmds.getpass, "getpass", getpass)
    return prompts


def _hash(scene: Scene, username: str) -> str | None:
    with scene.db.reading() as s:
        return s.scalar(select(User.password_hash).where(User.username == username))


def test_an_added_account_logs_in(cli: CliRunner, scene: Scene, password: str) -> None:
    run = cli("--db", scene.url, *ADD, "--role", "镇街指挥室负责人")
    assert run.code == 0, run.err
    assert run.out.strip() == (
        "已创建账号 wang_lz（王磊，漓渚镇综合信息指挥室）："
        "镇街调度员@漓渚镇, 镇街指挥室负责人@漓渚镇"
    )
    op = authenticate(scene.db, "wang_lz", password)
    assert op.name == "王磊" and {r.value for r in op.roles()} == {
        "town_dispatcher",
        "town_supervisor",
    }
    with scene.db.reading() as s:
        host = s.scalar(select(LoginAudit.host).where(LoginAudit.reason == "admin_add"))
    assert host is not None and host.startswith("cli:")


def test_the_password_is_typed_twice_at_a_terminal(
    cli: CliRunner, lite: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    prompts = _typed(monkeypatch, PASSWORD, PASSWORD)
    assert cli("--db", lite.url, *ADD).code == 0
    assert prompts == ["wang_lz 的新密码：", "再次输入新密码："]
    assert authenticate(lite.db, "wang_lz", PASSWORD).username == "wang_lz"


def test_two_different_passwords_create_nothing(
    cli: CliRunner, lite: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    _typed(monkeypatch, PASSWORD, PASSWORD + "x")
    run = cli("--db", lite.url, "--lang", "en", *ADD)
    assert run.code == 2
    assert one_line(run.err) == "The two passwords differ; nothing changed"
    assert _hash(lite, "wang_lz") is None


def test_a_weak_password_is_refused_before_it_is_typed_again(
    cli: CliRunner, lite: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    prompts = _typed(monkeypatch, "wang1234")
    run = cli("--db", lite.url, *ADD)
    assert run.code == 2
    assert one_line(run.err) == "密码须包含大写字母、小写字母、数字、其他字符四类中的至少 3 类"
    assert len(prompts) == 1


def test_without_a_terminal_or_the_variable_there_is_no_password(
    cli: CliRunner, lite: Scene
) -> None:
    run = cli("--db", lite.url, *ADD)  # pytest's stdin is not a terminal
    assert run.code == 2
    assert "COMMANDROOM_PASSWORD" in one_line(run.err)
    assert cli("--db", lite.url, "user", "add", "x", "--password", "Abc-12345").code == 2


def test_duplicate_name_unknown_unit_and_unknown_role_are_bad_input(
    cli: CliRunner, scene: Scene, password: str
) -> None:
    assert cli("--db", scene.url, *ADD).code == 0
    run = cli("--db", scene.url, *ADD)
    assert run.code == 2
    assert one_line(run.err) == "用户名 wang_lz 已被占用（已有账号 wang_lz）"

    run = cli("--db", scene.url, "user", "add", "li_x", "--name", "李", "--org", "nowhere",
              "--role", "leader")  # fmt: skip
    assert (run.code, one_line(run.err)) == (2, "找不到单位 nowhere")

    run = cli("--db", scene.url, "--lang", "en", "user", "add", "li_x", "--name", "李",
              "--org", "cmd_LZ", "--role", "dispatcher")  # fmt: skip
    assert run.code == 2
    assert one_line(run.err).startswith("Role 'dispatcher' is not valid; choose one of: grid_")
    assert _hash(scene, "li_x") is None


def test_passwd_changes_the_hash(cli: CliRunner, scene: Scene, password: str) -> None:
    assert cli("--db", scene.url, *ADD).code == 0
    before = _hash(scene, "wang_lz")
    new = "Another-pass-9"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(user_cmds.PASSWORD_ENV, new)
        run = cli("--db", scene.url, "user", "passwd", "wang_lz")
    assert run.code == 0, run.err
    assert run.out.strip() == "已重设 wang_lz 的密码，登录锁定已清除"
    assert _hash(scene, "wang_lz") not in (before, None)
    with pytest.raises(LoginFailed):
        authenticate(scene.db, "wang_lz", password)
    assert authenticate(scene.db, "wang_lz", new).username == "wang_lz"

    run = cli("--db", scene.url, "user", "passwd", "nobody")
    assert (run.code, one_line(run.err)) == (2, "找不到用户 nobody")


def test_unlock_after_five_failures_allows_login(
    cli: CliRunner, scene: Scene, password: str
) -> None:
    assert cli("--db", scene.url, *ADD).code == 0
    for _ in range(MAX_FAILURES):
        with pytest.raises(LoginFailed):
            authenticate(scene.db, "wang_lz", "wrong")
    with pytest.raises(LoginFailed) as info:
        authenticate(scene.db, "wang_lz", password)
    assert info.value.reason == "locked"
    assert "锁定至" in cli("--db", scene.url, "user", "list").out

    run = cli("--db", scene.url, "user", "unlock", "wang_lz")
    assert (run.code, run.out.strip()) == (0, "已解除 wang_lz 的登录锁定")
    assert authenticate(scene.db, "wang_lz", password).username == "wang_lz"
    with scene.db.reading() as s:
        reasons = list(s.scalars(select(LoginAudit.reason).order_by(LoginAudit.id)))
    assert reasons[-3:] == ["locked", "admin_unlock", "ok"]
    run = cli("--db", scene.url, "--lang", "en", "user", "unlock", "wang_lz")
    assert run.out.strip() == "wang_lz was not locked; its failure count is reset"


def test_disable_refuses_login_as_auth_words_it_and_enable_restores(
    cli: CliRunner, scene: Scene, password: str
) -> None:
    assert cli("--db", scene.url, *ADD).code == 0
    run = cli("--db", scene.url, "user", "disable", "wang_lz")
    assert (run.code, run.out.strip()) == (0, "已停用账号 wang_lz：历史记录保留，不能再登录")
    with pytest.raises(LoginFailed) as info:
        authenticate(scene.db, "wang_lz", password)
    assert info.value.message() == "该账号已停用，请联系管理员"
    listed = cli("--db", scene.url, "user", "list", "--org", "cmd_LZ").out
    assert "wang_lz" in listed and "已停用" in listed

    assert cli("--db", scene.url, "user", "enable", "wang_lz").code == 0
    assert authenticate(scene.db, "wang_lz", password).username == "wang_lz"


def test_list_shows_units_and_roles_and_never_a_hash(
    cli: CliRunner, scene: Scene, password: str
) -> None:
    assert cli("--db", scene.url, *ADD).code == 0
    authenticate(scene.db, "wang_lz", password)
    run = cli("--db", scene.url, "user", "list", "--role", "town_dispatcher")
    assert run.code == 0
    lines = run.out.splitlines()
    assert lines[0].split() == ["用户名", "姓名", "单位", "角色@范围", "状态", "最近登录"]
    assert [line.split()[0] for line in lines[1:]] == ["disp_lz", "wang_lz", "disp_ps"]
    mine = next(line for line in lines if line.startswith("wang_lz"))
    assert "漓渚镇综合信息指挥室" in mine and "镇街调度员@漓渚镇" in mine and "正常" in mine

    as_json = cli("--db", scene.url, "user", "list", "--json").out
    for out in (run.out, as_json, cli("--db", scene.url, "user", "roles", "wang_lz").out):
        assert "argon2" not in out and "password_hash" not in out
    assert '"has_password": true' in as_json


def test_roles_are_shown_and_changed(cli: CliRunner, lite: Scene, password: str) -> None:
    assert cli("--db", lite.url, *ADD).code == 0
    run = cli("--db", lite.url, "user", "roles", "wang_lz", "--add", "grid_instructor",
              "--scope", "LZ-A")  # fmt: skip
    assert run.code == 0, run.err
    assert "网格指导员" in run.out and "兰香村(示例)" in run.out
    run = cli("--db", lite.url, "user", "roles", "wang_lz", "--remove", "grid_instructor")
    assert "网格指导员" not in run.out
    run = cli("--db", lite.url, "user", "roles", "wang_lz", "--remove", "town_dispatcher")
    assert run.code == 2
    assert one_line(run.err) == "不能移除用户 wang_lz 的最后一个角色；不再使用的账号请停用"
    run = cli("--db", lite.url, "user", "roles", "wang_lz", "--add", "leader", "--scope", "KQ")
    assert run.code == 2 and "不在单位" in run.err


def test_the_system_account_and_role_are_refused_with_exit_4(
    cli: CliRunner, lite: Scene, password: str
) -> None:
    for args in (
        ("disable", "system"),
        ("passwd", "system"),
        ("roles", "system", "--add", "leader"),
    ):
        run = cli("--db", lite.url, "user", *args)
        assert run.code == 4, args
        assert one_line(run.err) == "system 是程序自动操作使用的系统账号，不能在此修改"
    run = cli("--db", lite.url, *ADD[:-1], "system")
    assert (run.code, one_line(run.err)) == (4, "“系统”角色只属于程序自带的 system 账号，不能授予")


def test_a_database_that_refuses_the_write_is_permission_denied(
    cli: CliRunner, scene: Scene, password: str
) -> None:
    """Who may run ``user`` is who may write the account tables: a read-only SQLite open, or a
    PostgreSQL role with SELECT only, is told so (exit 4), not "database unreachable"."""
    url = make_url(scene.url)
    if url.get_backend_name() == "sqlite":
        readonly = f"sqlite:///file:{url.database}?mode=ro&uri=true"
    else:
        with scene.db.engine.begin() as conn:
            conn.execute(text("CREATE ROLE cli_reader LOGIN"))
            conn.execute(text("GRANT SELECT ON ALL TABLES IN SCHEMA public TO cli_reader"))
        readonly = url.set(username="cli_reader").render_as_string(hide_password=False)
    try:
        assert cli("--db", readonly, "user", "list").code == 0
        run = cli("--db", readonly, *ADD)
        assert run.code == 4, run.err
        assert one_line(run.err).startswith("数据库拒绝写入（")
    finally:
        if url.get_backend_name() != "sqlite":
            with scene.db.engine.begin() as conn:
                conn.execute(text("DROP OWNED BY cli_reader"))
                conn.execute(text("DROP ROLE cli_reader"))


def test_help_says_it_acts_on_the_database_directly(cli: CliRunner) -> None:
    assert "直接作用于 --db 指定的数据库" in cli("user", "--help").out
    helped = cli("--lang", "en", "user", "add", "--help").out
    assert "acts directly on the database named by --db" in helped
    assert "--password" not in helped
