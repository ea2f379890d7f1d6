from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class RegisterIn(BaseModel):
    email: str = Field(max_length=320)
    password: str = Field(max_length=200)
    seller_name: str = Field(max_length=200)
    name: str = Field(default="", max_length=200)


class SignInIn(BaseModel):
    email: str = Field(max_length=320)
    password: str = Field(max_length=200)


class PasswordChangeIn(BaseModel):
    current_password: str = Field(max_length=200)
    new_password: str = Field(max_length=200)


class SwitchSellerIn(BaseModel):
    seller_id: int


class SellerOut(BaseModel):
    id: int
    name: str
    role: str
    is_demo: bool


class MeOut(BaseModel):
    id: int
    email: str
    name: str
    seller: SellerOut
    sellers: list[SellerOut]


class InviteIn(BaseModel):
    email: str = Field(max_length=320)
    name: str = Field(default="", max_length=200)


class MemberOut(BaseModel):
    user_id: int
    email: str
    name: str
    role: str


class InviteOut(BaseModel):
    member: MemberOut
    temporary_password: str | None


class InvitationOut(BaseModel):
    id: int
    seller_name: str
    role: str
    created_at: datetime


class ApiTokenIn(BaseModel):
    name: str = Field(max_length=200)


class ApiTokenOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiTokenCreatedOut(ApiTokenOut):
    token: str  # shown once
