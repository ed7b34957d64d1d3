"""Facts about the database itself, e.g. that it was created as a throwaway demo database."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from commandroom.db.base import Base

DEMO_KEY = "kind"
DEMO_VALUE = "demo"


class DatabaseMeta(Base):
    """Key/value facts; demo mode refuses any database whose ``kind`` is not ``demo``."""

    __tablename__ = "database_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(255))
