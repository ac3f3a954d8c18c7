"""per-source counters of each run

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'crawl_run_sources',
        sa.Column('run_id', sa.Integer(), nullable=False),
        sa.Column('source_id', sa.Integer(), nullable=False),
        sa.Column('pages_fetched', sa.Integer(), nullable=False),
        sa.Column('pages_not_modified', sa.Integer(), nullable=False),
        sa.Column('articles_new', sa.Integer(), nullable=False),
        sa.Column('articles_alias', sa.Integer(), nullable=False),
        sa.Column('not_articles', sa.Integer(), nullable=False),
        sa.Column('errors', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['run_id'], ['crawl_runs.id'], name=op.f('fk_crawl_run_sources_run_id_crawl_runs')),
        sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_crawl_run_sources_source_id_sources')),
        sa.PrimaryKeyConstraint('run_id', 'source_id', name=op.f('pk_crawl_run_sources')),
    )
    with op.batch_alter_table('crawl_run_sources', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crawl_run_sources_source_id'), ['source_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('crawl_run_sources', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crawl_run_sources_source_id'))
    op.drop_table('crawl_run_sources')
