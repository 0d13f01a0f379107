"""Saved work per user (conversations, canvas versions, gap analyses, feedback) in SQL through
SQLAlchemy and Alembic; it may import bot.types, bot.settings and bot.errors only."""
