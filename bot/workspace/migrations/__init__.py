"""Alembic migrations of the workspace database (run by bot.workspace.db.migrate)."""
