"""Linking fixtures: a seller wired to the emulator (the replies tests' world)."""

from __future__ import annotations

from tests.replies.conftest import replies_wb, world

__all__ = ["replies_wb", "world"]
