"""Token check for a cabinet: decode the token offline, then `/ping` each WB host with it.

The result is stored on the cabinet as Russian sentences for Settings → Подключения.
"""

from __future__ import annotations

import asyncio
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from agentiq.cabinets.repository import CabinetRepository
from agentiq.marketplaces.wb.errors import WBError
from agentiq.marketplaces.wb.token import (
    ConnectionCheck,
    HostCheck,
    TokenInfo,
    TokenMalformed,
    decode_token,
    describe_connection,
)
from agentiq.models import MarketplaceConnection
from agentiq.runtime import Runtime

Host = Literal["feedbacks", "chat"]


def inspect_token(token: str) -> TokenInfo:
    """Offline facts about a token; raises TokenMalformed with a Russian sentence."""
    return decode_token(token)


def summary(check: ConnectionCheck) -> dict[str, Any]:
    return {
        "ok": check.ok,
        "lines": describe_connection(check),
        "hosts": {name: host.ok for name, host in check.hosts.items()},
        "checked_at": check.checked_at.isoformat(),
    }


def offline_summary(info: TokenInfo) -> dict[str, Any]:
    result = summary(ConnectionCheck(token=info))
    result["ok"] = None  # not checked against WB yet
    return result


async def _ping(client: Any, host: Host) -> HostCheck:
    try:
        result = await client.ping(host)
    except WBError as exc:
        return HostCheck(
            host, ok=False, status=exc.status, error_code=exc.code, wb_text=exc.wb_text
        )
    return HostCheck(host, ok=result.ok, status=result.status)


async def check_cabinet(
    session: AsyncSession, runtime: Runtime, seller_id: int, cabinet_id: int
) -> MarketplaceConnection:
    # Reuses the sync's client factory so the check talks to exactly the hosts the sync uses
    # (production, sandbox, or the built-in emulator for demo cabinets).
    from agentiq.cabinets.clients import build_client

    cabinet = await CabinetRepository(session, seller_id).get(cabinet_id)
    token = runtime.secrets.decrypt(cabinet.token_encrypted)
    try:
        info = decode_token(token)
    except TokenMalformed as exc:
        cabinet.token_check = summary(ConnectionCheck(token=None, token_error=exc.message))
        await session.flush()
        return cabinet
    client = build_client(runtime, cabinet, token)
    feedbacks, chat = await asyncio.gather(_ping(client, "feedbacks"), _ping(client, "chat"))
    check = ConnectionCheck(token=info, hosts={"feedbacks": feedbacks, "chat": chat})
    cabinet.token_check = summary(check)
    cabinet.token_type = info.token_type
    cabinet.token_expires_at = info.expires_at
    await session.flush()
    return cabinet
