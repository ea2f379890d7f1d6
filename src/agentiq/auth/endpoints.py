"""JSON API: /api/auth/... (register, sign in/out, me, switch seller, password, tokens, team)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from agentiq.auth import service
from agentiq.auth.cookies import clear_session_cookie, rotate_csrf_cookie, set_session_cookie
from agentiq.auth.repository import AccountRepository
from agentiq.auth.schemas import (
    ApiTokenCreatedOut,
    ApiTokenIn,
    ApiTokenOut,
    InvitationOut,
    InviteIn,
    InviteOut,
    MemberOut,
    MeOut,
    PasswordChangeIn,
    RegisterIn,
    SellerOut,
    SignInIn,
    SwitchSellerIn,
)
from agentiq.deps import SESSION_COOKIE, CurrentPrincipal, DbSession, OwnerPrincipal, RuntimeDep
from agentiq.kit.errors import NotFound
from agentiq.kit.time import utcnow
from agentiq.tenancy.repository import MembershipRepository
from agentiq.tenancy.service import sellers_for_user

router = APIRouter(prefix="/api/auth", tags=["auth"])


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def _me(db: DbSession, principal: CurrentPrincipal) -> MeOut:
    sellers = [
        SellerOut(id=a.seller_id, name=a.seller_name, role=a.role.value, is_demo=a.is_demo)
        for a in await sellers_for_user(db, principal.user.id)
    ]
    current = next(s for s in sellers if s.id == principal.seller_id)
    return MeOut(
        id=principal.user.id,
        email=principal.user.email,
        name=principal.user.name,
        seller=current,
        sellers=sellers,
    )


@router.post("/register", status_code=status.HTTP_201_CREATED)
async def register(
    body: RegisterIn, request: Request, response: Response, db: DbSession, runtime: RuntimeDep
) -> dict[str, int]:
    user, seller = await service.register(
        db, email=body.email, password=body.password, seller_name=body.seller_name, name=body.name
    )
    issued = await service.start_session(
        db,
        user,
        seller_id=seller.id,
        ip=client_ip(request),
        user_agent=request.headers.get("user-agent", ""),
    )
    set_session_cookie(response, issued.token, runtime.settings)
    return {"user_id": user.id, "seller_id": seller.id}


@router.post("/login")
async def login(
    body: SignInIn, request: Request, response: Response, db: DbSession, runtime: RuntimeDep
) -> dict[str, int]:
    user = await service.authenticate(
        db, runtime.throttle, email=body.email, password=body.password, ip=client_ip(request)
    )
    sellers = await sellers_for_user(db, user.id)
    issued = await service.start_session(
        db,
        user,
        seller_id=await service.landing_seller_id(db, user.id, [a.seller_id for a in sellers]),
        ip=client_ip(request),
        user_agent=request.headers.get("user-agent", ""),
        replaces=await service.session_from_cookie(db, request.cookies.get(SESSION_COOKIE)),
    )
    set_session_cookie(response, issued.token, runtime.settings)
    rotate_csrf_cookie(response, runtime.settings)
    return {"user_id": user.id}


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(
    principal: CurrentPrincipal, response: Response, db: DbSession, runtime: RuntimeDep
) -> None:
    if principal.session is not None:
        await service.end_session(db, principal.session)
    clear_session_cookie(response, runtime.settings)


@router.get("/me", response_model=MeOut)
async def me(principal: CurrentPrincipal, db: DbSession) -> MeOut:
    return await _me(db, principal)


@router.post("/switch-seller", response_model=MeOut)
async def switch_seller(body: SwitchSellerIn, principal: CurrentPrincipal, db: DbSession) -> MeOut:
    allowed = {a.seller_id for a in await sellers_for_user(db, principal.user.id)}
    if body.seller_id not in allowed or principal.session is None:
        raise NotFound("Продавец не найден")
    principal.session.seller_id = body.seller_id
    principal.session.last_seen_at = utcnow()  # the next sign-in lands here
    await db.flush()
    principal.access = next(
        a for a in await sellers_for_user(db, principal.user.id) if a.seller_id == body.seller_id
    )
    return await _me(db, principal)


@router.post("/password", status_code=status.HTTP_204_NO_CONTENT)
async def change_password(
    body: PasswordChangeIn, principal: CurrentPrincipal, db: DbSession
) -> None:
    await service.change_password(
        db,
        principal.user,
        current=body.current_password,
        new=body.new_password,
        keep=principal.session,
    )


@router.get("/tokens", response_model=list[ApiTokenOut])
async def list_tokens(principal: CurrentPrincipal, db: DbSession) -> list[ApiTokenOut]:
    rows = await AccountRepository(db).api_tokens(principal.seller_id, principal.user.id)
    return [ApiTokenOut.model_validate(r) for r in rows]


@router.post("/tokens", response_model=ApiTokenCreatedOut, status_code=status.HTTP_201_CREATED)
async def create_token(
    body: ApiTokenIn, principal: CurrentPrincipal, db: DbSession
) -> ApiTokenCreatedOut:
    row, plain = await service.issue_api_token(db, principal.seller_id, principal.user, body.name)
    return ApiTokenCreatedOut(**ApiTokenOut.model_validate(row).model_dump(), token=plain)


@router.delete("/tokens/{token_id}", status_code=status.HTTP_204_NO_CONTENT)
async def revoke_token(token_id: int, principal: CurrentPrincipal, db: DbSession) -> None:
    await service.revoke_api_token(db, principal.seller_id, principal.user, token_id)


@router.get("/members", response_model=list[MemberOut])
async def members(principal: CurrentPrincipal, db: DbSession) -> list[MemberOut]:
    return [
        MemberOut(user_id=u.id, email=u.email, name=u.name, role=m.role)
        for m, u in await MembershipRepository(db, principal.seller_id).members()
    ]


@router.post("/members", response_model=InviteOut, status_code=status.HTTP_201_CREATED)
async def invite(body: InviteIn, principal: OwnerPrincipal, db: DbSession) -> InviteOut:
    invitation = await service.invite_operator(
        db, principal.seller_id, email=body.email, name=body.name, invited_by=principal.user
    )
    user = invitation.user
    return InviteOut(
        member=MemberOut(user_id=user.id, email=user.email, name=user.name, role="operator"),
        temporary_password=invitation.temporary_password,
    )


@router.delete("/members/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_member(user_id: int, principal: OwnerPrincipal, db: DbSession) -> None:
    await service.remove_member(db, principal.seller_id, user_id, by=principal.user)


@router.get("/invitations", response_model=list[InvitationOut])
async def invitations(principal: CurrentPrincipal, db: DbSession) -> list[InvitationOut]:
    """Sellers that invited the signed-in user; joining needs the user's own «accept»."""
    return [
        InvitationOut(id=i.id, seller_name=s.name, role=i.role, created_at=i.created_at)
        for i, s in await service.pending_invitations(db, principal.user)
    ]


@router.post("/invitations/{invitation_id}/accept", response_model=MeOut)
async def accept_invitation(
    invitation_id: int, principal: CurrentPrincipal, db: DbSession
) -> MeOut:
    await service.answer_invitation(db, principal.user, invitation_id, accept=True)
    return await _me(db, principal)


@router.post("/invitations/{invitation_id}/decline", status_code=status.HTTP_204_NO_CONTENT)
async def decline_invitation(
    invitation_id: int, principal: CurrentPrincipal, db: DbSession
) -> None:
    await service.answer_invitation(db, principal.user, invitation_id, accept=False)
