"""login_audit retention on both engines: old rows go, except the ones a lockout in force is
explained by and each account's latest login; a dry run counts the same rows and deletes
none; stations prune at most once a day between them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from commandroom.db.engine import Database
from commandroom.db.enums import Role
from commandroom.db.models import DatabaseMeta, LoginAudit, User
from commandroom.events import accounts, audit_retention
from commandroom.events.accounts import AccountError
from commandroom.events.auth import MAX_FAILURES, LoginFailed, authenticate
from tests.world import World

NOW = datetime(2026, 6, 15, 2, 0, tzinfo=UTC)
OLD = NOW - timedelta(days=400)
PASSWORD = "Lizhu-2026!"


def _add(db: Database, username: str) -> None:
    accounts.create_account(
        db,
        username,
        "王磊",
        "cmd_LZ",
        [Role.TOWN_DISPATCHER],
        PASSWORD,
        by="cli:admin@db-host",
        now=OLD,
    )


def _fail(db: Database, username: str, at: datetime, times: int = 1) -> None:
    for i in range(times):
        with pytest.raises(LoginFailed):
            authenticate(db, username, "wrong-password", now=at + timedelta(seconds=i))


def _rows(db: Database) -> list[tuple[str, datetime, bool, str]]:
    with db.reading() as s:
        rows = s.execute(
            select(LoginAudit.username, LoginAudit.at, LoginAudit.ok, LoginAudit.reason).order_by(
                LoginAudit.id
            )
        ).all()
    return [(r.username, r.at, r.ok, r.reason) for r in rows]


def _history(db: Database) -> None:
    """Three accounts with 400-day-old histories and a stranger's old attempts.

    wang_lz logged in twice long ago; li_lz failed three times long ago and twice just now,
    so it is locked now by a streak that reaches back 390 days; zhao_lz was locked long ago
    and the lock ran out.
    """
    for name in ("wang_lz", "li_lz", "zhao_lz"):
        _add(db, name)
        authenticate(db, name, PASSWORD, now=OLD + timedelta(hours=1))
    authenticate(db, "wang_lz", PASSWORD, now=OLD + timedelta(hours=2))
    _fail(db, "li_lz", OLD + timedelta(days=10), 3)
    _fail(db, "li_lz", NOW - timedelta(minutes=1), MAX_FAILURES - 3)
    _fail(db, "zhao_lz", OLD + timedelta(days=10), MAX_FAILURES)
    _fail(db, "nobody", OLD + timedelta(days=20), 2)
    _fail(db, "wang_lz", NOW - timedelta(days=3))  # recent: never touched
    with db.reading() as s:
        locked = dict(s.execute(select(User.username, User.locked_until)).all())
    assert locked["li_lz"] is not None and locked["li_lz"] > NOW
    assert locked["zhao_lz"] is not None and locked["zhao_lz"] < NOW


def test_old_rows_go_but_a_current_lockout_keeps_its_streak(
    database: Database, world: World
) -> None:
    _history(database)
    before = _rows(database)
    cutoff = NOW - timedelta(days=audit_retention.AUDIT_KEEP_DAYS)
    old = [r for r in before if r[1] < cutoff]
    streak = [r for r in old if r[0] == "li_lz" and r[3] == "bad_password"]
    last_logins = [
        ("wang_lz", OLD + timedelta(hours=2), True, "ok"),
        ("li_lz", OLD + timedelta(hours=1), True, "ok"),
        ("zhao_lz", OLD + timedelta(hours=1), True, "ok"),
    ]
    assert len(streak) == 3

    dry = audit_retention.prune_audit(database, dry_run=True, now=NOW)
    assert _rows(database) == before  # a dry run deletes nothing
    assert (dry.kept_lockout, dry.kept_last_login, dry.dry_run) == (3, 3, True)
    assert dry.deleted == len(old) - 6 > 0
    assert dry.cutoff == cutoff

    done = audit_retention.prune_audit(database, now=NOW)
    assert (done.deleted, done.kept_lockout, done.kept_last_login) == (dry.deleted, 3, 3)
    assert not done.dry_run
    after = _rows(database)
    assert [r for r in after if r[1] >= cutoff] == [r for r in before if r[1] >= cutoff]
    assert sorted(r for r in after if r[1] < cutoff) == sorted(streak + last_logins)

    # The lock is lifted: its streak is an ordinary old row now and goes next time.
    accounts.unlock(database, "li_lz", by="cli:admin@db-host", now=NOW)
    again = audit_retention.prune_audit(database, now=NOW)
    assert (again.deleted, again.kept_lockout, again.kept_last_login) == (3, 0, 3)
    assert sorted(r for r in _rows(database) if r[1] < cutoff) == sorted(last_logins)


def test_a_newer_login_releases_the_old_one_and_days_are_checked(
    database: Database, world: World
) -> None:
    _add(database, "wang_lz")
    authenticate(database, "wang_lz", PASSWORD, now=OLD + timedelta(hours=1))
    authenticate(database, "wang_lz", PASSWORD, now=NOW - timedelta(days=1))
    report = audit_retention.prune_audit(database, days=30, now=NOW)
    assert (report.deleted, report.kept_last_login) == (2, 0)  # the add and the old login
    assert [r[3] for r in _rows(database)] == ["ok"]
    for bad in (0, -5, audit_retention.AUDIT_MAX_DAYS + 1):
        with pytest.raises(AccountError) as refused:
            audit_retention.prune_audit(database, days=bad, now=NOW)
        assert "保留天数" in refused.value.message("zh")
        assert "days to keep" in refused.value.message("en")


def test_stations_prune_at_most_once_a_day(database: Database, world: World) -> None:
    _history(database)
    first = audit_retention.prune_audit_if_due(database, now=NOW)
    assert first is not None and first.deleted > 0
    assert audit_retention.prune_audit_if_due(database, now=NOW + timedelta(hours=23)) is None
    later = audit_retention.prune_audit_if_due(database, now=NOW + timedelta(hours=25))
    assert later is not None  # li_lz's lock ran out meanwhile: its old streak goes now
    assert (later.deleted, later.kept_lockout, later.kept_last_login) == (3, 0, 3)
    with database.reading() as s:
        mark = s.get(DatabaseMeta, audit_retention.AUDIT_PRUNED_KEY)
        assert mark is not None
        assert datetime.fromisoformat(mark.value) == NOW + timedelta(hours=25)


def test_a_station_start_prunes_on_its_own_thread(db_url: str) -> None:
    db = Database.open(db_url)
    try:
        with db.writing() as s:
            s.add(
                LoginAudit(
                    username="nobody",
                    at=datetime.now(UTC) - timedelta(days=400),
                    ok=False,
                    reason="unknown_user",
                )
            )
        audit_retention.start_audit_retention(db_url, delay_s=0).join(timeout=60)
        with db.reading() as s:
            assert s.scalar(select(LoginAudit.id)) is None
            assert s.get(DatabaseMeta, audit_retention.AUDIT_PRUNED_KEY) is not None
    finally:
        db.dispose()
