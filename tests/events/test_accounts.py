"""Account administration on both engines: the accounts made here log in through
``events.auth`` exactly as seeded ones do, and every change leaves a ``login_audit`` row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from commandroom.db.engine import Database
from commandroom.db.enums import Role
from commandroom.db.models import LoginAudit, RoleGrant, User
from commandroom.events import accounts
from commandroom.events.accounts import AccountError, WeakPassword, check_password
from commandroom.events.auth import INACTIVE, LOCKED, MAX_FAILURES, LoginFailed, authenticate
from commandroom.events.errors import EXIT_BAD_INPUT, EXIT_PERMISSION, NotFound
from tests.world import World

NOW = datetime(2026, 6, 15, 2, 0, tzinfo=UTC)
PASSWORD = "Lizhu-2026!"
BY = "cli:admin@db-host"


def _add(db: Database, username: str = "wang_lz", **kwargs: object) -> accounts.Account:
    params: dict[str, object] = {
        "name": "王磊",
        "org_ref": "cmd_LZ",
        "roles": [Role.TOWN_DISPATCHER],
        "password": PASSWORD,
        "by": BY,
        "now": NOW,
    }
    params.update(kwargs)
    return accounts.create_account(db, username, **params)  # type: ignore[arg-type]


def _audit(db: Database, username: str) -> list[tuple[bool, str, str | None]]:
    with db.reading() as s:
        rows = s.execute(
            select(LoginAudit.ok, LoginAudit.reason, LoginAudit.host)
            .where(LoginAudit.username == username)
            .order_by(LoginAudit.id)
        ).all()
    return [(r.ok, r.reason, r.host) for r in rows]


def _hash(db: Database, username: str) -> str | None:
    with db.reading() as s:
        return s.scalar(select(User.password_hash).where(User.username == username))


def test_a_new_account_logs_in_with_its_roles_in_its_units_region(
    database: Database, world: World
) -> None:
    made = _add(database, roles=[Role.TOWN_DISPATCHER, Role.TOWN_SUPERVISOR])
    assert (made.username, made.name, made.org_code, made.active) == (
        "wang_lz",
        "王磊",
        "cmd_LZ",
        True,
    )
    op = authenticate(database, "wang_lz", PASSWORD, host="LZ-desk-2", now=NOW)
    assert op.org_id == world.orgs["cmd_LZ"]
    assert [(g.role, g.scope_region_id) for g in op.grants] == [
        (Role.TOWN_DISPATCHER, world.regions["LZ"]),
        (Role.TOWN_SUPERVISOR, world.regions["LZ"]),
    ]
    assert _audit(database, "wang_lz") == [
        (False, accounts.AUDIT_ADD, BY),
        (True, "ok", "LZ-desk-2"),
    ]
    stored = _hash(database, "wang_lz")
    assert stored is not None and stored.startswith("$argon2id$") and PASSWORD not in stored


def test_a_scope_may_narrow_the_units_region_but_never_widen_it(
    database: Database, world: World
) -> None:
    made = _add(database, "zhao_a", roles=[Role.GRID_INSTRUCTOR], scope_ref="LZ-A")
    assert [(g.role, g.scope_code) for g in made.grants] == [(Role.GRID_INSTRUCTOR, "LZ-A")]
    with pytest.raises(AccountError) as info:
        _add(database, "zhao_b", roles=[Role.LEADER], scope_ref="KQ")
    assert info.value.exit_code == EXIT_BAD_INPUT
    assert (
        info.value.message() == "权限范围 柯桥区 不在单位 漓渚镇综合信息指挥室 的辖区（漓渚镇）之内"
    )
    with pytest.raises(AccountError, match="Region nowhere not found"):
        _add(database, "zhao_c", scope_ref="nowhere")


@pytest.mark.parametrize("taken", ["wang_lz", "Wang_LZ"])
def test_a_taken_username_is_refused_whatever_its_case(
    database: Database, world: World, taken: str
) -> None:
    _add(database)
    with pytest.raises(AccountError) as info:
        _add(database, taken, name="王蕾")
    assert info.value.exit_code == EXIT_BAD_INPUT
    assert info.value.message() == f"用户名 {taken} 已被占用（已有账号 wang_lz）"
    assert info.value.message("en") == f"Username {taken} is taken (existing account wang_lz)"


def test_bad_new_accounts_are_refused_before_anything_is_written(
    database: Database, world: World
) -> None:
    cases: list[tuple[dict[str, object], str, int]] = [
        ({"org_ref": "no_such_unit"}, "找不到单位 no_such_unit", EXIT_BAD_INPUT),
        ({"roles": []}, "至少需要一个角色（--role）", EXIT_BAD_INPUT),
        ({"name": "  "}, "姓名不能为空，且不超过 64 个字符", EXIT_BAD_INPUT),
        ({"password": "short1A"}, "密码至少需要 8 个字符", EXIT_BAD_INPUT),
        (
            {"roles": [Role.SYSTEM]},
            "“系统”角色只属于程序自带的 system 账号，不能授予",
            EXIT_PERMISSION,
        ),
    ]
    for kwargs, message, code in cases:
        with pytest.raises(AccountError) as info:
            _add(database, "wang_lz", **kwargs)
        assert (info.value.message(), info.value.exit_code) == (message, code)
    with pytest.raises(AccountError, match="not valid"):
        _add(database, "王磊")
    with database.reading() as s:
        assert s.scalar(select(User.id).where(User.username == "wang_lz")) is None


@pytest.mark.parametrize(
    ("password", "key"),
    [
        ("Ab1!", "password_too_short"),
        ("alllowercase", "password_too_simple"),
        ("lower-and-symbols", "password_too_simple"),
        ("UPPER123456", "password_too_simple"),
        ("x" * 200 + "A1!" + "y" * 100, "password_too_long"),
        ("My-wang_lz-2026", "password_contains_username"),
    ],
)
def test_the_password_rule_names_what_is_missing(password: str, key: str) -> None:
    with pytest.raises(WeakPassword) as info:
        check_password(password, "wang_lz")
    assert info.value.key == key
    assert info.value.exit_code == EXIT_BAD_INPUT


@pytest.mark.parametrize("password", ["Lizhu-2026!", "lizhu2026!", "漓渚镇指挥室abc1", "Passw0rdX"])
def test_passwords_mixing_three_kinds_pass(password: str) -> None:
    check_password(password, "wang_lz")


def test_a_new_password_replaces_the_old_and_clears_a_lockout(
    database: Database, world: World
) -> None:
    _add(database)
    before = _hash(database, "wang_lz")
    for _ in range(MAX_FAILURES):
        with pytest.raises(LoginFailed):
            authenticate(database, "wang_lz", "wrong", now=NOW)
    accounts.set_password(database, "wang_lz", "Brand-new-2026", by=BY, now=NOW)
    assert _hash(database, "wang_lz") != before
    with pytest.raises(LoginFailed):
        authenticate(database, "wang_lz", PASSWORD, now=NOW)
    assert authenticate(database, "wang_lz", "Brand-new-2026", now=NOW).username == "wang_lz"
    assert (False, accounts.AUDIT_PASSWORD, BY) in _audit(database, "wang_lz")
    with pytest.raises(WeakPassword):
        accounts.set_password(database, "wang_lz", "weak", by=BY, now=NOW)


def test_unlock_lets_a_locked_out_operator_in_before_the_lock_runs_out(
    database: Database, world: World
) -> None:
    _add(database)
    for _ in range(MAX_FAILURES):
        with pytest.raises(LoginFailed):
            authenticate(database, "wang_lz", "wrong", now=NOW)
    with pytest.raises(LoginFailed) as info:
        authenticate(database, "wang_lz", PASSWORD, now=NOW + timedelta(minutes=1))
    assert info.value.reason == LOCKED

    assert accounts.unlock(database, "wang_lz", by=BY, now=NOW + timedelta(minutes=2)) is True
    op = authenticate(database, "wang_lz", PASSWORD, now=NOW + timedelta(minutes=3))
    assert op.username == "wang_lz"
    reasons = [reason for _, reason, _ in _audit(database, "wang_lz")]
    assert reasons[-3:] == ["locked", accounts.AUDIT_UNLOCK, "ok"]
    assert accounts.unlock(database, "wang_lz", by=BY, now=NOW) is False  # nothing to clear


def test_a_disabled_account_keeps_its_history_and_is_refused_as_auth_refuses_it(
    database: Database, world: World
) -> None:
    made = _add(database)
    authenticate(database, "wang_lz", PASSWORD, now=NOW)
    assert accounts.set_active(database, "wang_lz", False, by=BY, now=NOW) is True
    assert accounts.set_active(database, "wang_lz", False, by=BY, now=NOW) is False

    with pytest.raises(LoginFailed) as info:
        authenticate(database, "wang_lz", PASSWORD, now=NOW)
    assert info.value.reason == INACTIVE
    assert info.value.message() == "该账号已停用，请联系管理员"
    with pytest.raises(LoginFailed) as info:  # a stranger still learns nothing
        authenticate(database, "wang_lz", "guess", now=NOW)
    assert info.value.message() == "用户名或密码错误"

    kept = accounts.get_account(database, "wang_lz")
    assert (kept.active, kept.grants, kept.last_login) == (False, made.grants, NOW)
    assert accounts.set_active(database, "wang_lz", True, by=BY, now=NOW) is True
    assert authenticate(database, "wang_lz", PASSWORD, now=NOW).username == "wang_lz"
    reasons = [reason for _, reason, _ in _audit(database, "wang_lz")]
    assert accounts.AUDIT_DISABLE in reasons and accounts.AUDIT_ENABLE in reasons


def test_roles_are_granted_and_withdrawn_but_never_the_last(
    database: Database, world: World
) -> None:
    _add(database)
    changed = accounts.change_roles(
        database, "wang_lz", add=[Role.GRID_INSTRUCTOR, Role.TOWN_DISPATCHER], scope_ref="LZ-A"
    )
    assert [(g.role, g.scope_code) for g in changed.grants] == [
        (Role.TOWN_DISPATCHER, "LZ"),
        (Role.GRID_INSTRUCTOR, "LZ-A"),
        (Role.TOWN_DISPATCHER, "LZ-A"),
    ]
    changed = accounts.change_roles(database, "wang_lz", remove=[Role.TOWN_DISPATCHER])
    assert [(g.role, g.scope_code) for g in changed.grants] == [(Role.GRID_INSTRUCTOR, "LZ-A")]
    with pytest.raises(AccountError) as info:
        accounts.change_roles(database, "wang_lz", remove=[Role.GRID_INSTRUCTOR])
    assert info.value.message() == "不能移除用户 wang_lz 的最后一个角色；不再使用的账号请停用"
    with pytest.raises(AccountError) as info:
        accounts.change_roles(database, "wang_lz", remove=[Role.LEADER])
    assert info.value.message("en") == "wang_lz does not hold the role 'leader'"
    assert accounts.get_account(database, "wang_lz").roles() == {Role.GRID_INSTRUCTOR}


def test_the_system_account_is_not_the_administrators(database: Database, world: World) -> None:
    for change in (
        lambda: accounts.set_active(database, "system", False),
        lambda: accounts.set_password(database, "system", PASSWORD),
        lambda: accounts.change_roles(database, "system", add=[Role.LEADER]),
    ):
        with pytest.raises(AccountError) as info:
            change()
        assert info.value.exit_code == EXIT_PERMISSION
    with database.reading() as s:
        assert s.scalar(select(User.active).where(User.username == "system")) is True
        assert s.scalar(select(User.password_hash).where(User.username == "system")) is None
        grants = s.scalars(select(RoleGrant.role).where(RoleGrant.user_id == world.users["system"]))
        assert list(grants) == [Role.SYSTEM]


def test_unknown_accounts_are_not_found(database: Database, world: World) -> None:
    for change in (
        lambda: accounts.unlock(database, "nobody"),
        lambda: accounts.set_active(database, "nobody", True),
        lambda: accounts.get_account(database, "nobody"),
    ):
        with pytest.raises(NotFound, match="User nobody not found"):
            change()


def test_the_list_shows_units_roles_and_last_login_but_no_hash(
    database: Database, world: World
) -> None:
    _add(database)
    authenticate(database, "wang_lz", PASSWORD, now=NOW)
    everyone = accounts.list_accounts(database)
    assert len(everyone) == len(world.users) + 1
    mine = {a.username: a for a in everyone}["wang_lz"]
    assert (mine.org_name, mine.has_password, mine.last_login) == (
        "漓渚镇综合信息指挥室",
        True,
        NOW,
    )
    assert not any("argon2" in repr(a) for a in everyone)
    dispatchers = accounts.list_accounts(database, role=Role.TOWN_DISPATCHER)
    assert [a.username for a in dispatchers] == ["disp_lz", "wang_lz", "disp_ps"]
    assert [a.username for a in accounts.list_accounts(database, org_ref="cmd_PS")] == ["disp_ps"]
