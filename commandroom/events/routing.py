"""自动化派单: category + level + place (+ source) → the handling unit, by dispatch rules.

The most specific rule active at the moment wins, so a town can override the district
default for one category without touching anyone else's routing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from commandroom.db.enums import OrgKind, RegionLevel, Source
from commandroom.db.models import DispatchRule, Org, Region


def _specificity(rule: DispatchRule) -> tuple[int, int]:
    score = (rule.category_id is not None) * 4 + (rule.town_id is not None) * 2
    score += rule.source is not None
    return (score, rule.priority)


def _org_for_rule(
    session: Session, rule: DispatchRule, town_id: int, village_id: int | None
) -> int | None:
    if rule.target_org_id is not None:
        return rule.target_org_id
    if rule.target_org_kind is None:
        return None
    kind = rule.target_org_kind
    if kind is OrgKind.VILLAGE:
        region_id: int | None = village_id
    elif kind in (OrgKind.DISTRICT_DEPT, OrgKind.DISTRICT_CENTER):
        region_id = session.scalar(
            select(Region.parent_id).where(Region.id == town_id, Region.level == RegionLevel.TOWN)
        )
    else:
        region_id = town_id
    if region_id is None:
        return None
    query = select(Org.id).where(Org.kind == kind, Org.region_id == region_id)
    if rule.target_org_name_suffix:
        query = query.where(Org.name.endswith(rule.target_org_name_suffix))
    return session.scalars(query.order_by(Org.id).limit(1)).first()


def route(
    session: Session,
    *,
    category_id: int,
    category_l1_id: int,
    level: int,
    town_id: int,
    village_id: int | None,
    source: Source,
    at: datetime,
) -> int | None:
    """The org a new event goes to, or None when a person must decide."""
    rules = session.scalars(
        select(DispatchRule).where(
            DispatchRule.level == level,
            DispatchRule.active_from <= at,
            or_(DispatchRule.active_to.is_(None), DispatchRule.active_to > at),
            or_(
                DispatchRule.category_id.is_(None),
                DispatchRule.category_id.in_((category_id, category_l1_id)),
            ),
            or_(DispatchRule.town_id.is_(None), DispatchRule.town_id == town_id),
            or_(DispatchRule.source.is_(None), DispatchRule.source == source),
        )
    ).all()

    def key(rule: DispatchRule) -> tuple[int, int, int]:
        spec, prio = _specificity(rule)
        exact_category = int(rule.category_id == category_id)
        return (spec, exact_category, prio)

    for rule in sorted(rules, key=key, reverse=True):
        org_id = _org_for_rule(session, rule, town_id, village_id)
        if org_id is not None:
            return org_id
    return None
