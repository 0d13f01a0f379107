"""Canvas drafting, refinement, gap analysis, model rewriting and exports.

May import bot.index, bot.llm, bot.report, bot.answers.prompts, bot.settings, bot.errors, bot.types.
"""
