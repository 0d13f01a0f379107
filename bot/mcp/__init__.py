"""The MCP server (official `mcp` SDK); imports only bot's public API, settings, types, errors."""
