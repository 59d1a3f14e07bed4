"""Start the web app: `python -m web` (what `dhr serve` runs).

The model and the stores load once at start-up; the app listens on 127.0.0.1 unless an access
token is set. Access logs are off: a query can name a person, and it need not sit in a terminal.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from index.stores import Stores
from kb.config import Settings
from kb.errors import DHRError
from web.security import LOOPBACK_HOSTS, check_bind, is_loopback

ENV_TOKEN = "DHR_TOKEN"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, db: Path | None = None,
          chroma_url: str | None = None, model: str | None = None, token: str | None = None) -> None:
    """Serve the knowledge base at `db` until interrupted."""
    import uvicorn

    from web.app import create_app

    token = token or os.environ.get(ENV_TOKEN) or None
    check_bind(host, token)
    settings = Settings.resolve(db, chroma_url, model)
    # a loopback server answers only loopback host names, so a page elsewhere cannot rebind a name to it
    hosts = list(LOOPBACK_HOSTS) if is_loopback(host) and not token else None
    app = create_app(lambda: Stores.open(settings, read_only=True), token=token, allowed_hosts=hosts, warm=True)
    shown = f"[{host}]" if ":" in host else host
    print(f"Serving {settings.db} at http://{shown}:{port}/" + ("?token=..." if token else "")
          + " (Ctrl-C stops it). Loading the model...", flush=True)
    uvicorn.run(app, host=host, port=port, access_log=False, log_level="warning", server_header=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dhr serve", description="Serve the knowledge base as a local web app.")
    parser.add_argument("--host", default=DEFAULT_HOST)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--chroma-url")
    parser.add_argument("--model")
    parser.add_argument("--token", help=f"Access token (default: ${ENV_TOKEN}).")
    args = parser.parse_args(argv)
    try:
        serve(args.host, args.port, args.db, args.chroma_url, args.model, args.token)
    except DHRError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    return 0
