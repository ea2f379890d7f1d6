"""The work behind CLI commands: each opens its own unit of work (the edge)."""

from __future__ import annotations

from agentiq.auth import service
from agentiq.auth.repository import AccountRepository
from agentiq.config import Settings
from agentiq.db import create_engine, create_sessionmaker, unit_of_work
from agentiq.kit.errors import NotFound
from agentiq.tenancy.service import sellers_for_user


async def create_user(settings: Settings, email: str, password: str, seller_name: str) -> int:
    engine = create_engine(settings)
    try:
        async with unit_of_work(create_sessionmaker(engine)) as session:
            user, _ = await service.register(
                session, email=email, password=password, seller_name=seller_name
            )
            return user.id
    finally:
        await engine.dispose()


async def create_seller(settings: Settings, name: str, owner_email: str) -> int:
    engine = create_engine(settings)
    try:
        async with unit_of_work(create_sessionmaker(engine)) as session:
            user = await AccountRepository(session).user_by_email(owner_email)
            if user is None:
                raise NotFound(f"No user with e-mail {owner_email}")
            seller = await service.create_seller_for(session, user, name)
            return seller.id
    finally:
        await engine.dispose()


async def create_token(settings: Settings, email: str, name: str, seller_id: int | None) -> str:
    engine = create_engine(settings)
    try:
        async with unit_of_work(create_sessionmaker(engine)) as session:
            user = await AccountRepository(session).user_by_email(email)
            if user is None:
                raise NotFound(f"No user with e-mail {email}")
            sellers = {a.seller_id for a in await sellers_for_user(session, user.id)}
            chosen = seller_id if seller_id is not None else min(sellers, default=None)
            if chosen is None or chosen not in sellers:
                raise NotFound("The user is not a member of that seller")
            _, plain = await service.issue_api_token(session, chosen, user, name)
            return plain
    finally:
        await engine.dispose()


async def ensure_demo_owner(settings: Settings, email: str, password: str) -> bool:
    engine = create_engine(settings)
    try:
        async with unit_of_work(create_sessionmaker(engine)) as session:
            if await AccountRepository(session).any_user():
                return False
            _, seller = await service.register(
                session, email=email, password=password, seller_name="Демо-магазин"
            )
            # Its first sign-in opens onto demo data (the web app makes the demo cabinet).
            seller.is_demo = True
            return True
    finally:
        await engine.dispose()
