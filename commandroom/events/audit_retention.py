"""How long ``login_audit`` keeps its rows, and the pruning that keeps it so.

Every login attempt and every administrator's change to an account is a row (``events.auth``,
``events.accounts``); without a limit the table only grows. The rule and its exceptions are
in ``prune_audit``; ``commandroom user prune-audit`` runs it by hand, and a dispatch station
runs it at most once a day across stations (``start_audit_retention``).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.engine import CursorResult, Result
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from commandroom.db.base import utcnow
from commandroom.db.engine import Database
from commandroom.db.models import DatabaseMeta, LoginAudit, User
from commandroom.events.accounts import AUDIT_PASSWORD, AUDIT_UNLOCK, AccountError
from commandroom.events.errors import CaseError

# Six months: the Cybersecurity Law (网络安全法, art. 21) has operators keep network logs "不少于
# 六个月", and MLPS 2.0 (等保) assessors check audit records the same way, usually written as
# "日志留存不少于180天". DOMAIN.md and DESIGN.md set no figure of their own. A unit bound to
# keep more (an internal rule, an open investigation) passes a larger ``--days``.
AUDIT_KEEP_DAYS = 180
AUDIT_MAX_DAYS = 36_500
AUDIT_PRUNE_EVERY = timedelta(days=1)
AUDIT_PRUNED_KEY = "login_audit_pruned_at"  # database_meta: when a station last pruned
AUDIT_PRUNE_BATCH = 5000
# Rows after which a failure streak starts again from zero (see ``events.auth._record``).
_STREAK_RESETS = (AUDIT_PASSWORD, AUDIT_UNLOCK)

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AuditPruneReport:
    """What a prune removed (or, dry, would remove) and what it kept although old."""

    cutoff: datetime
    deleted: int  # rows older than the cutoff that went (would go, on a dry run)
    kept_lockout: int  # older rows kept because they explain a lockout still in force
    kept_last_login: int  # older rows kept as an account's latest successful login
    dry_run: bool


def check_audit_days(days: int) -> int:
    if not 1 <= days <= AUDIT_MAX_DAYS:
        raise AccountError("audit_bad_days", days=days, max=AUDIT_MAX_DAYS)
    return days


def prune_audit(
    db: Database,
    *,
    days: int = AUDIT_KEEP_DAYS,
    dry_run: bool = False,
    now: datetime | None = None,
) -> AuditPruneReport:
    """Delete ``login_audit`` rows older than ``days``, except the ones still needed.

    Two kinds of old row stay. (1) The rows that explain a lockout in force: an account
    locks after five failures in a row with no time limit between them, so the streak can
    reach back past any cutoff, and whoever is asked "why can't I log in?" must still see
    it; they are the account's rows since its last successful login, unlock or password
    reset. (2) Each account's latest successful login, which ``user list`` shows as "last
    login": an account unused for a year should say when, not "never".

    Deletes in batches of ``AUDIT_PRUNE_BATCH`` ids, one short transaction each, so logins
    on other stations never wait long for the table. The locked accounts are read again in
    every batch: a lockout that starts while the prune runs keeps its rows too.
    """
    days = check_audit_days(days)
    moment = now or utcnow()
    cutoff = moment - timedelta(days=days)
    with db.reading() as session:
        last_logins = _last_login_ids(session, cutoff)
        if dry_run:
            lockout = _lockout_ids(session, cutoff, moment)
            old = int(
                session.scalar(select(func.count(LoginAudit.id)).where(LoginAudit.at < cutoff)) or 0
            )
            kept_login = len(last_logins - lockout)
            return AuditPruneReport(
                cutoff, old - len(lockout) - kept_login, len(lockout), kept_login, True
            )
    deleted = 0
    kept_lockout: set[int] = set()
    after = 0
    while True:
        with db.writing() as session:
            ids = list(
                session.scalars(
                    select(LoginAudit.id)
                    .where(LoginAudit.at < cutoff, LoginAudit.id > after)
                    .order_by(LoginAudit.id)
                    .limit(AUDIT_PRUNE_BATCH)
                )
            )
            if not ids:
                break
            lo, hi = ids[0], ids[-1]
            lockout = _lockout_ids(session, cutoff, moment)
            kept_lockout |= {i for i in lockout if lo <= i <= hi}
            keep = [i for i in ids if i in lockout or i in last_logins]
            query = delete(LoginAudit).where(
                LoginAudit.at < cutoff, LoginAudit.id >= lo, LoginAudit.id <= hi
            )
            if keep:
                query = query.where(LoginAudit.id.not_in(keep))
            deleted += _rowcount(session.execute(query))
            after = hi
    return AuditPruneReport(
        cutoff, deleted, len(kept_lockout), len(last_logins - kept_lockout), False
    )


def _rowcount(result: Result[Any]) -> int:
    """Rows a DELETE or UPDATE touched (execute() is typed as returning any Result)."""
    return int(cast("CursorResult[Any]", result).rowcount or 0)


def _last_login_ids(session: Session, cutoff: datetime) -> set[int]:
    """Ids of old rows that are still an account's latest successful login."""
    latest = (
        select(LoginAudit.user_id, func.max(LoginAudit.at).label("at"))
        .where(LoginAudit.ok.is_(True), LoginAudit.user_id.is_not(None))
        .group_by(LoginAudit.user_id)
        .subquery()
    )
    rows = session.execute(
        select(func.max(LoginAudit.id))
        .join(latest, (latest.c.user_id == LoginAudit.user_id) & (latest.c.at == LoginAudit.at))
        .where(LoginAudit.ok.is_(True), LoginAudit.at < cutoff)
        .group_by(LoginAudit.user_id)
    )
    return {int(r[0]) for r in rows}


def _lockout_ids(session: Session, cutoff: datetime, moment: datetime) -> set[int]:
    """Ids of old rows of accounts locked now, since each one's last reset of the streak."""
    out: set[int] = set()
    for user_id in session.scalars(select(User.id).where(User.locked_until > moment)):
        reset = session.scalar(
            select(func.max(LoginAudit.at)).where(
                LoginAudit.user_id == user_id,
                or_(LoginAudit.ok.is_(True), LoginAudit.reason.in_(_STREAK_RESETS)),
            )
        )
        query = select(LoginAudit.id).where(LoginAudit.user_id == user_id, LoginAudit.at < cutoff)
        if reset is not None:
            query = query.where(LoginAudit.at > reset)
        out.update(session.scalars(query))
    return out


def prune_audit_if_due(
    db: Database, *, days: int = AUDIT_KEEP_DAYS, now: datetime | None = None
) -> AuditPruneReport | None:
    """``prune_audit`` at most once per ``AUDIT_PRUNE_EVERY`` across every station.

    Stations start many times a day and several at once; the first to move the
    ``database_meta`` mark forward (a conditional update, so only one wins) prunes, the
    others return None at the cost of one small read.
    """
    moment = now or utcnow()
    with db.reading() as session:
        mark = session.get(DatabaseMeta, AUDIT_PRUNED_KEY)
        seen = None if mark is None else mark.value
    if seen is not None:
        try:
            last = datetime.fromisoformat(seen)
        except ValueError:
            last = None
        if last is not None and moment - last < AUDIT_PRUNE_EVERY:
            return None
    stamp = moment.isoformat()
    try:
        with db.writing() as session:
            if seen is None:
                session.add(DatabaseMeta(key=AUDIT_PRUNED_KEY, value=stamp))
                session.flush()
            else:
                won = _rowcount(
                    session.execute(
                        update(DatabaseMeta)
                        .where(DatabaseMeta.key == AUDIT_PRUNED_KEY, DatabaseMeta.value == seen)
                        .values(value=stamp)
                    )
                )
                if not won:
                    return None
    except IntegrityError:  # another station inserted the mark first: it prunes
        return None
    return prune_audit(db, days=days, now=moment)


AUDIT_PRUNE_DELAY_S = 30.0


def start_audit_retention(
    url: str, *, days: int = AUDIT_KEEP_DAYS, delay_s: float = AUDIT_PRUNE_DELAY_S
) -> threading.Thread:
    """Run ``prune_audit_if_due`` on a daemon thread with its own connection.

    For a station's start: the window never waits for it, and a database that refuses the
    delete (a read-only account, an outage) costs a log line, not the station. It waits
    ``delay_s`` first, so its Python work never competes with the window's start-up for
    the GIL; a station closed sooner simply leaves the prune to the next start.
    """

    def work() -> None:
        time.sleep(max(0.0, delay_s))
        try:
            db = Database.open(url)
        except (SQLAlchemyError, ValueError) as exc:
            _log.warning("login_audit retention skipped: %s", exc)
            return
        try:
            report = prune_audit_if_due(db, days=days)
            if report is not None:
                _log.info("login_audit retention: %s", report)
        except (SQLAlchemyError, CaseError) as exc:
            _log.warning("login_audit retention failed: %s", exc)
        finally:
            db.dispose()

    thread = threading.Thread(target=work, name="audit-retention", daemon=True)
    thread.start()
    return thread
