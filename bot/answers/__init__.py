"""The ask path: scope, follow-up rewrite, evidence composition, citations and prompts.

May import bot.index, bot.llm, bot.report, bot.settings, bot.errors and bot.types.
"""
