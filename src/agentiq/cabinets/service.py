"""Cabinet life cycle. The WB token is encrypted before it touches the database."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from agentiq.cabinets.check import inspect_token, offline_summary
from agentiq.cabinets.repository import CabinetRepository
from agentiq.kit.crypto import SecretBox
from agentiq.kit.errors import ValidationFailed
from agentiq.marketplaces.wb.token import TokenMalformed
from agentiq.models import MarketplaceConnection


async def add_cabinet(
    session: AsyncSession,
    secrets: SecretBox,
    seller_id: int,
    *,
    name: str,
    token: str,
    is_sandbox: bool = False,
    is_demo: bool = False,
) -> MarketplaceConnection:
    token = token.strip()
    name = name.strip()
    if not name:
        raise ValidationFailed("Укажите название кабинета", details={"name": "Укажите название"})
    if len(token) < 10 or any(ch.isspace() for ch in token):
        message = "Токен выглядит неполным: скопируйте его из кабинета WB целиком"
        raise ValidationFailed(message, details={"token": message})
    try:
        info = inspect_token(token)
    except TokenMalformed as exc:
        raise ValidationFailed(exc.message, details={"token": exc.message}) from None
    cabinet = MarketplaceConnection(
        name=name[:200],
        token_encrypted=secrets.encrypt(token),
        token_type=info.token_type,
        token_expires_at=info.expires_at,
        token_check=offline_summary(info),
        is_sandbox=is_sandbox,
        is_demo=is_demo,
    )
    CabinetRepository(session, seller_id).add(cabinet)
    await session.flush()
    return cabinet


async def rename_cabinet(
    session: AsyncSession, seller_id: int, cabinet_id: int, name: str
) -> MarketplaceConnection:
    cabinet = await CabinetRepository(session, seller_id).get(cabinet_id)
    name = name.strip()
    if not name:
        raise ValidationFailed("Укажите название кабинета", details={"name": "Укажите название"})
    cabinet.name = name[:200]
    await session.flush()
    return cabinet


async def remove_cabinet(session: AsyncSession, seller_id: int, cabinet_id: int) -> None:
    repo = CabinetRepository(session, seller_id)
    await repo.delete(await repo.get(cabinet_id))
    await session.flush()


def cabinet_token(secrets: SecretBox, cabinet: MarketplaceConnection) -> str:
    """The plain token, for the WB client only; never log or return it."""
    return secrets.decrypt(cabinet.token_encrypted)
