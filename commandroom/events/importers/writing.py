"""Phase two of an import: write the validated records one idempotent report at a time."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from commandroom.events.importers.report import ImportedItem, ImportReport, LineError, failed
from commandroom.events.inputs import ReportInput, TicketInput
from commandroom.events.service import CaseService

# --- writing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """One validated line, ready for ``CaseService.report``."""

    line: int
    ref: str
    key: str
    actor: str
    data: ReportInput
    ticket: TicketInput | None = None
    exists: bool = False  # found in the database during validation


def write_records(
    service: CaseService,
    records: Sequence[Record],
    *,
    still_there: Callable[[Session, Record], bool],
) -> tuple[ImportedItem, ...]:
    """Phase 2: one ``report`` per record, in file order; see the module docstring.

    ``still_there`` answers, after a unique-key collision, whether the record was imported
    by someone else in the meantime (then it counts as skipped).
    """
    items: list[ImportedItem] = []
    created = 0
    for rec in records:
        if rec.exists:
            items.append(ImportedItem(rec.line, rec.ref, "skipped"))
            continue
        try:
            result = service.report(rec.data, rec.actor, key=rec.key, ticket=rec.ticket)
        except IntegrityError as exc:
            with service.db.reading() as session:
                if still_there(session, rec):
                    items.append(ImportedItem(rec.line, rec.ref, "skipped"))
                    continue
            _note_interrupted(exc, rec, created)
            raise
        except Exception as exc:
            _note_interrupted(exc, rec, created)
            raise
        outcome = "skipped" if result.replayed else "created"
        created += outcome == "created"
        items.append(ImportedItem(rec.line, rec.ref, outcome, result.event_code))
    return tuple(items)


def _note_interrupted(exc: BaseException, rec: Record, created: int) -> None:
    exc.add_note(
        f"导入在第 {rec.line} 行中断，此前已写入 {created} 条；修复原因后重新导入同一文件，"
        f"只会补写未完成的记录。 / Import stopped at line {rec.line} after {created} new "
        "records; importing the same file again writes only the missing ones."
    )


def finish(
    service: CaseService,
    path: Path,
    fmt: str,
    encoding: str,
    records: Sequence[Record],
    errors: list[LineError],
    *,
    still_there: Callable[[Session, Record], bool],
) -> ImportReport:
    if errors:
        return failed(path, fmt, encoding, errors)
    items = write_records(service, records, still_there=still_there)
    created = sum(1 for i in items if i.outcome == "created")
    return ImportReport(
        path, fmt, encoding, created=created, skipped=len(items) - created, items=items
    )
