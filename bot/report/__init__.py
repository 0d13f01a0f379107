"""Everything about this one report as data: its outline (canvases, recommendations) and vocabulary.

May import only bot.types and bot.errors.
"""
