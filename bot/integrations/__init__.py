"""Adapters for other frameworks (LangChain); they import only bot's public API and types."""
