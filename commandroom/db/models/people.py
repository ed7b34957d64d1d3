"""Who acts: handling units, user accounts and their region-scoped role grants."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from commandroom.db.base import Base, BigId, UtcDateTime, enum_column, intpk, str32, str64, str128
from commandroom.db.enums import OrgKind, Role


class Org(Base):
    __tablename__ = "org"

    id: Mapped[intpk]
    code: Mapped[str64] = mapped_column(unique=True)
    name: Mapped[str128]
    kind: Mapped[OrgKind] = mapped_column(enum_column(OrgKind))
    region_id: Mapped[int] = mapped_column(BigId, ForeignKey("region.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("org.id"))
    duty_phone: Mapped[str | None] = mapped_column(String(32))


class User(Base):
    """An account; ``username`` is what ``--as`` and the login dialog take."""

    __tablename__ = "user_account"

    id: Mapped[intpk]
    username: Mapped[str64] = mapped_column(unique=True)
    name: Mapped[str64]
    phone_masked: Mapped[str | None] = mapped_column(String(32))
    org_id: Mapped[int] = mapped_column(BigId, ForeignKey("org.id"), index=True)
    grid_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("grid.id"))
    full_time: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # Consecutive failed logins since the last success or lockout; at the limit the account
    # is locked until ``locked_until`` (``events.auth`` owns the policy).
    failed_logins: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime())


class RoleGrant(Base):
    """A role held within a region subtree (a town dispatcher's scope is their town)."""

    __tablename__ = "role_grant"
    __table_args__ = (UniqueConstraint("user_id", "role", "scope_region_id"),)

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("user_account.id"), index=True)
    role: Mapped[Role] = mapped_column(enum_column(Role))
    scope_region_id: Mapped[int] = mapped_column(BigId, ForeignKey("region.id"))


class LoginAudit(Base):
    """Every login attempt, kept even when the login fails (the lockout is judged from it).

    ``username`` is what was typed, so attempts on unknown accounts are logged too; ``reason``
    says what really happened (``ok``, ``bad_password``, ``unknown_user``, ``locked`` ...)
    while the operator is only ever told "wrong username or password".
    """

    __tablename__ = "login_audit"
    __table_args__ = (Index("ix_login_audit_username_at", "username", "at"),)

    id: Mapped[intpk]
    username: Mapped[str64]
    user_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    ok: Mapped[bool]
    reason: Mapped[str32]
    host: Mapped[str | None] = mapped_column(String(128))
