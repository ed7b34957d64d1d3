"""``seed_demo``: the reference world plus a history of events, in one transaction.

``commandroom db seed [--events N] [--days D] [--seed S]`` and ``commandroom demo`` call this.
A database that already has regions is refused (a seed never mixes with real data or with an
earlier seed). Everything is deterministic for a given ``seed`` and ``now``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select

from commandroom.db.base import utcnow
from commandroom.db.engine import Database
from commandroom.db.enums import RegionLevel
from commandroom.db.models import Camera, EventAction, Grid, Region, User
from commandroom.events.demo import history, tasks, workers, world
from commandroom.events.demo.world import DEMO_PASSWORD
from commandroom.events.errors import CaseError

__all__ = ["DEMO_PASSWORD", "SeedReport", "seed_demo"]


@dataclass(frozen=True)
class SeedReport:
    regions: int  # district + towns + villages
    towns: int
    villages: int
    grids: int
    users: int
    cameras: int
    events: int
    actions: int
    clocks: int
    compact_events: int  # older settled events written with one history_import row
    task_lists: int  # 任务派单 over the seeded days, with their feedback
    worker_days: int  # the full-time grid workers' daily figures (online, patrol)
    status_counts: dict[str, int]
    demo_password: str
    logins: dict[str, list[str]]  # role → usernames to log in with (all share the password)
    seed: int
    now: str
    elapsed_s: float


def seed_demo(
    db: Database,
    *,
    seed: int = 7,
    events: int = 1500,
    days: int = 60,
    towns: int | None = None,
    now: datetime | None = None,
) -> SeedReport:
    """Build the demo world (``towns`` first towns, all 16 when None) and its history."""
    if events < 0 or days < 1:
        raise CaseError("validation", details="事件数不能为负，天数至少为 1")
    if towns is not None and not 1 <= towns <= 16:
        raise CaseError("validation", details="镇街数应在 1 到 16 之间")
    started = time.perf_counter()
    moment = (now or utcnow()).astimezone(UTC).replace(microsecond=0)
    with db.reading() as session:
        if session.scalar(select(Region.id).limit(1)) is not None:
            raise CaseError(
                "validation",
                details="数据库中已有区域数据，演示数据只能写入空库（请换一个数据库或先重建）",
            )
    bulk = events >= history.BULK_INDEX_THRESHOLD
    if bulk:
        db.engine.dispose()  # idle pooled connections would keep SQLite in WAL mode
    with db.engine.execution_options(write=True).connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            history.sqlite_bulk_pragmas(conn.connection.driver_connection, True, journal=bulk)
        try:
            with conn.begin():
                from sqlalchemy.orm import Session

                session = Session(bind=conn)
                summary = world.build_world_in(session, towns=towns, seed=seed)
                session.close()
                past = history.generate_history_in(
                    conn, events=events, days=days, seed=seed, now=moment
                )
                task_lists = tasks.generate_tasks_in(conn, days=days, seed=seed, now=moment)
                worker_days = workers.generate_daily_in(conn, days=days, seed=seed, now=moment)
                if conn.dialect.name == "postgresql":
                    world.fix_sequences_in(Session(bind=conn))
        finally:
            if sqlite:
                history.sqlite_bulk_pragmas(conn.connection.driver_connection, False, journal=bulk)
    with db.reading() as session:
        counts = {
            "regions": session.scalar(select(func.count(Region.id))),
            "villages": session.scalar(
                select(func.count(Region.id)).where(Region.level == RegionLevel.VILLAGE)
            ),
            "grids": session.scalar(select(func.count(Grid.id))),
            "users": session.scalar(select(func.count(User.id))),
            "cameras": session.scalar(select(func.count(Camera.id))),
            "actions": session.scalar(select(func.count(EventAction.id))),
        }
    return SeedReport(
        regions=int(counts["regions"] or 0),
        towns=summary.towns,
        villages=int(counts["villages"] or 0),
        grids=int(counts["grids"] or 0),
        users=int(counts["users"] or 0),
        cameras=int(counts["cameras"] or 0),
        events=past.events,
        actions=int(counts["actions"] or 0),
        clocks=past.clocks,
        compact_events=past.compact_events,
        task_lists=task_lists,
        worker_days=worker_days,
        status_counts=past.status_counts,
        demo_password=DEMO_PASSWORD,
        logins=summary.logins,
        seed=seed,
        now=moment.isoformat(),
        elapsed_s=round(time.perf_counter() - started, 3),
    )
