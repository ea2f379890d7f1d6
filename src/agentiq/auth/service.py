"""Accounts and sign-in: register, sign in/out, password change, invites, API tokens.

Services flush, never commit: the request (or CLI command) that calls them commits.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from agentiq.auth.passwords import (
    MIN_PASSWORD_LENGTH,
    hash_password_async,
    verify_password_async,
)
from agentiq.auth.repository import AccountRepository
from agentiq.auth.throttle import SigninThrottle
from agentiq.kit.crypto import hash_token, new_token
from agentiq.kit.errors import Conflict, NotFound, Unauthorized, ValidationFailed
from agentiq.kit.time import utcnow
from agentiq.models import (
    ApiToken,
    MembershipInvitation,
    Role,
    Seller,
    User,
    UserSession,
)
from agentiq.tenancy.repository import MembershipRepository

SESSION_LIFETIME = timedelta(days=14)
API_TOKEN_PREFIX = "aiq_"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass
class IssuedSession:
    """A new session; `token` goes into the cookie and is never stored in plain text."""

    token: str
    row: UserSession


def _check_email(email: str) -> str:
    email = email.strip().lower()
    if not _EMAIL.match(email):
        raise ValidationFailed(
            "Укажите корректный e-mail", details={"email": "Укажите корректный e-mail"}
        )
    return email


def _check_password(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        message = f"Пароль должен быть не короче {MIN_PASSWORD_LENGTH} символов"
        raise ValidationFailed(message, details={field: message})


async def register(
    session: AsyncSession, *, email: str, password: str, seller_name: str, name: str = ""
) -> tuple[User, Seller]:
    """Create a seller and its owner."""
    email = _check_email(email)
    _check_password(password)
    seller_name = seller_name.strip()
    if not seller_name:
        raise ValidationFailed(
            "Укажите название компании", details={"seller_name": "Укажите название компании"}
        )
    accounts = AccountRepository(session)
    if await accounts.user_by_email(email):
        message = "Пользователь с таким e-mail уже зарегистрирован"
        raise Conflict(message, details={"email": message})
    # The owner chose this password (an invited operator's one-time password has no date).
    user = User(
        email=email,
        name=name.strip(),
        password_hash=await hash_password_async(password),
        password_changed_at=utcnow(),
    )
    seller = Seller(name=seller_name)
    session.add_all([user, seller])
    await session.flush()
    MembershipRepository(session, seller.id).add(user.id, Role.owner)
    await session.flush()
    return user, seller


async def create_seller_for(session: AsyncSession, user: User, seller_name: str) -> Seller:
    """An existing user (an agency) opens another seller, as its owner."""
    seller = Seller(name=seller_name.strip() or "Новый продавец")
    session.add(seller)
    await session.flush()
    MembershipRepository(session, seller.id).add(user.id, Role.owner)
    await session.flush()
    return seller


async def authenticate(
    session: AsyncSession, throttle: SigninThrottle, *, email: str, password: str, ip: str
) -> User:
    email = email.strip().lower()
    # Counted before the password is checked (increment-then-check in one step): parallel
    # wrong guesses cannot all pass a check that none of them has counted yet.
    await throttle.attempt(email, ip)
    user = await AccountRepository(session).user_by_email(email)
    if not await verify_password_async(password, user.password_hash if user else None) or not (
        user and user.is_active
    ):
        raise Unauthorized("Неверный e-mail или пароль", code="bad_credentials")
    await throttle.succeeded(email, ip)
    return user


async def landing_seller_id(session: AsyncSession, user_id: int, allowed: list[int]) -> int | None:
    """Where a user lands after sign-in: the seller they used last, if they still may;
    otherwise the first one they may see."""
    last = await AccountRepository(session).last_used_seller(user_id)
    if last is not None and last in allowed:
        return last
    return allowed[0] if allowed else None


async def start_session(
    session: AsyncSession,
    user: User,
    *,
    seller_id: int | None,
    ip: str = "",
    user_agent: str = "",
    replaces: UserSession | None = None,
) -> IssuedSession:
    """A fresh session (rotation: any session the browser had is revoked)."""
    if replaces is not None:
        replaces.revoked_at = utcnow()
    token = new_token()
    row = UserSession(
        token_hash=hash_token(token),
        user_id=user.id,
        seller_id=seller_id,
        csrf_token=new_token(24),
        expires_at=utcnow() + SESSION_LIFETIME,
        ip=ip[:64],
        user_agent=user_agent[:300],
    )
    session.add(row)
    await session.flush()
    return IssuedSession(token=token, row=row)


async def session_from_cookie(session: AsyncSession, cookie: str | None) -> UserSession | None:
    """The live session behind a cookie, so sign-in can rotate (revoke) it."""
    if not cookie:
        return None
    return await AccountRepository(session).live_session(hash_token(cookie), utcnow())


async def end_session(session: AsyncSession, row: UserSession) -> None:
    row.revoked_at = utcnow()
    await session.flush()


async def change_password(
    session: AsyncSession, user: User, *, current: str, new: str, keep: UserSession | None
) -> None:
    if not await verify_password_async(current, user.password_hash):
        message = "Текущий пароль указан неверно"
        raise ValidationFailed(message, details={"current_password": message})
    _check_password(new, "new_password")
    user.password_hash = await hash_password_async(new)
    user.password_changed_at = utcnow()
    # Every other session of this user is signed out, and every API token they issued is
    # revoked: whoever knew the old password may have made one.
    accounts = AccountRepository(session)
    await accounts.revoke_sessions(user.id, except_id=keep.id if keep else None)
    await accounts.revoke_api_tokens(user.id)
    await session.flush()


def has_own_password(user: User) -> bool:
    """False while the user signs in with a password someone else set (an invitation's
    one-time password, the CLI's or the demo owner's): the UI asks them to replace it."""
    return user.password_changed_at is not None


async def rename(session: AsyncSession, user: User, name: str) -> None:
    """The name teammates see (assignments, history); may be empty (e-mail shown instead)."""
    name = name.strip()
    if len(name) > 200:
        message = "Имя не длиннее 200 символов"
        raise ValidationFailed(message, details={"name": message})
    user.name = name
    await session.flush()


@dataclass
class Invitation:
    user: User
    created: bool
    temporary_password: str | None
    # True: an existing account was invited and joins only once it accepts.
    pending: bool = False


async def invite_operator(
    session: AsyncSession,
    seller_id: int,
    *,
    email: str,
    name: str = "",
    invited_by: User | None = None,
) -> Invitation:
    """Add a member: a new account gets a one-time password the owner hands over; an
    existing account gets an invitation it accepts after signing in."""
    email = _check_email(email)
    accounts = AccountRepository(session)
    user = await accounts.user_by_email(email)
    temporary: str | None = None
    created = user is None
    if user is None:
        temporary = new_token(9)
        user = User(
            email=email, name=name.strip(), password_hash=await hash_password_async(temporary)
        )
        session.add(user)
        await session.flush()
    elif await MembershipRepository(session, seller_id).is_member(user.id):
        message = "Этот пользователь уже в команде"
        raise Conflict(message, details={"email": message})
    else:
        # Someone else's account: an invitation it accepts, never a membership over its head.
        if await accounts.invitation(seller_id, user.id) is None:
            session.add(
                MembershipInvitation(
                    seller_id=seller_id,
                    user_id=user.id,
                    role=Role.operator.value,
                    invited_by_user_id=invited_by.id if invited_by else None,
                )
            )
            await session.flush()
        return Invitation(user=user, created=False, temporary_password=None, pending=True)
    MembershipRepository(session, seller_id).add(user.id, Role.operator)
    await session.flush()
    return Invitation(user=user, created=created, temporary_password=temporary)


async def pending_invitations(
    session: AsyncSession, user: User
) -> Sequence[tuple[MembershipInvitation, Seller]]:
    return await AccountRepository(session).invitations_for_user(user.id)


async def answer_invitation(
    session: AsyncSession, user: User, invitation_id: int, *, accept: bool
) -> Seller:
    """Accept (the user becomes a member) or decline; 404 for anyone else's invitation."""
    for invitation, seller in await AccountRepository(session).invitations_for_user(user.id):
        if invitation.id == invitation_id:
            if accept:
                MembershipRepository(session, seller.id).add(user.id, Role(invitation.role))
            await session.delete(invitation)
            await session.flush()
            return seller
    raise NotFound("Приглашение не найдено")


async def remove_member(session: AsyncSession, seller_id: int, user_id: int, *, by: User) -> None:
    if user_id == by.id:
        raise ValidationFailed("Нельзя удалить себя из команды")
    membership = await MembershipRepository(session, seller_id).get(user_id)
    if membership is None:
        raise NotFound("Участник не найден")
    await session.delete(membership)
    await session.flush()


async def issue_api_token(
    session: AsyncSession, seller_id: int, user: User, name: str
) -> tuple[ApiToken, str]:
    """Returns the row and the plain token, which is shown once and never stored."""
    name = name.strip()
    if not name:
        raise ValidationFailed(
            "Укажите название токена", details={"name": "Укажите название токена"}
        )
    plain = API_TOKEN_PREFIX + new_token()
    row = ApiToken(
        seller_id=seller_id,
        user_id=user.id,
        name=name[:200],
        prefix=plain[: len(API_TOKEN_PREFIX) + 4],
        token_hash=hash_token(plain),
    )
    session.add(row)
    await session.flush()
    return row, plain


async def revoke_api_token(
    session: AsyncSession, seller_id: int, user: User, token_id: int
) -> None:
    for token in await AccountRepository(session).api_tokens(seller_id, user.id):
        if token.id == token_id and token.revoked_at is None:
            token.revoked_at = utcnow()
            await session.flush()
            return
    raise NotFound("Токен не найден")
