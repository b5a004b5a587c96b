"""`olive-ls serve`: the language server over stdio (default), TCP or WebSocket."""

from __future__ import annotations

import argparse


def _address(value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit():
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, got '{value}'")
    return host, int(port)


def register(subparsers: argparse._SubParsersAction) -> None:
    serve = subparsers.add_parser("serve", help="run the language server (stdio by default)")
    transport = serve.add_mutually_exclusive_group()
    transport.add_argument("--stdio", action="store_true", help="talk LSP over stdin/stdout (default)")
    transport.add_argument("--tcp", type=_address, metavar="HOST:PORT", help="listen for one client over TCP")
    transport.add_argument("--ws", type=_address, metavar="HOST:PORT", help="listen for one client over WebSocket (needs `websockets`)")
    serve.add_argument("--log-file", default=None, help="write the server's log here")
    serve.set_defaults(handler=_serve)


def _serve(args: argparse.Namespace) -> int:
    import importlib.util
    import logging
    import sys

    if args.ws and importlib.util.find_spec("websockets") is None:
        print("olive-ls serve --ws needs the websockets package: pip install 'olive-ls[ws]'", file=sys.stderr)
        return 2
    logging.basicConfig(filename=args.log_file, level=logging.INFO if args.log_file else logging.WARNING)
    from olive_ls.lsp.server import server

    if args.tcp:
        server.start_tcp(*args.tcp)
    elif args.ws:
        server.start_ws(*args.ws)
    else:
        server.start_io()
    return 0
