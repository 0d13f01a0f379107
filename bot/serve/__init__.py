"""The HTTP API (FastAPI) and its keys; imports only bot's public API, settings, types, errors."""
