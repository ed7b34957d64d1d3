"""All mapped tables; importing this package registers them on ``Base.metadata``."""

from commandroom.db.models.bulletin import Bulletin
from commandroom.db.models.case import (
    Event,
    EventAction,
    EventAttachment,
    EventCodeSeq,
    EventOriginal,
    ExternalTicket,
)
from commandroom.db.models.catalog import Category, DispatchRule
from commandroom.db.models.geo import Grid, Region
from commandroom.db.models.meta import DatabaseMeta
from commandroom.db.models.people import LoginAudit, Org, RoleGrant, User
from commandroom.db.models.sla import (
    EventLock,
    ExtensionRequest,
    SlaClock,
    SlaPolicy,
    Supervision,
    WorkCalendar,
)
from commandroom.db.models.task import GridTask, TaskAssignment
from commandroom.db.models.video import Camera, CameraAudit, Tour, WallLayout
from commandroom.db.models.worker import GridWorkerDaily, WorkerReminder

__all__ = [
    "Bulletin",
    "Camera",
    "CameraAudit",
    "Category",
    "DatabaseMeta",
    "DispatchRule",
    "Event",
    "EventAction",
    "EventAttachment",
    "EventCodeSeq",
    "EventLock",
    "EventOriginal",
    "ExtensionRequest",
    "ExternalTicket",
    "Grid",
    "GridTask",
    "GridWorkerDaily",
    "LoginAudit",
    "Org",
    "Region",
    "RoleGrant",
    "SlaClock",
    "SlaPolicy",
    "Supervision",
    "TaskAssignment",
    "Tour",
    "User",
    "WallLayout",
    "WorkCalendar",
    "WorkerReminder",
]
