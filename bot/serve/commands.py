"""The `advisor serve`, `advisor keys` and `advisor mcp` subcommands (registered by bot.cli)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from bot.settings import Settings


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from bot.serve.app import serve

    serve(settings, args.host, args.port)
    return 0


def cmd_keys(args: argparse.Namespace, settings: Settings) -> int:
    from bot.serve.keys import KeyStore

    store = KeyStore.for_settings(settings)
    if args.action == "create":
        key = store.create(args.name)
        print(f"created API key {args.name!r}; it is shown only this once:")
        print(key)
    elif args.action == "revoke":
        store.revoke(args.name)
        print(f"revoked API key {args.name!r}")
    elif args.json:
        print(json.dumps([k.to_json() for k in store.list()]))
    else:
        keys = store.list()
        if not keys:
            print("no API keys yet: `advisor keys create NAME`")
        for k in keys:
            state = "active" if k.active else f"revoked {k.revoked_at}"
            print(f"{k.name:<24} {k.prefix}…  created {k.created_at}  {state}")
    return 0


def cmd_mcp(args: argparse.Namespace, settings: Settings) -> int:
    from bot.mcp.server import run

    run(settings, http=args.http, host=args.host, port=args.port)
    return 0


def add_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add serve, keys and mcp to the `advisor` subparsers."""
    p = sub.add_parser("serve", parents=[common], help="the HTTP API (OpenAI-compatible)")
    p.add_argument("--host", help="interface to listen on (default ADVISOR_API_HOST, 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default ADVISOR_API_PORT, 8400)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("keys", help="API keys of `advisor serve`")
    actions = p.add_subparsers(dest="action", required=True)
    for action, text in (("create", "print a new key (last line)"), ("revoke", "revoke a key")):
        a = actions.add_parser(action, parents=[common], help=text)
        a.add_argument("name", help="who or what the key is for")
    a = actions.add_parser("list", parents=[common], help="list keys (never the keys themselves)")
    a.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_keys)

    p = sub.add_parser("mcp", parents=[common], help="the MCP server (stdio, or --http)")
    p.add_argument("--http", action="store_true", help="streamable HTTP instead of stdio")
    p.add_argument("--host", help="with --http: interface (default ADVISOR_API_HOST)")
    p.add_argument("--port", type=int, help="with --http: port (default ADVISOR_MCP_PORT, 8401)")
    p.set_defaults(func=cmd_mcp)
