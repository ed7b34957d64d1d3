"""Demo daily figures of the full-time grid workers (在线时长, 巡查里程), as the app exports them.

DOMAIN's demo rows: online 180–420 minutes a day, patrol 1.5–8 km, about 15 % of days below
the ≥ 4 h / ≥ 3 km thresholds. Each worker has a steadiness of their own, so the month's
figures separate the diligent from the few who fall short, as real ones do; a few days have
no row at all (a day off, the phone off). Plain inserts inside the seed's transaction.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import Connection, insert, select

from commandroom.db.enums import Role
from commandroom.db.models import GridWorkerDaily, RoleGrant, User
from commandroom.events.periods import local_today

DAY_OFF = 0.03


def generate_daily_in(conn: Connection, *, days: int, seed: int, now: datetime) -> int:
    """One row per full-time grid worker and day, before today; how many were written."""
    rng = random.Random(seed * 104_729 + 3)
    workers = list(
        conn.scalars(
            select(User.id)
            .join(RoleGrant, RoleGrant.user_id == User.id)
            .where(
                RoleGrant.role == Role.GRID_WORKER,
                User.full_time.is_(True),
                User.active.is_(True),
            )
            .order_by(User.id)
        )
    )
    today = local_today(now)
    first = today - timedelta(days=days)
    rows: list[dict[str, object]] = []
    written = 0
    for user_id in workers:
        steady = min(1.35, max(0.6, rng.gauss(1.0, 0.10)))
        for offset in range((today - first).days):
            if rng.random() < DAY_OFF:
                continue
            online = rng.gauss(305 * steady, 45)
            patrol = rng.gauss(4800 * steady, 1150)
            rows.append(
                {
                    "user_id": user_id,
                    "day": first + timedelta(days=offset),
                    "online_minutes": int(min(600, max(20, online))),
                    "patrol_meters": int(min(12_000, max(300, patrol))),
                }
            )
            if len(rows) >= 5000:
                conn.execute(insert(GridWorkerDaily), rows)
                written += len(rows)
                rows = []
    if rows:
        conn.execute(insert(GridWorkerDaily), rows)
        written += len(rows)
    return written
