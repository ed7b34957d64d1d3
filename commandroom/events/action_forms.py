"""The actions an operator may take on a case right now, each with the fields it needs.

``forms_for`` asks ``rules.allowed_actions`` (the same table the service checks) and describes
each allowed action as a form: which fields, which are required, the reason codes and target
units to choose from. The required flags mirror what ``transitions`` refuses, so a form that
passes its own check is refused by the service only for reasons a form cannot know (a
conflict, a lock, a deadline that passed meanwhile). ``run_action`` maps a filled form to the
one ``CaseService`` method that performs it.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from commandroom.db.enums import (
    Action,
    AttachmentKind,
    AttachmentPhase,
    RegionLevel,
    RequestKind,
    RequestStatus,
    ResultType,
    Source,
    SupervisionKind,
)
from commandroom.db.models import (
    Category,
    Event,
    EventAttachment,
    ExtensionRequest,
    Grid,
    Org,
    Region,
)
from commandroom.events import routing, rules
from commandroom.events.inputs import ActionResult, AttachmentInput
from commandroom.events.pipeline import facts_of
from commandroom.events.service import CaseService

__all__ = [
    "NOT_OFFERED",
    "ActionForm",
    "Choice",
    "FieldKind",
    "FieldSpec",
    "forms_for",
    "missing_fields",
    "run_action",
]

# Never offered as a form: done by the system, or by the lock bar rather than a form.
NOT_OFFERED = frozenset({Action.SLA_NOTIFY, Action.HISTORY_IMPORT, Action.BREAK_LOCK})


class FieldKind(StrEnum):
    TEXT = "text"
    REASON = "reason"  # a reason code from a fixed list
    ORG = "org"  # a handling unit (value: org id as text)
    PHOTOS = "photos"  # files (AttachmentInput or paths)
    EVENT = "event"  # another event (code or id): the duplicate-of search
    INT = "int"
    DATE = "date"
    CHOICE = "choice"


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class FieldSpec:
    """One input of a form. ``errors`` names the service's field keys reported against it
    (``ValidationError.fields``), so a refusal can be shown beside the right input."""

    name: str
    required: bool
    kind: FieldKind
    choices: tuple[Choice, ...] = ()
    default: str | None = None
    multiline: bool = False
    errors: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None


@dataclass(frozen=True)
class ActionForm:
    action: Action
    fields: tuple[FieldSpec, ...]

    def field(self, name: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.name == name), None)

    def field_for_error(self, service_field: str) -> str | None:
        """The form field a service ``ValidationError`` key belongs to."""
        for spec in self.fields:
            if service_field == spec.name or service_field in spec.errors:
                return spec.name
        return None


def _note(required: bool, *, multiline: bool = True) -> FieldSpec:
    # The service reports a missing note as "reason" (escalate, reject …) or "note" (comment).
    return FieldSpec("note", required, FieldKind.TEXT, multiline=multiline, errors=("reason",))


def _reasons(values: Sequence[str], extra_errors: tuple[str, ...] = ()) -> FieldSpec:
    return FieldSpec(
        "reason_code",
        True,
        FieldKind.REASON,
        tuple(Choice(v, v) for v in values),
        errors=extra_errors,
    )


def _org_choices(session: Session, event: Event, level: int) -> tuple[Choice, ...]:
    """Units that may hold a case of ``level`` at the event's place (``transitions.resolve_org``
    applies the same two tests: the org kind fits the level, and its region covers the place)."""
    kinds = tuple(rules.ORG_KINDS_FOR_LEVEL.get(level, frozenset()))
    if not kinds:
        return ()
    places = [event.town_id] + ([event.village_id] if event.village_id is not None else [])
    rows = session.execute(
        select(Org.id, Org.name)
        .join(Region, Region.id == Org.region_id)
        .where(
            Org.kind.in_(kinds),
            or_(Region.level == RegionLevel.DISTRICT, Org.region_id.in_(places)),
        )
        .order_by(Org.kind, Org.name, Org.id)
    ).all()
    return tuple(Choice(str(r.id), r.name) for r in rows)


def _routed(session: Session, event: Event, level: int, now: datetime) -> int | None:
    return routing.route(
        session,
        category_id=event.category_id,
        category_l1_id=event.category_l1_id,
        level=level,
        town_id=event.town_id,
        village_id=event.village_id,
        source=event.source,
        at=now,
    )


def _target_org(session: Session, event: Event, level: int, now: datetime) -> FieldSpec:
    """Defaults to the unit the dispatch rules pick; required when no rule picks one and the
    service has no fallback (levels 1–2: it falls back to the command seat from level 3)."""
    choices = _org_choices(session, event, level)
    routed = _routed(session, event, level, now)
    default = str(routed) if routed is not None else None
    if default is not None and all(c.value != default for c in choices):
        default = None
    required = default is None and level < 3
    return FieldSpec(
        "target_org", required, FieldKind.ORG, choices, default, errors=("target_org", "level")
    )


def _pending(session: Session, event: Event, kind: RequestKind) -> ExtensionRequest | None:
    return session.scalars(
        select(ExtensionRequest)
        .where(
            ExtensionRequest.event_id == event.id,
            ExtensionRequest.kind == kind,
            ExtensionRequest.status == RequestStatus.PENDING,
        )
        .order_by(ExtensionRequest.id.desc())
        .limit(1)
    ).first()


def _has_after_photo(session: Session, event: Event) -> bool:
    count = session.scalar(
        select(func.count(EventAttachment.id)).where(
            EventAttachment.event_id == event.id, EventAttachment.phase == AttachmentPhase.AFTER
        )
    )
    return bool(count)


def _classify_fields(session: Session, actor: rules.Actor, event: Event) -> tuple[FieldSpec, ...]:
    def entitled(level: int, town_id: int, village_id: int | None) -> bool:
        facts = rules.EventFacts(event.status, level, town_id, village_id)
        return actor.best_role(Action.CLASSIFY, facts) is not None

    levels = tuple(
        Choice(str(n), str(n)) for n in (1, 2, 3, 4) if entitled(n, event.town_id, event.village_id)
    )
    cats = session.execute(
        select(Category.code, Category.name_zh, Category.parent_id)
        .where(Category.active.is_(True), Category.parent_id.is_not(None))
        .order_by(Category.parent_id, Category.sort, Category.code)
    ).all()
    parents = dict(
        session.execute(
            select(Category.id, Category.name_zh).where(Category.parent_id.is_(None))
        ).all()
    )
    grids = session.execute(
        select(Grid.code, Grid.name, Region.name.label("village"), Grid.village_id)
        .join(Region, Region.id == Grid.village_id)
        .where(Region.parent_id == event.town_id)
        .order_by(Region.name, Grid.code)
    ).all()
    return (
        FieldSpec(
            "category",
            False,
            FieldKind.CHOICE,
            tuple(Choice(c.code, f"{parents.get(c.parent_id, '')}/{c.name_zh}") for c in cats),
        ),
        FieldSpec("level", False, FieldKind.CHOICE, levels, str(event.level)),
        FieldSpec(
            "grid",
            False,
            FieldKind.CHOICE,
            tuple(
                Choice(g.code, f"{g.village} {g.name}")
                for g in grids
                if entitled(event.level, event.town_id, g.village_id)
            ),
            errors=("place",),
        ),
        FieldSpec("title", False, FieldKind.TEXT),
        FieldSpec("description", False, FieldKind.TEXT, multiline=True),
        _note(False),
    )


def _fields(
    session: Session, actor: rules.Actor, event: Event, action: Action, now: datetime
) -> tuple[FieldSpec, ...]:
    a = Action
    match action:
        case a.CLASSIFY:
            return _classify_fields(session, actor, event)
        case a.INVALIDATE:
            return (_reasons(rules.INVALID_REASONS), _note(False))
        case a.MERGE:
            return (FieldSpec("duplicate_of", True, FieldKind.EVENT), _note(False))
        case a.UNDO_INVALID | a.REJECT | a.REOPEN | a.COMMENT:
            return (_note(True),)
        case a.DISPATCH:
            return (_target_org(session, event, event.level, now), _note(False))
        case a.RETURN:
            return (_reasons(rules.RETURN_REASONS, ("reason",)), _note(False))
        case a.ESCALATE:
            return (_target_org(session, event, event.level + 1, now), _note(True))
        case a.DEESCALATE:
            return (_target_org(session, event, event.level - 1, now), _note(True))
        case a.REQUEST_EXTENSION | a.EXTEND:
            pending = _pending(session, event, RequestKind.EXTENSION)
            approving = action is a.EXTEND and pending is not None
            days = str(pending.days) if approving and pending and pending.days else None
            return (
                FieldSpec("days", not approving, FieldKind.INT, default=days, minimum=1),
                _note(not approving),
            )
        case a.REQUEST_HOLD | a.HOLD:
            pending = _pending(session, event, RequestKind.HOLD)
            approving = action is a.HOLD and pending is not None
            review = (
                pending.review_date.isoformat()
                if approving and pending and pending.review_date
                else None
            )
            return (
                FieldSpec("review_date", not approving, FieldKind.DATE, default=review),
                _note(not approving),
            )
        case a.RESOLVE:
            needs_photo = event.level <= 3 and not _has_after_photo(session, event)
            return (
                FieldSpec(
                    "result_type",
                    True,
                    FieldKind.CHOICE,
                    tuple(Choice(r.value, r.value) for r in ResultType),
                ),
                FieldSpec("result_text", True, FieldKind.TEXT, multiline=True),
                FieldSpec("photos", needs_photo, FieldKind.PHOTOS, errors=("photo",)),
            )
        case a.VERIFY:
            return (
                FieldSpec(
                    "satisfaction",
                    event.source is Source.HOTLINE_12345,
                    FieldKind.CHOICE,
                    tuple(Choice(v, v) for v in rules.SATISFACTION_VALUES),
                ),
                _note(False),
            )
        case a.SUPERVISE:
            kinds = tuple(Choice(k.value, k.value) for k in SupervisionKind)
            return (
                FieldSpec("kind", True, FieldKind.CHOICE, kinds, SupervisionKind.SUPERVISE.value),
                _note(True),
            )
        case a.ATTACH:
            phases = tuple(Choice(p.value, p.value) for p in AttachmentPhase)
            return (
                FieldSpec("photos", True, FieldKind.PHOTOS, errors=("photo",)),
                FieldSpec("phase", True, FieldKind.CHOICE, phases, AttachmentPhase.EVIDENCE.value),
                _note(False),
            )
        case _:  # sign, resume, archive
            return (_note(False),)


def forms_for(
    session: Session, actor: rules.Actor, event: Event, now: datetime
) -> tuple[ActionForm, ...]:
    """Exactly the actions ``rules`` allows ``actor`` on ``event`` now, in table order.

    Extension and hold are one form each: an approver gets the approving action, the unit
    holding the case the request (``CaseService.extend``/``hold`` choose the same way).
    """
    allowed = rules.allowed_actions(actor, facts_of(event))
    offered = [a for a in allowed if a not in NOT_OFFERED]
    if Action.EXTEND in offered and Action.REQUEST_EXTENSION in offered:
        offered.remove(Action.REQUEST_EXTENSION)
    if Action.HOLD in offered and Action.REQUEST_HOLD in offered:
        offered.remove(Action.REQUEST_HOLD)
    return tuple(ActionForm(a, _fields(session, actor, event, a, now)) for a in offered)


def _empty(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, Sequence | Mapping):
        return len(value) == 0
    return False


def missing_fields(form: ActionForm, values: Mapping[str, object]) -> list[str]:
    """Required fields left empty (the form's own check before it bothers the service)."""
    out = []
    for spec in form.fields:
        value = values.get(spec.name, spec.default)
        if spec.required and _empty(value):
            out.append(spec.name)
    return out


# --- running a filled form -------------------------------------------------------------


class _Values:
    """Form values as the service wants them: blank → None, text → int/date/enum."""

    def __init__(self, values: Mapping[str, object]) -> None:
        self.values = values

    def text(self, name: str) -> str | None:
        value = self.values.get(name)
        if value is None:
            return None
        text = str(value).strip()
        return text or None

    def number(self, name: str) -> int | None:
        value = self.values.get(name)
        if value is None or isinstance(value, int):
            return value
        text = str(value).strip()
        return int(text) if text.lstrip("-").isdigit() else None

    def date(self, name: str) -> date | None:
        value = self.values.get(name)
        if value is None or isinstance(value, date):
            return value
        text = str(value).strip()
        return date.fromisoformat(text) if text else None

    def org(self, name: str) -> int | str | None:
        text = self.text(name)
        if text is None:
            return None
        return int(text) if text.isdigit() else text

    def files(self, name: str, phase: AttachmentPhase) -> tuple[AttachmentInput, ...]:
        items = self.values.get(name) or ()
        if not isinstance(items, Sequence) or isinstance(items, str | bytes):
            items = (items,)
        return tuple(_attachment(item, phase) for item in items)


def _attachment(item: object, phase: AttachmentPhase) -> AttachmentInput:
    """An ``AttachmentInput`` as given (its phase set to the form's), or a file path read now
    (this runs on the database lane, never on the GUI thread)."""
    if isinstance(item, AttachmentInput):
        if item.phase is phase:
            return item
        return AttachmentInput(
            item.filename,
            item.content,
            kind=item.kind,
            phase=phase,
            mime_type=item.mime_type,
            taken_at=item.taken_at,
            lat=item.lat,
            lng=item.lng,
        )
    path = Path(str(item))
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    kind = AttachmentKind.PHOTO if mime.startswith("image/") else AttachmentKind.DOC
    return AttachmentInput(path.name, path.read_bytes(), kind=kind, phase=phase, mime_type=mime)


def run_action(
    service: CaseService,
    form_action: Action | str,
    event_id: int | str,
    username: str,
    values: Mapping[str, object],
    expect_version: int | None = None,
    key: str | None = None,
) -> ActionResult:
    """Perform one filled form through the ``CaseService`` method that owns the action."""
    action = Action(form_action)
    v = _Values(values)
    note = v.text("note")
    ev, k = expect_version, key
    svc = service
    a = Action
    match action:
        case a.DISPATCH:
            return svc.dispatch(
                event_id,
                username,
                target_org=v.org("target_org"),
                note=note,
                expect_version=ev,
                key=k,
            )
        case a.SIGN:
            return svc.sign(event_id, username, note=note, expect_version=ev, key=k)
        case a.RETURN:
            return svc.return_case(
                event_id,
                username,
                reason_code=v.text("reason_code"),
                note=note,
                expect_version=ev,
                key=k,
            )
        case a.ESCALATE:
            return svc.escalate(
                event_id,
                username,
                note=note,
                target_org=v.org("target_org"),
                expect_version=ev,
                key=k,
            )
        case a.DEESCALATE:
            return svc.deescalate(
                event_id,
                username,
                note=note,
                target_org=v.org("target_org"),
                expect_version=ev,
                key=k,
            )
        case a.EXTEND | a.REQUEST_EXTENSION:
            return svc.extend(
                event_id, username, days=v.number("days"), note=note, expect_version=ev, key=k
            )
        case a.HOLD | a.REQUEST_HOLD:
            return svc.hold(
                event_id,
                username,
                review_date=v.date("review_date"),
                note=note,
                expect_version=ev,
                key=k,
            )
        case a.RESUME:
            return svc.resume(event_id, username, note=note, expect_version=ev, key=k)
        case a.RESOLVE:
            return svc.resolve(
                event_id,
                username,
                result_type=v.text("result_type"),
                result_text=v.text("result_text"),
                photos=v.files("photos", AttachmentPhase.AFTER),
                expect_version=ev,
                key=k,
            )
        case a.VERIFY:
            return svc.verify(
                event_id,
                username,
                note=note,
                satisfaction=v.text("satisfaction"),
                expect_version=ev,
                key=k,
            )
        case a.REJECT:
            return svc.reject(event_id, username, note=note, expect_version=ev, key=k)
        case a.INVALIDATE:
            return svc.invalidate(
                event_id,
                username,
                reason_code=v.text("reason_code"),
                note=note,
                expect_version=ev,
                key=k,
            )
        case a.MERGE:
            return svc.merge(
                event_id,
                username,
                duplicate_of=v.text("duplicate_of"),
                note=note,
                expect_version=ev,
                key=k,
            )
        case a.UNDO_INVALID:
            return svc.undo_invalid(event_id, username, note=note, expect_version=ev, key=k)
        case a.ARCHIVE:
            return svc.archive(event_id, username, note=note, expect_version=ev, key=k)
        case a.REOPEN:
            return svc.reopen(event_id, username, note=note, expect_version=ev, key=k)
        case a.SUPERVISE:
            kind = SupervisionKind(v.text("kind") or SupervisionKind.SUPERVISE.value)
            return svc.supervise(event_id, username, note=note, kind=kind, expect_version=ev, key=k)
        case a.COMMENT:
            return svc.comment(event_id, username, note=note, expect_version=ev, key=k)
        case a.CLASSIFY:
            return svc.classify(
                event_id,
                username,
                category_code=v.text("category"),
                level=v.number("level"),
                grid_code=v.text("grid"),
                title=v.text("title"),
                description=v.text("description"),
                note=note,
                expect_version=ev,
                key=k,
            )
        case a.ATTACH:
            phase = AttachmentPhase(v.text("phase") or AttachmentPhase.EVIDENCE.value)
            return svc.attach(
                event_id, username, files=v.files("photos", phase), note=note, key=key
            )
        case a.BREAK_LOCK:
            return svc.break_lock(event_id, username, note=note)
    raise ValueError(f"no form runs {action.value!r}")
