"""Cabinet life cycle. The WB token is encrypted before it touches the database."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from agentiq.cabinets.check import inspect_token, offline_summary
from agentiq.cabinets.repository import CabinetRepository
from agentiq.kit.crypto import SecretBox
from agentiq.kit.errors import ValidationFailed
from agentiq.marketplaces.wb.token import TokenInfo, TokenMalformed
from agentiq.models import MarketplaceConnection


class TokenLacksAccess(ValidationFailed):
    """The token reads fine but cannot do what AgentIQ is for; the seller decides whether to
    connect it anyway (`accept_missing_access`)."""

    code = "token_lacks_access"


def missing_access(info: TokenInfo) -> list[str]:
    """What the product needs and the token lacks, as Russian phrases (empty: all there)."""
    missing: list[str] = []
    if not info.has_feedbacks:
        missing.append("«Отзывы и вопросы» — без неё AgentIQ не увидит отзывы и вопросы")
    if info.read_only:
        missing.append("запись — токен только для чтения, ответы покупателям не отправятся")
    return missing


def _read_token(token: str, *, accept_missing_access: bool) -> tuple[str, TokenInfo]:
    token = token.strip()
    if len(token) < 10 or any(ch.isspace() for ch in token):
        message = "Токен выглядит неполным: скопируйте его из кабинета WB целиком"
        raise ValidationFailed(message, details={"token": message})
    try:
        info = inspect_token(token)
    except TokenMalformed as exc:
        raise ValidationFailed(exc.message, details={"token": exc.message}) from None
    missing = missing_access(info)
    if missing and not accept_missing_access:
        message = "В токене не хватает доступа: " + "; ".join(missing) + "."
        raise TokenLacksAccess(message, details={"token": message, "missing": missing})
    return token, info


async def add_cabinet(
    session: AsyncSession,
    secrets: SecretBox,
    seller_id: int,
    *,
    name: str,
    token: str,
    is_sandbox: bool = False,
    is_demo: bool = False,
    accept_missing_access: bool = False,
) -> MarketplaceConnection:
    name = name.strip()
    if not name:
        raise ValidationFailed("Укажите название кабинета", details={"name": "Укажите название"})
    token, info = _read_token(token, accept_missing_access=accept_missing_access or is_demo)
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


async def replace_token(
    session: AsyncSession,
    secrets: SecretBox,
    seller_id: int,
    cabinet_id: int,
    token: str,
    *,
    accept_missing_access: bool = False,
) -> MarketplaceConnection:
    """A new token for the same WB cabinet (expired, revoked, or with more access).

    A token of another WB seller is refused: its reviews would mix with this cabinet's.
    """
    cabinet = await CabinetRepository(session, seller_id).get(cabinet_id)
    if cabinet.is_demo:
        message = "Демо-кабинет работает на встроенных данных: добавьте свой кабинет WB"
        raise ValidationFailed(message, details={"token": message})
    token, info = _read_token(token, accept_missing_access=accept_missing_access)
    try:
        previous = inspect_token(secrets.decrypt(cabinet.token_encrypted)).seller_id
    except (TokenMalformed, ValueError):
        previous = None  # the old token was unreadable: nothing to compare with
    if previous and info.seller_id and previous != info.seller_id:
        message = (
            "Этот токен от другого кабинета WB. Замените токен тем же кабинетом "
            "или добавьте его как новый кабинет."
        )
        raise ValidationFailed(message, details={"token": message})
    cabinet.token_encrypted = secrets.encrypt(token)
    cabinet.token_type = info.token_type
    cabinet.token_expires_at = info.expires_at
    cabinet.token_check = offline_summary(info)
    cabinet.sync_error = None
    if cabinet.sync_status == "error":
        cabinet.sync_status = "idle"
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
