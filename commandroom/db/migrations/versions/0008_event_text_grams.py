"""event text grams: free text of any length answered from an index on both engines

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 08:30:00

Free text was ``LIKE '%word%'`` and read table rows until the page filled: 0.3-0.7 s within
one town and 2-5 s over the district at 2,000,000 events on SQLite. PostgreSQL's trigram
indexes (0005) skip the two-character words operators type most (漏水, 占道, 噪音), and
Chinese altogether under a C LC_CTYPE. Both engines now index every character and every
pair of neighbouring characters of an event's lower-cased title, description and code
(see ``commandroom.db.models.search``): SQLite in a contentless FTS5 table kept in step by
triggers, PostgreSQL in a GIN index on an immutable SQL function. The SQL here is frozen
(a later change of the gram rules is a new migration, since the triggers' output and the
index must agree with the queries).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

POS_SIDE = 1000  # event_text_pos holds 1..POS_SIDE; two of them cut POS_SIDE² characters


def _sqlite_grams(row: str) -> str:
    """The gram text of ``row`` (new, old or an alias): for each position p of the text,
    the character at p and the pair at p, hex-encoded (UTF-8), space-separated; ``x`` too
    when the text is longer than the positions reach.

    The text is cut in chunks of POS_SIDE characters because ``substr`` counts its way to
    a position from the start: one chunk per ``hi`` row keeps the cost linear (a million
    characters: 7 s rather than hours). ``LIMIT 1`` keeps SQLite from folding a subquery
    into its user, which would compute the lower-cased text again for every position.
    """
    text = (
        f"lower(coalesce({row}.title, '') || char(31) || coalesce({row}.description, '')"
        f" || char(31) || coalesce({row}.code, ''))"
    )
    chunk = (
        "(SELECT group_concat(hex(substr(c, lo.n, 1)) || ' ' || hex(substr(c, lo.n, 2)), ' ')"
        f" FROM (SELECT substr(s.t, (hi.n - 1) * {POS_SIDE} + 1, {POS_SIDE + 1}) AS c LIMIT 1),"
        f" event_text_pos AS lo WHERE lo.n <= s.len - (hi.n - 1) * {POS_SIDE})"
    )
    return (
        f"(SELECT group_concat(g, ' ') || iif(max(len) > {POS_SIDE * POS_SIDE}, ' x', '')"
        f" FROM (SELECT {chunk} AS g, s.len AS len"
        f" FROM (SELECT t, length(t) AS len FROM (SELECT {text} AS t LIMIT 1) LIMIT 1) AS s,"
        f" event_text_pos AS hi WHERE hi.n <= (s.len + {POS_SIDE - 1}) / {POS_SIDE}))"
    )


def _sqlite_upgrade() -> None:
    op.execute("CREATE TABLE event_text_pos (n INTEGER PRIMARY KEY)")
    op.execute(
        "INSERT INTO event_text_pos (n) WITH RECURSIVE c(n) AS"
        f" (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < {POS_SIDE}) SELECT n FROM c"
    )
    op.execute(
        "CREATE VIRTUAL TABLE event_text USING fts5"
        "(grams, content='', detail=none, columnsize=0, tokenize='ascii')"
    )
    insert = f"INSERT INTO event_text (rowid, grams) VALUES (new.id, {_sqlite_grams('new')});"
    delete = (
        "INSERT INTO event_text (event_text, rowid, grams)"
        f" VALUES ('delete', old.id, {_sqlite_grams('old')});"
    )
    op.execute(f"CREATE TRIGGER event_text_insert AFTER INSERT ON event BEGIN {insert} END")
    op.execute(f"CREATE TRIGGER event_text_delete AFTER DELETE ON event BEGIN {delete} END")
    op.execute(
        "CREATE TRIGGER event_text_update AFTER UPDATE OF id, title, description, code"
        f" ON event BEGIN {delete} {insert} END"
    )
    op.execute(
        f"INSERT INTO event_text (rowid, grams) SELECT e.id, {_sqlite_grams('e')} FROM event AS e"
    )
    # One b-tree instead of the segments written as the rows went in.
    op.execute("INSERT INTO event_text (event_text) VALUES ('optimize')")


PG_FUNCTION = """
CREATE FUNCTION event_text_grams(title text, description text, code text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE COST 1000 AS $$
SELECT c || ARRAY(SELECT a || b FROM unnest(c, c[2:]) AS u(a, b) WHERE b IS NOT NULL)
FROM (SELECT string_to_array(lower(coalesce(title, '') || chr(31) || coalesce(description, '')
                                   || chr(31) || coalesce(code, '')), NULL) AS c) AS s
$$
"""
# The characters (string_to_array with no delimiter) and each character zipped with the
# next: 17 µs an event where substr() over generate_series() took 95 (it counts its way to
# each position). Repeated grams stay: GIN keeps each key of a row once.


def _pg_upgrade() -> None:
    # COST: a plan that walks the date index checks the cheap ILIKE first and computes the
    # grams only for the rows it keeps.
    op.execute(PG_FUNCTION)
    op.execute("SET LOCAL maintenance_work_mem = '256MB'")
    op.execute(
        "CREATE INDEX ix_event_text_grams ON event"
        " USING gin (event_text_grams(title, description, code))"
    )
    op.execute("ANALYZE event")  # the expression's statistics: how common each gram is


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _pg_upgrade()
    else:
        _sqlite_upgrade()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_event_text_grams")
        op.execute("DROP FUNCTION event_text_grams(text, text, text)")
        return
    for trigger in ("event_text_update", "event_text_delete", "event_text_insert"):
        op.execute(f"DROP TRIGGER {trigger}")
    op.execute("DROP TABLE event_text")
    op.execute("DROP TABLE event_text_pos")
