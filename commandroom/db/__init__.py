"""Persistence: typed models, engine/session factory, migrations and the change feed.

Plain Python, no Qt: every station (GUI, CLI, importer, demo generator) shares it.
"""
