"""people: first and last token of the name key, indexed

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24

Finding the stored people a new name could be ("Baroni" for "Marco Baroni", "Sergei
Semak" for "Semak") searched ``key LIKE '% surname'``: a scan of ``people`` on every
event, which grows with the archive (``docs/performance.md``). ``first_token`` and
``last_token`` hold the first and last word of ``key``, indexed, so the lookup is a few
index probes. Filled here for the people already stored.
"""
from alembic import op
import sqlalchemy as sa

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_token', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('last_token', sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f('ix_people_first_token'), ['first_token'], unique=False)
        batch_op.create_index(batch_op.f('ix_people_last_token'), ['last_token'], unique=False)
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, key FROM people")).fetchall()
    updates = [{"id": pid, "f": (key.split() or [None])[0], "l": (key.split() or [None])[-1]} for pid, key in rows]
    if updates:
        conn.execute(sa.text("UPDATE people SET first_token = :f, last_token = :l WHERE id = :id"), updates)


def downgrade() -> None:
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_people_last_token'))
        batch_op.drop_index(batch_op.f('ix_people_first_token'))
        batch_op.drop_column('last_token')
        batch_op.drop_column('first_token')
