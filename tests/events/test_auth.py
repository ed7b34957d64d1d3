"""Login with lockout and audit, on both engines (the small test world, real argon2 hashes)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, update

from commandroom.db.engine import Database
from commandroom.db.enums import Role
from commandroom.db.models import LoginAudit, User
from commandroom.events.auth import (
    LOCKOUT,
    MAX_FAILURES,
    PASSWORD_HASHER,
    LoginFailed,
    Operator,
    authenticate,
    demo_logins,
    load_operator,
)
from commandroom.events.demo.world import password_hash
from commandroom.events.errors import EXIT_PERMISSION, CaseError, NotFound
from tests.world import World

NOW = datetime(2026, 6, 15, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai
PASSWORD = "s3cret-口令"


@pytest.fixture
def accounts(database: Database, world: World) -> World:
    """Every test-world account gets the same cheap demo-style hash (fast to set up)."""
    with database.writing() as s:
        s.execute(update(User).values(password_hash=password_hash(PASSWORD)))
    return world


def _user(db: Database, username: str) -> User:
    with db.reading() as s:
        user = s.scalars(select(User).where(User.username == username)).one()
        s.expunge(user)
        return user


def _audit(db: Database) -> list[tuple[str, int | None, bool, str, str | None]]:
    with db.reading() as s:
        rows = s.execute(
            select(
                LoginAudit.username,
                LoginAudit.user_id,
                LoginAudit.ok,
                LoginAudit.reason,
                LoginAudit.host,
            ).order_by(LoginAudit.id)
        ).all()
    return [(r.username, r.user_id, r.ok, r.reason, r.host) for r in rows]


def _fail(db: Database, username: str, password: str, now: datetime = NOW) -> LoginFailed:
    with pytest.raises(LoginFailed) as info:
        authenticate(db, username, password, host="desk-1", now=now)
    return info.value


def test_right_password_gives_the_operator_with_named_scopes(
    database: Database, accounts: World
) -> None:
    op = authenticate(database, " disp_lz ", PASSWORD, host="LZ-desk-1", now=NOW)
    assert isinstance(op, Operator)
    assert (op.username, op.user_id, op.org_name) == (
        "disp_lz",
        accounts.users["disp_lz"],
        "漓渚镇综合信息指挥室",
    )
    assert op.roles() == frozenset({Role.TOWN_DISPATCHER})
    assert [(g.role, g.scope_region_id, g.scope_name) for g in op.grants] == [
        (Role.TOWN_DISPATCHER, accounts.regions["LZ"], "漓渚镇")
    ]
    assert _audit(database) == [("disp_lz", accounts.users["disp_lz"], True, "ok", "LZ-desk-1")]


def test_a_cheap_hash_is_upgraded_on_success_and_still_verifies(
    database: Database, accounts: World
) -> None:
    before = _user(database, "vop_a").password_hash
    assert before is not None and PASSWORD_HASHER.check_needs_rehash(before)
    authenticate(database, "vop_a", PASSWORD, now=NOW)
    after = _user(database, "vop_a").password_hash
    assert after is not None and after != before
    assert not PASSWORD_HASHER.check_needs_rehash(after)
    assert PasswordHasher().verify(after, PASSWORD)
    authenticate(database, "vop_a", PASSWORD, now=NOW)  # the new hash logs in too


def test_unknown_user_and_wrong_password_read_the_same_but_audit_the_truth(
    database: Database, accounts: World
) -> None:
    wrong = _fail(database, "disp_lz", "guess")
    unknown = _fail(database, "nobody", PASSWORD)
    assert wrong.reason == unknown.reason == "bad_credentials"
    for lang in ("zh", "en"):
        assert wrong.message(lang) == unknown.message(lang)
    assert wrong.message("zh") == "用户名或密码错误"
    assert wrong.exit_code == EXIT_PERMISSION and isinstance(wrong, CaseError)
    assert _audit(database) == [
        ("disp_lz", accounts.users["disp_lz"], False, "bad_password", "desk-1"),
        ("nobody", None, False, "unknown_user", "desk-1"),
    ]
    assert _user(database, "disp_lz").failed_logins == 1


def test_five_failures_lock_the_account_for_fifteen_minutes(
    database: Database, accounts: World
) -> None:
    for n in range(1, MAX_FAILURES):
        err = _fail(database, "disp_lz", f"guess{n}", NOW + timedelta(seconds=n))
        assert err.reason == "bad_credentials"
        assert _user(database, "disp_lz").failed_logins == n
    fifth = NOW + timedelta(seconds=MAX_FAILURES)
    err = _fail(database, "disp_lz", "guess5", fifth)
    assert err.reason == "locked"
    assert err.locked_until == fifth + LOCKOUT == _user(database, "disp_lz").locked_until
    assert err.message("zh") == "连续登录失败次数过多，账号已锁定至 10:15，请稍后再试"
    assert "10:15" in err.message("en")
    assert err.to_dict()["params"]["until"] == (fifth + LOCKOUT).isoformat()

    # Locked: the right password is refused too, and the refusal does not extend the lock.
    err = _fail(database, "disp_lz", PASSWORD, fifth + LOCKOUT - timedelta(seconds=1))
    assert (err.reason, err.locked_until) == ("locked", fifth + LOCKOUT)
    assert _user(database, "disp_lz").locked_until == fifth + LOCKOUT
    reasons = [r[3] for r in _audit(database)]
    assert reasons == ["bad_password"] * (MAX_FAILURES - 1) + ["lockout", "locked"]
    # Another account is not affected.
    authenticate(database, "sup_lz", PASSWORD, now=fifth)


def test_the_lock_lifts_after_fifteen_minutes_and_success_resets_it(
    database: Database, accounts: World
) -> None:
    for n in range(MAX_FAILURES):
        _fail(database, "chief_a", "nope", NOW + timedelta(seconds=n))
    until = _user(database, "chief_a").locked_until
    assert until is not None
    op = authenticate(database, "chief_a", PASSWORD, now=until)
    assert op.username == "chief_a"
    user = _user(database, "chief_a")
    assert (user.failed_logins, user.locked_until) == (0, None)


def test_a_success_resets_the_count_so_failures_must_be_consecutive(
    database: Database, accounts: World
) -> None:
    for _ in range(MAX_FAILURES - 1):
        _fail(database, "gw_a1", "nope")
    authenticate(database, "gw_a1", PASSWORD, now=NOW)
    for _ in range(MAX_FAILURES - 1):
        assert _fail(database, "gw_a1", "nope").reason == "bad_credentials"
    assert _user(database, "gw_a1").locked_until is None


def test_an_expired_lock_gives_a_fresh_count(database: Database, accounts: World) -> None:
    for n in range(MAX_FAILURES):
        _fail(database, "gw_a2", "nope", NOW + timedelta(seconds=n))
    later = NOW + LOCKOUT + timedelta(minutes=1)
    assert _fail(database, "gw_a2", "nope", later).reason == "bad_credentials"
    user = _user(database, "gw_a2")
    assert (user.failed_logins, user.locked_until) == (1, None)


def test_an_inactive_account_is_refused_even_with_the_right_password(
    database: Database, accounts: World
) -> None:
    with database.writing() as s:
        s.execute(update(User).where(User.username == "zf_lz").values(active=False))
    err = _fail(database, "zf_lz", PASSWORD)
    assert err.reason == "inactive"
    assert err.message("en") == "This account is disabled; ask an administrator"
    # Without the password it is just a wrong password: being disabled is not revealed.
    assert _fail(database, "zf_lz", "guess").reason == "bad_credentials"
    assert [r[3] for r in _audit(database)] == ["inactive", "bad_password"]
    with pytest.raises(LoginFailed) as info:
        load_operator(database, "zf_lz")
    assert info.value.reason == "inactive"


def test_an_account_without_a_password_cannot_log_in(database: Database, accounts: World) -> None:
    with database.writing() as s:
        s.execute(update(User).where(User.username == "system").values(password_hash=None))
    assert _fail(database, "system", "").reason == "bad_credentials"
    assert _audit(database)[-1][3] == "no_password"


def test_load_operator_needs_no_password_and_writes_nothing(
    database: Database, accounts: World
) -> None:
    op = load_operator(database, "center")
    assert op.roles() == frozenset({Role.DISTRICT_CENTER})
    assert op.grants[0].scope_name == "柯桥区"
    assert _audit(database) == []
    with pytest.raises(NotFound):
        load_operator(database, "nobody")


def test_demo_logins_offer_the_first_accounts_of_every_role(
    database: Database, accounts: World
) -> None:
    logins = demo_logins(database)
    roles = [role for _, _, role in logins]
    assert Role.SYSTEM not in roles
    assert roles == sorted(roles, key=list(Role).index)
    assert [u for u, _, r in logins if r is Role.GRID_WORKER] == ["gw_a1", "gw_a2"]
    assert [u for u, _, r in logins if r is Role.TOWN_DISPATCHER] == ["disp_lz", "disp_ps"]
    assert [u for u, _, r in logins if r is Role.AGENCY_HANDLER] == ["police_lz", "zf_lz"]
    assert {r for _, _, r in logins} == set(Role) - {Role.SYSTEM, Role.GRID_POLICE}  # none here
