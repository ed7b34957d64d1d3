"""login lockout: failed-login counter and lock on user_account, table login_audit

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 02:36:20.112186

The new user_account columns are added in place (batch mode only rebuilds the table on SQLite
when it must; adding a column with a server default does not need it), so existing accounts
keep their ids and start with failed_logins 0.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import commandroom.db.base

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('login_audit',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('at', commandroom.db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('ok', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('host', sa.String(length=128), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_login_audit_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_audit'))
    )
    with op.batch_alter_table('login_audit', schema=None) as batch_op:
        batch_op.create_index('ix_login_audit_username_at', ['username', 'at'], unique=False)

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), server_default=sa.text('0'), nullable=False))
        batch_op.add_column(sa.Column('locked_until', commandroom.db.base.UtcDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')

    with op.batch_alter_table('login_audit', schema=None) as batch_op:
        batch_op.drop_index('ix_login_audit_username_at')

    op.drop_table('login_audit')
