"""Alembic migrations for the transfernews schema (one linear revision chain).

Applied automatically when a database is opened (:func:`storage.db.open_db`) and by
``transfernews db upgrade``. Create a new revision with
``alembic -c migrations/alembic.ini revision -m "..."`` after changing ``storage/models.py``.
"""
