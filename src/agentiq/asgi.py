"""ASGI entry point for uvicorn: `agentiq.asgi:app`."""

from __future__ import annotations

import sys

from agentiq.config import SettingsError

try:
    from agentiq.app import create_app

    app = create_app()
except SettingsError as exc:
    print(f"Cannot start: {exc}", file=sys.stderr)
    raise SystemExit(2) from None
