"""Operator accounts: create, re-password, disable, unlock and re-grant, for the administrator.

A real deployment has no demo seed, so accounts must be made and mended somewhere that is
not the GUI (a locked-out administrator cannot log in to unlock themself). These functions
are that place; ``commandroom user`` is their only caller today.

Passwords follow the usual MLPS 2.0 (等保) audit rule rather than a rule of our own: at least
eight characters from at least three of upper case, lower case, digits and other characters
(a Chinese character counts as "other"), and not containing the username. They are hashed
with ``events.auth``'s settings before any transaction opens, because argon2 is slow on
purpose.

Every change is written to ``login_audit`` next to the logins it affects, so one table tells
why an account could or could not log in: ``reason`` is ``admin_<what>``, ``host`` says who
ran it from where, and ``ok`` is false because these rows are never logins (a query for
successful logins stays right without knowing about them).

A disabled account keeps its rows, grants and history; ``events.auth`` refuses it only after
the right password ("this account is disabled"), so strangers still learn nothing from it.
The ``system`` account (automatic steps run under it) is the program's, not the
administrator's: the system role is never granted and its holder is never changed here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from commandroom.db.base import utcnow
from commandroom.db.engine import Database
from commandroom.db.enums import Role
from commandroom.db.models import LoginAudit, Org, Region, RoleGrant, User
from commandroom.events import messages
from commandroom.events.auth import hash_password
from commandroom.events.errors import EXIT_BAD_INPUT, EXIT_PERMISSION, CaseError, NotFound

PASSWORD_MIN_LENGTH = 8
PASSWORD_MIN_CLASSES = 3
PASSWORD_MAX_LENGTH = 256  # argon2 takes any length; this only stops a pasted file
USERNAME_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]{1,63}")
NAME_MAX_LENGTH = 64

# login_audit.reason for the administrator's changes (the column holds 32 characters).
AUDIT_ADD = "admin_add"
AUDIT_PASSWORD = "admin_password"
AUDIT_DISABLE = "admin_disable"
AUDIT_ENABLE = "admin_enable"
AUDIT_UNLOCK = "admin_unlock"
AUDIT_ROLES = "admin_roles"

MESSAGES: dict[str, dict[str, str]] = {
    "account_bad_username": {
        "zh": "用户名“{username}”无效：须以英文字母开头，只含字母、数字、下划线、点或连字符，"
        "长 2–64 个字符",
        "en": "Username '{username}' is not valid: 2–64 characters, starting with a letter, "
        "then letters, digits, '_', '.' or '-'",
    },
    "account_username_taken": {
        "zh": "用户名 {username} 已被占用（已有账号 {existing}）",
        "en": "Username {username} is taken (existing account {existing})",
    },
    "account_bad_name": {
        "zh": "姓名不能为空，且不超过 {max} 个字符",
        "en": "The name must not be empty and at most {max} characters",
    },
    "account_org_not_found": {"zh": "找不到单位 {ref}", "en": "Unit {ref} not found"},
    "account_region_not_found": {"zh": "找不到区域 {ref}", "en": "Region {ref} not found"},
    "account_scope_outside_org": {
        "zh": "权限范围 {scope} 不在单位 {org} 的辖区（{org_region}）之内",
        "en": "Scope {scope} is outside the area of unit {org} ({org_region})",
    },
    "account_no_roles": {
        "zh": "至少需要一个角色（--role）",
        "en": "At least one role is needed (--role)",
    },
    "account_last_role": {
        "zh": "不能移除用户 {username} 的最后一个角色；不再使用的账号请停用",
        "en": "Cannot remove the last role of {username}; disable an account that is no "
        "longer used",
    },
    "account_role_not_held": {
        "zh": "用户 {username} 没有“{role}”角色",
        "en": "{username} does not hold the role '{role}'",
    },
    "account_role_not_held_at": {
        "zh": "用户 {username} 在 {scope} 没有“{role}”角色",
        "en": "{username} does not hold the role '{role}' in {scope}",
    },
    "account_system_role": {
        "zh": "“系统”角色只属于程序自带的 system 账号，不能授予",
        "en": "The system role belongs to the built-in system account and cannot be granted",
    },
    "account_system_account": {
        "zh": "{username} 是程序自动操作使用的系统账号，不能在此修改",
        "en": "{username} is the account automatic steps run under; it cannot be changed here",
    },
    "password_too_short": {
        "zh": "密码至少需要 {min} 个字符",
        "en": "The password must be at least {min} characters long",
    },
    "password_too_long": {
        "zh": "密码不能超过 {max} 个字符",
        "en": "The password must be at most {max} characters long",
    },
    "password_too_simple": {
        "zh": "密码须包含大写字母、小写字母、数字、其他字符四类中的至少 {classes} 类",
        "en": "The password must mix at least {classes} of: upper-case letters, lower-case "
        "letters, digits, other characters",
    },
    "password_contains_username": {
        "zh": "密码不能包含用户名",
        "en": "The password must not contain the username",
    },
    "audit_bad_days": {  # events.audit_retention
        "zh": "保留天数须为 1 到 {max} 之间的整数，而不是 {days}",
        "en": "The days to keep must be a whole number from 1 to {max}, not {days}",
    },
}


class AccountError(CaseError):
    """A refused account change; its words live in this module's ``MESSAGES``."""

    exit_code = EXIT_BAD_INPUT
    key = "account_bad_username"

    def __init__(self, key: str, exit_code: int = EXIT_BAD_INPUT, /, **params: Any) -> None:
        self.exit_code = exit_code
        super().__init__(key, **params)

    def _rendered_params(self, lang: str) -> dict[str, Any]:
        out = super()._rendered_params(lang)
        if "role" in out:
            out["role"] = messages.role_name(str(out["role"]), lang)
        return out

    def message(self, lang: str = messages.DEFAULT_LANG) -> str:
        entry = MESSAGES.get(self.key)
        if entry is None:
            return super().message(lang)
        template = entry.get(lang) or entry[messages.DEFAULT_LANG]
        return template.format(**self._rendered_params(lang))


class WeakPassword(AccountError):
    """The password breaks the rule above; the message says which part."""


def check_password(password: str, username: str) -> None:
    """Refuse a password the audit rule forbids (``WeakPassword``); say nothing otherwise."""
    if len(password) < PASSWORD_MIN_LENGTH:
        raise WeakPassword("password_too_short", min=PASSWORD_MIN_LENGTH)
    if len(password) > PASSWORD_MAX_LENGTH:
        raise WeakPassword("password_too_long", max=PASSWORD_MAX_LENGTH)
    if len({_char_class(ch) for ch in password}) < PASSWORD_MIN_CLASSES:
        raise WeakPassword("password_too_simple", classes=PASSWORD_MIN_CLASSES)
    if len(username) >= 3 and username.casefold() in password.casefold():
        raise WeakPassword("password_contains_username")


def _char_class(ch: str) -> str:
    """ASCII letters and digits are classes of their own; everything else (punctuation,
    汉字, full-width forms) is "other"."""
    if not ch.isascii():
        return "other"
    if ch.isupper():
        return "upper"
    if ch.islower():
        return "lower"
    return "digit" if ch.isdigit() else "other"


def check_username(username: str) -> str:
    if not USERNAME_PATTERN.fullmatch(username):
        raise AccountError("account_bad_username", username=username)
    return username


# --- reading ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountGrant:
    role: Role
    scope_code: str
    scope_name: str


@dataclass(frozen=True)
class Account:
    """An account as the administrator sees it; never the password hash, only whether one
    is set."""

    id: int
    username: str
    name: str
    org_code: str
    org_name: str
    active: bool
    has_password: bool
    failed_logins: int
    locked_until: datetime | None
    last_login: datetime | None
    grants: tuple[AccountGrant, ...]

    def locked(self, now: datetime | None = None) -> bool:
        return self.locked_until is not None and (now or utcnow()) < self.locked_until

    def roles(self) -> frozenset[Role]:
        return frozenset(g.role for g in self.grants)


def list_accounts(
    db: Database, *, org_ref: str | None = None, role: Role | None = None
) -> list[Account]:
    """Every account (disabled ones too), by unit code then username."""
    with db.reading() as session:
        query = select(User.id).join(Org, Org.id == User.org_id)
        if org_ref is not None:
            query = query.where(Org.id == _org(session, org_ref).id)
        if role is not None:
            query = query.where(
                User.id.in_(select(RoleGrant.user_id).where(RoleGrant.role == role))
            )
        ids = list(session.scalars(query.order_by(Org.code, User.username)))
        return _accounts(session, ids)


def get_account(db: Database, username: str) -> Account:
    with db.reading() as session:
        return _accounts(session, [_user(session, username).id])[0]


def _accounts(session: Session, ids: Sequence[int]) -> list[Account]:
    if not ids:
        return []
    grants: dict[int, list[AccountGrant]] = {}
    for user_id, role, code, name in session.execute(
        select(RoleGrant.user_id, RoleGrant.role, Region.code, Region.name)
        .join(Region, Region.id == RoleGrant.scope_region_id)
        .where(RoleGrant.user_id.in_(ids))
        .order_by(RoleGrant.id)
    ):
        grants.setdefault(user_id, []).append(AccountGrant(role, code, name))
    last: dict[int | None, datetime] = {
        user_id: at
        for user_id, at in session.execute(
            select(LoginAudit.user_id, func.max(LoginAudit.at))
            .where(LoginAudit.user_id.in_(ids), LoginAudit.ok.is_(True))
            .group_by(LoginAudit.user_id)
        )
    }
    rows = {
        row.id: row
        for row in session.execute(
            select(
                User.id,
                User.username,
                User.name,
                User.active,
                User.password_hash.is_not(None).label("has_password"),
                User.failed_logins,
                User.locked_until,
                Org.code.label("org_code"),
                Org.name.label("org_name"),
            )
            .join(Org, Org.id == User.org_id)
            .where(User.id.in_(ids))
        )
    }
    return [
        Account(
            id=r.id,
            username=r.username,
            name=r.name,
            org_code=r.org_code,
            org_name=r.org_name,
            active=bool(r.active),
            has_password=bool(r.has_password),
            failed_logins=int(r.failed_logins or 0),
            locked_until=r.locked_until,
            last_login=last.get(r.id),
            grants=tuple(grants.get(r.id, ())),
        )
        for r in (rows[i] for i in ids)
    ]


# --- changing --------------------------------------------------------------------------


def check_new_account(
    db: Database,
    username: str,
    name: str,
    org_ref: str,
    roles: Sequence[Role],
    scope_ref: str | None = None,
) -> tuple[str, str, list[Role]]:
    """Everything about a new account but its password: the CLI asks before prompting for
    one, and ``create_account`` asks before paying for the hash. Returns the cleaned username,
    name and roles."""
    username = check_username(username.strip())
    name = name.strip()
    if not name or len(name) > NAME_MAX_LENGTH:
        raise AccountError("account_bad_name", max=NAME_MAX_LENGTH)
    wanted = _wanted_roles(roles)
    if not wanted:
        raise AccountError("account_no_roles")
    with db.reading() as session:
        _check_free(session, username)
        _scope(session, _org(session, org_ref), scope_ref)
    return username, name, wanted


def create_account(
    db: Database,
    username: str,
    name: str,
    org_ref: str,
    roles: Sequence[Role],
    password: str,
    *,
    scope_ref: str | None = None,
    by: str | None = None,
    now: datetime | None = None,
) -> Account:
    """A new active account with ``roles``, each scoped to ``scope_ref`` (default: the unit's
    own region, which is what every seeded account has)."""
    username, name, wanted = check_new_account(db, username, name, org_ref, roles, scope_ref)
    check_password(password, username)
    password_hash = hash_password(password)
    try:
        with db.writing() as session:
            _check_free(session, username)
            org = _org(session, org_ref)
            scope = _scope(session, org, scope_ref)
            user = User(
                username=username,
                name=name,
                org_id=org.id,
                active=True,
                password_hash=password_hash,
                failed_logins=0,
            )
            session.add(user)
            session.flush()
            for role in wanted:
                session.add(RoleGrant(user_id=user.id, role=role, scope_region_id=scope.id))
            _audit(session, user, AUDIT_ADD, by, now)
            user_id = user.id
    except IntegrityError:  # another administrator took the name in between
        raise AccountError("account_username_taken", username=username, existing=username) from None
    with db.reading() as session:
        return _accounts(session, [user_id])[0]


def set_password(
    db: Database,
    username: str,
    password: str,
    *,
    by: str | None = None,
    now: datetime | None = None,
) -> None:
    """A new password, and the lockout cleared: whoever asked for a reset wants to log in."""
    with db.reading() as session:
        user = _user(session, username)
        _check_editable(session, user)
        stored_name = user.username
    check_password(password, stored_name)
    password_hash = hash_password(password)
    with db.writing() as session:
        user = _user(session, username, lock=True)
        user.password_hash = password_hash
        user.failed_logins = 0
        user.locked_until = None
        _audit(session, user, AUDIT_PASSWORD, by, now)


def set_active(
    db: Database,
    username: str,
    active: bool,
    *,
    by: str | None = None,
    now: datetime | None = None,
) -> bool:
    """Enable or disable; False when the account already was so (nothing written)."""
    with db.writing() as session:
        user = _user(session, username, lock=True)
        _check_editable(session, user)
        if user.active == active:
            return False
        user.active = active
        _audit(session, user, AUDIT_ENABLE if active else AUDIT_DISABLE, by, now)
        return True


def unlock(
    db: Database,
    username: str,
    *,
    by: str | None = None,
    now: datetime | None = None,
) -> bool:
    """Clear the lockout and the failure count; True when the account was locked."""
    moment = now or utcnow()
    with db.writing() as session:
        user = _user(session, username, lock=True)
        was_locked = user.locked_until is not None and moment < user.locked_until
        user.failed_logins = 0
        user.locked_until = None
        _audit(session, user, AUDIT_UNLOCK, by, moment)
        return was_locked


def change_roles(
    db: Database,
    username: str,
    *,
    add: Sequence[Role] = (),
    remove: Sequence[Role] = (),
    scope_ref: str | None = None,
    by: str | None = None,
    now: datetime | None = None,
) -> Account:
    """Grant ``add`` at ``scope_ref`` (default: the unit's region) and withdraw ``remove``
    there (every scope of it when no scope is named). Granting a held role is a no-op; an
    account keeps at least one role."""
    adding, removing = _wanted_roles(add), _wanted_roles(remove)
    with db.writing() as session:
        user = _user(session, username, lock=True)
        _check_editable(session, user)
        org = session.get(Org, user.org_id)
        assert org is not None  # a foreign key
        scope = _scope(session, org, scope_ref)
        held = list(session.scalars(select(RoleGrant).where(RoleGrant.user_id == user.id)))
        for role in removing:
            gone = [
                g
                for g in held
                if g.role == role and (scope_ref is None or g.scope_region_id == scope.id)
            ]
            if not gone and scope_ref is None:
                raise AccountError("account_role_not_held", username=user.username, role=role)
            if not gone:
                raise AccountError(
                    "account_role_not_held_at", username=user.username, role=role, scope=scope.name
                )
            for grant in gone:
                session.delete(grant)
                held.remove(grant)
        for role in adding:
            if not any(g.role == role and g.scope_region_id == scope.id for g in held):
                grant = RoleGrant(user_id=user.id, role=role, scope_region_id=scope.id)
                session.add(grant)
                held.append(grant)
        if not held:
            raise AccountError("account_last_role", username=user.username)
        if adding or removing:
            _audit(session, user, AUDIT_ROLES, by, now)
        session.flush()
        return _accounts(session, [user.id])[0]


# --- helpers ---------------------------------------------------------------------------


def _wanted_roles(roles: Iterable[Role]) -> list[Role]:
    out: list[Role] = []
    for role in roles:
        if role is Role.SYSTEM:
            raise AccountError("account_system_role", EXIT_PERMISSION)
        if role not in out:
            out.append(role)
    return out


def _user(session: Session, username: str, *, lock: bool = False) -> User:
    query = select(User).where(User.username == username.strip())
    if lock:
        query = query.with_for_update()
    user = session.scalars(query).first()
    if user is None:
        raise NotFound("user_not_found", ref=username)
    return user


def _check_free(session: Session, username: str) -> None:
    """Names differing only in case are one name to the people who type them."""
    existing = session.scalars(
        select(User.username).where(func.lower(User.username) == username.lower()).limit(1)
    ).first()
    if existing is not None:
        raise AccountError("account_username_taken", username=username, existing=existing)


def _check_editable(session: Session, user: User) -> None:
    system = session.scalar(
        select(func.count())
        .select_from(RoleGrant)
        .where(RoleGrant.user_id == user.id, RoleGrant.role == Role.SYSTEM)
    )
    if system:
        raise AccountError("account_system_account", EXIT_PERMISSION, username=user.username)


def _org(session: Session, ref: str) -> Org:
    """A unit by code, exact name or numeric id."""
    text = ref.strip()
    query = select(Org).where(or_(Org.code == text, Org.name == text))
    if text.isdigit():
        query = select(Org).where(or_(Org.id == int(text), Org.code == text))
    org = session.scalars(query.order_by(Org.id).limit(1)).first()
    if org is None:
        raise AccountError("account_org_not_found", ref=ref)
    return org


def _scope(session: Session, org: Org, ref: str | None) -> Region:
    """The grant's region: the unit's own, or one inside it (a town-command cadre may be a
    village's grid instructor), never wider (a village cannot hand out a district role)."""
    own = session.get(Region, org.region_id)
    assert own is not None  # a foreign key
    if ref is None:
        return own
    text = ref.strip()
    region = session.scalars(
        select(Region)
        .where(
            or_(Region.code == text, Region.name == text, func.lower(Region.abbr) == text.lower())
        )
        .order_by(Region.id)
        .limit(1)
    ).first()
    if region is None:
        raise AccountError("account_region_not_found", ref=ref)
    step: Region | None = region
    while step is not None:
        if step.id == own.id:
            return region
        step = None if step.parent_id is None else session.get(Region, step.parent_id)
    raise AccountError(
        "account_scope_outside_org", scope=region.name, org=org.name, org_region=own.name
    )


def _audit(session: Session, user: User, reason: str, by: str | None, now: datetime | None) -> None:
    session.add(
        LoginAudit(
            username=user.username[:64],
            user_id=user.id,
            at=now or utcnow(),
            ok=False,
            reason=reason,
            host=None if by is None else by[:128],
        )
    )
