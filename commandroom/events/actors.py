"""Loading who acts: a user account with its org and region-scoped role grants."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from commandroom.db.enums import OrgKind, Role
from commandroom.db.models import Org, Region, RoleGrant, User
from commandroom.events.errors import CaseError, NotFound
from commandroom.events.rules import Actor, Grant

SYSTEM_USERNAME = "system"


def load_actor(session: Session, ref: str | int) -> Actor:
    """Find by username (or numeric id) and freeze the grants the rules need."""
    query = select(User)
    if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
        query = query.where(or_(User.id == int(ref), User.username == str(ref)))
    else:
        query = query.where(User.username == ref)
    user = session.scalars(query.limit(1)).first()
    if user is None:
        raise NotFound("user_not_found", ref=ref)
    if not user.active:
        raise CaseError("user_inactive", ref=ref)
    org_kind = session.scalar(select(Org.kind).where(Org.id == user.org_id))
    rows = session.execute(
        select(RoleGrant.role, RoleGrant.scope_region_id, Region.level)
        .join(Region, Region.id == RoleGrant.scope_region_id)
        .where(RoleGrant.user_id == user.id)
        .order_by(RoleGrant.id)
    ).all()
    return Actor(
        user_id=user.id,
        username=user.username,
        name=user.name,
        org_id=user.org_id,
        org_kind=org_kind or OrgKind.VILLAGE,
        grants=tuple(Grant(role, scope, level) for role, scope, level in rows),
    )


def system_actor(session: Session) -> Actor:
    """The account automatic steps (auto-dispatch, SLA sweep, imports) run under."""
    actor = load_actor(session, SYSTEM_USERNAME)
    if Role.SYSTEM not in actor.roles:
        raise CaseError("permission_denied", actor=SYSTEM_USERNAME, action="sla_notify")
    return actor
