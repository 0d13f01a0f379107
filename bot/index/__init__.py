"""The index: Chroma store, embeddings, BM25, hybrid retrieval (ingest writes it, answers read it).

May import bot.settings, bot.errors, bot.types and bot.report; nothing above it.
"""
