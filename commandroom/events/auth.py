"""Who sits at the station: password login with lockout, and the operator it yields.

Every attempt is written to ``login_audit`` with what really happened, but the person at the
keyboard hears only "wrong username or password" for an unknown account and for a wrong
password alike, so the login box does not tell a stranger which accounts exist. Five failures
in a row lock the account for fifteen minutes; a success resets the count.

The argon2 check is deliberately slow, so it runs between two short transactions rather than
inside one: read the account, verify, then record the outcome in one write transaction that
reads the row again (locked on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite) so two stations
failing at once both count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commandroom.db.base import utcnow
from commandroom.db.engine import Database
from commandroom.db.enums import Role
from commandroom.db.models import LoginAudit, Org, Region, RoleGrant, User
from commandroom.events.deadlines import LOCAL_TZ
from commandroom.events.errors import EXIT_PERMISSION, CaseError, NotFound

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
DEMO_LOGINS_PER_ROLE = 2

# What LoginFailed.reason may be: the only distinctions the operator is told.
BAD_CREDENTIALS = "bad_credentials"
LOCKED = "locked"
INACTIVE = "inactive"

# What login_audit.reason may be: what really happened.
AUDIT_OK = "ok"
AUDIT_UNKNOWN_USER = "unknown_user"
AUDIT_BAD_PASSWORD = "bad_password"
AUDIT_NO_PASSWORD = "no_password"  # an account without a password (e.g. ``system``)
AUDIT_LOCKOUT = "lockout"  # the failure that locked the account
AUDIT_LOCKED = "locked"  # refused because the account was already locked
AUDIT_INACTIVE = "inactive"

# argon2-cffi's defaults (RFC 9106 low-memory profile) for every hash this module writes.
# The demo seed stores one cheap hash for all its accounts (events.demo.world); a successful
# login upgrades that account's hash to these settings, never the other way round.
PASSWORD_HASHER = PasswordHasher()


def hash_password(password: str) -> str:
    return str(PASSWORD_HASHER.hash(password))


@cache
def _decoy_hash() -> str:
    """A hash nobody's password matches: unknown accounts cost the same time as known ones."""
    return hash_password("\x00no such account\x00")


@dataclass(frozen=True)
class OperatorGrant:
    role: Role
    scope_region_id: int
    scope_name: str  # the region's name, e.g. 漓渚镇, for the status bar


@dataclass(frozen=True)
class Operator:
    """The logged-in person as plain data the GUI may hold (no session, no lazy loads)."""

    user_id: int
    username: str
    name: str
    org_id: int
    org_name: str
    grants: tuple[OperatorGrant, ...]

    def roles(self) -> frozenset[Role]:
        return frozenset(g.role for g in self.grants)


class LoginFailed(CaseError):
    """A refused login; ``reason`` is ``bad_credentials``, ``locked`` or ``inactive``."""

    exit_code = EXIT_PERMISSION
    key = "login_bad_credentials"

    def __init__(self, reason: str, locked_until: datetime | None = None) -> None:
        self.reason = reason
        self.locked_until = locked_until
        params: dict[str, Any] = {} if locked_until is None else {"until": locked_until}
        super().__init__(f"login_{reason}", **params)

    def _rendered_params(self, lang: str) -> dict[str, Any]:
        out = super()._rendered_params(lang)
        if self.locked_until is not None:  # a 15-minute lock reads best as a clock time
            out["until"] = self.locked_until.astimezone(LOCAL_TZ).strftime("%H:%M")
        return out


@dataclass(frozen=True)
class _Account:
    user_id: int
    password_hash: str | None
    locked_until: datetime | None


def authenticate(
    db: Database,
    username: str,
    password: str,
    *,
    host: str | None = None,
    now: datetime | None = None,
) -> Operator:
    """The operator for a correct password; ``LoginFailed`` otherwise (audit row committed)."""
    moment = now or utcnow()
    typed = username.strip()
    with db.reading() as session:
        account = _account(session, typed)
    password_ok, new_hash = False, None
    if account is None:
        _verify(_decoy_hash(), password)
    elif account.password_hash is not None and not _is_locked(account.locked_until, moment):
        password_ok = _verify(account.password_hash, password)
        if password_ok and PASSWORD_HASHER.check_needs_rehash(account.password_hash):
            new_hash = hash_password(password)

    failure: LoginFailed | None = None
    operator: Operator | None = None
    with db.writing() as session:
        user = None
        if account is not None:
            user = session.get(User, account.user_id, with_for_update=True)
        if user is None:
            failure, reason = LoginFailed(BAD_CREDENTIALS), AUDIT_UNKNOWN_USER
        else:
            # Judged on the row as it is now: another station may have locked it meanwhile.
            assert account is not None
            unchanged = user.password_hash == account.password_hash
            failure, reason = _record(user, password_ok and unchanged, moment)
            if failure is None:
                if new_hash is not None and unchanged:
                    user.password_hash = new_hash
                operator = _operator(session, user)
        session.add(
            LoginAudit(
                username=typed[:64],
                user_id=None if user is None else user.id,
                at=moment,
                ok=failure is None,
                reason=reason,
                host=None if host is None else host[:128],
            )
        )
    if failure is not None:
        raise failure
    assert operator is not None
    return operator


def _account(session: Session, username: str) -> _Account | None:
    if not username:
        return None
    row = session.execute(
        select(User.id, User.password_hash, User.locked_until).where(User.username == username)
    ).first()
    return None if row is None else _Account(row[0], row[1], row[2])


def _verify(stored: str, password: str) -> bool:
    try:
        return bool(PASSWORD_HASHER.verify(stored, password))
    except (VerificationError, InvalidHashError):
        return False


def _is_locked(locked_until: datetime | None, moment: datetime) -> bool:
    return locked_until is not None and moment < locked_until


def _record(user: User, password_ok: bool, moment: datetime) -> tuple[LoginFailed | None, str]:
    """Apply the lockout policy to the account row; the refusal (if any) and audit reason."""
    if _is_locked(user.locked_until, moment):
        return LoginFailed(LOCKED, user.locked_until), AUDIT_LOCKED
    if not password_ok:
        user.locked_until = None  # an expired lock: counting starts again from zero
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILURES:
            user.failed_logins = 0
            user.locked_until = moment + LOCKOUT
            return LoginFailed(LOCKED, user.locked_until), AUDIT_LOCKOUT
        reason = AUDIT_BAD_PASSWORD if user.password_hash else AUDIT_NO_PASSWORD
        return LoginFailed(BAD_CREDENTIALS), reason
    if not user.active:
        return LoginFailed(INACTIVE), AUDIT_INACTIVE
    user.failed_logins = 0
    user.locked_until = None
    return None, AUDIT_OK


def _operator(session: Session, user: User) -> Operator:
    org_name = session.scalar(select(Org.name).where(Org.id == user.org_id)) or ""
    rows = session.execute(
        select(RoleGrant.role, RoleGrant.scope_region_id, Region.name)
        .join(Region, Region.id == RoleGrant.scope_region_id)
        .where(RoleGrant.user_id == user.id)
        .order_by(RoleGrant.id)
    ).all()
    return Operator(
        user_id=user.id,
        username=user.username,
        name=user.name,
        org_id=user.org_id,
        org_name=org_name,
        grants=tuple(OperatorGrant(role, scope, name) for role, scope, name in rows),
    )


def load_operator(db: Database, username: str) -> Operator:
    """The operator without a password: the trainer's role picker and the wall display.

    Not a login: nothing is audited and the lockout is not consulted. Callers decide when
    that is acceptable (demo databases, read-only wall mode).
    """
    with db.reading() as session:
        user = session.scalars(select(User).where(User.username == username.strip())).first()
        if user is None:
            raise NotFound("user_not_found", ref=username)
        if not user.active:
            raise LoginFailed(INACTIVE)
        return _operator(session, user)


def demo_logins(db: Database) -> list[tuple[str, str, Role]]:
    """(username, name, role): the first active accounts of every role but ``system``.

    Ordered by role as ``Role`` lists them, then by account id, so a seeded demo offers
    漓渚镇's seats first (the seed builds the featured town first).
    """
    ranked = (
        select(
            User.username,
            User.name,
            RoleGrant.role,
            func.row_number()
            .over(partition_by=RoleGrant.role, order_by=(User.id, RoleGrant.id))
            .label("n"),
        )
        .join(RoleGrant, RoleGrant.user_id == User.id)
        .where(User.active.is_(True), RoleGrant.role != Role.SYSTEM)
        .subquery()
    )
    with db.reading() as session:
        rows = session.execute(
            select(ranked.c.username, ranked.c.name, ranked.c.role, ranked.c.n).where(
                ranked.c.n <= DEMO_LOGINS_PER_ROLE
            )
        ).all()
    order = {role: i for i, role in enumerate(Role)}
    rows = sorted(rows, key=lambda r: (order[r.role], r.n))
    return [(r.username, r.name, r.role) for r in rows]
