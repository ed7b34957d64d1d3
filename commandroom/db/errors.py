"""Why a database could not be reached, as a key the layers above put into words.

Drivers say it in English or by SQLSTATE, neither of which an operator in a town command
room should have to read. Errors with a SQLSTATE are told by it; failures while connecting,
which carry none, by the stable words of libpq and of the server's English messages.
Anything else is None: the caller shows the driver's first line as it is.
"""

from __future__ import annotations

REFUSED = "refused"  # nothing listens there: wrong address or port, or the service is down
TIMEOUT = "timeout"  # no answer within the connect timeout: network or a hung server
NO_HOST = "no_host"  # the host name does not resolve
AUTH = "auth"  # the account or its password is refused
NO_DATABASE = "no_database"  # the server has no database of that name
BUSY = "busy"  # the server's connection slots are all taken
STARTING = "starting"  # the server is starting up, shutting down or recovering

_BY_SQLSTATE = {
    "28P01": AUTH,  # invalid_password
    "28000": AUTH,  # invalid_authorization_specification: no such role, pg_hba refusal
    "3D000": NO_DATABASE,  # invalid_catalog_name
    "53300": BUSY,  # too_many_connections
    "57P03": STARTING,  # cannot_connect_now
}
# A refusal while connecting carries no SQLSTATE (libpq has only the text then): the
# server's English words are matched; a server set to another language already speaks it.
_BY_TEXT = (
    ("Connection refused", REFUSED),
    ("timeout expired", TIMEOUT),
    ("could not translate host name", NO_HOST),
    ("Name or service not known", NO_HOST),
    ("password authentication failed", AUTH),
    ("no pg_hba.conf entry", AUTH),
    ('role "', AUTH),  # role "x" does not exist
    ('database "', NO_DATABASE),  # database "x" does not exist
    ("too many clients", BUSY),
    ("connection slots are reserved", BUSY),
    ("the database system is", STARTING),  # starting up, shutting down, in recovery mode
)


def unreachable_reason(exc: BaseException) -> str | None:
    """The reason key for a failed connection (SQLAlchemy's wrapper or the driver's own)."""
    original = getattr(exc, "orig", None) or exc
    if not hasattr(original, "sqlstate"):  # not psycopg's: SQLite has no server to reach
        return None
    sqlstate = getattr(original, "sqlstate", None)
    if sqlstate:  # the server answered: its code says it all (most codes are not ours)
        return _BY_SQLSTATE.get(str(sqlstate))
    text = str(original)
    return next((reason for marker, reason in _BY_TEXT if marker in text), None)


# The database took the connection but refuses to be written with it: PostgreSQL's
# insufficient_privilege (a read-only role) and read_only_sql_transaction (a hot-standby
# replica, or default_transaction_read_only); SQLite's file opened read-only or not
# writable by this user.
_WRITE_REFUSED_SQLSTATES = {"42501", "25006"}
_WRITE_REFUSED_TEXT = ("attempt to write a readonly database",)


def write_refused(exc: BaseException) -> bool:
    """Whether ``exc`` is the database refusing a write this connection may not make (a
    matter of rights, exit 4), rather than a failure to reach it (exit 5)."""
    original = getattr(exc, "orig", None) or exc
    if str(getattr(original, "sqlstate", None) or "") in _WRITE_REFUSED_SQLSTATES:
        return True
    return any(marker in str(original) for marker in _WRITE_REFUSED_TEXT)
