"""How the importers work (this page is their design note; the code is in the sibling modules).

All-or-nothing without one big transaction
------------------------------------------
An import runs in two phases.

1. **Validate everything.** Every line is decoded, parsed and checked against the database
   (town, village, grid, category, reporter account and the reporter's right to report
   there) in one read session, and every problem is collected with its physical line number.
   The length limits of the columns, NUL characters and broken Unicode escapes (which
   PostgreSQL refuses but SQLite accepts) are checked here too, so that a good line cannot
   fail later for a reason that lies in the data. Records already in the database (same
   idempotency key, or for 12345 the same ticket number) are marked "skipped" — not errors.
   If any line is bad, the report lists them all and nothing is written.
2. **Write record by record** through ``CaseService.report`` (one transaction each, so the
   same rules, numbering, hash chain and auto-dispatch apply as for a report typed in), each
   with a deterministic idempotency key (``12345:<工单编号>``, ``app:<id>``).

Why this is safe: after phase 1 a write can only fail for a reason outside the file (the
database went away, the machine crashed, an operator deleted a grid in between). Every
record that was committed before the failure carries its key, so running the same file
again replays those as "skipped" and writes only what was missing; two stations importing
the same file at once converge the same way (the service turns the loser's unique-key
collision into a replay). A batch entry point taking one transaction for the whole file was
not added: it would hold the change-feed lock (PostgreSQL) or the single SQLite writer for
the whole file, stalling every station's case work during a large import, and the
idempotent per-record write already gives "re-run converges" without it.
"""
