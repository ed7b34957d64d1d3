"""event text trigram indexes (PostgreSQL only): free text ILIKE on title, description, code

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 03:40:00

The event panel's free text is ``ILIKE '%text%'`` on title, description and code; a search
that matches little or nothing read every event (2 s at 2,000,000 events). pg_trgm's GIN
indexes answer searches of three or more characters from the index. pg_trgm ships with
PostgreSQL (Debian's postgresql package, the contrib modules) and is a trusted extension,
so the database owner may create it. Chinese text is indexed only where the database's
LC_CTYPE is a UTF-8 locale (C.UTF-8, zh_CN.UTF-8 …): in the C locale pg_trgm keeps only
ASCII trigrams (codes still work). SQLite: nothing (it scans).
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ('title', 'description', 'code')


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    for column in COLUMNS:
        op.create_index(
            f'ix_event_{column}_trgm',
            'event',
            [column],
            unique=False,
            postgresql_using='gin',
            postgresql_ops={column: 'gin_trgm_ops'},
        )
    op.execute('ANALYZE event')


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    for column in reversed(COLUMNS):
        op.drop_index(f'ix_event_{column}_trgm', table_name='event')
