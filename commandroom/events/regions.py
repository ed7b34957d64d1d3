"""Regions as people name them, and everything under one region.

The station config and the camera registry both take a region "by code or name" and both
mean "this region and below" by a region; each words its own refusals.
"""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from commandroom.db.models import Region


def matching(session: Session, ref: str) -> list[Region]:
    """The region whose code is ``ref``; else those so named (or, for towns, so
    abbreviated), by code. More than one means the name is ambiguous."""
    text = ref.strip()
    by_code = session.scalars(select(Region).where(Region.code == text)).first()
    if by_code is not None:
        return [by_code]
    return list(
        session.scalars(
            select(Region)
            .where(or_(Region.name == text, func.lower(Region.abbr) == text.lower()))
            .order_by(Region.code)
        )
    )


def subtree(session: Session, region_id: int) -> set[int]:
    """``region_id`` and the ids of every region under it."""
    found = {region_id}
    frontier = [region_id]
    while frontier:
        frontier = [
            int(r)
            for r in session.scalars(select(Region.id).where(Region.parent_id.in_(frontier)))
            if r not in found
        ]
        found.update(frontier)
    return found
