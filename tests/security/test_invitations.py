"""Issue 10, security: adding a member who already has an account is an invitation that
user accepts, not an instant membership; after sign-in a user lands in the seller they used
last, not the first by name — over real HTTP."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.security.conftest import serve, signed_in_client


def _seller_names(client: httpx.Client) -> set[str]:
    return {s["name"] for s in client.get("/api/auth/me").json()["sellers"]}


def test_adding_an_existing_account_is_an_invitation_it_accepts(tmp_path: Path) -> None:
    with serve(tmp_path) as live:
        brand, _ = signed_in_client(live.url, "owner@brand.ru")
        agency, _ = signed_in_client(live.url, "owner@agency.ru")
        invited = brand.post("/api/auth/members", json={"email": "owner@agency.ru"})
        assert invited.status_code == 201, invited.text

        # Nothing changed for the invitee yet: no access, not listed in the brand's team.
        assert _seller_names(agency) == {"Магазин owner@agency.ru"}
        team = {m["email"] for m in brand.get("/api/auth/members").json()}
        assert "owner@agency.ru" not in team

        waiting = agency.get("/api/auth/invitations").json()
        assert [w["seller_name"] for w in waiting] == ["Магазин owner@brand.ru"]
        # Nobody else can answer it.
        stranger, _ = signed_in_client(live.url, "stranger@example.ru")
        assert stranger.post(f"/api/auth/invitations/{waiting[0]['id']}/accept").status_code == 404

        accepted = agency.post(f"/api/auth/invitations/{waiting[0]['id']}/accept")
        assert accepted.status_code == 200, accepted.text
        assert _seller_names(agency) == {"Магазин owner@agency.ru", "Магазин owner@brand.ru"}
        assert agency.get("/api/auth/invitations").json() == []

        # Declined: no membership.
        brand.post("/api/auth/members", json={"email": "stranger@example.ru"})
        offer = stranger.get("/api/auth/invitations").json()[0]
        assert stranger.post(f"/api/auth/invitations/{offer['id']}/decline").status_code == 204
        assert _seller_names(stranger) == {"Магазин stranger@example.ru"}


def test_sign_in_lands_in_the_seller_used_last(tmp_path: Path) -> None:
    with serve(tmp_path) as live:
        # "…b@…" sorts after "…a@…": the first by name is not the one used last.
        agency, own_id = signed_in_client(live.url, "a@example.ru")
        brand, _ = signed_in_client(live.url, "b@example.ru")
        brand.post("/api/auth/members", json={"email": "a@example.ru"})
        offer = agency.get("/api/auth/invitations").json()[0]
        agency.post(f"/api/auth/invitations/{offer['id']}/accept")
        target = next(
            s
            for s in agency.get("/api/auth/me").json()["sellers"]
            if s["name"] == "Магазин b@example.ru"
        )
        switched = agency.post("/api/auth/switch-seller", json={"seller_id": target["id"]})
        assert switched.status_code == 200
        agency.post("/api/auth/logout")

        with httpx.Client(base_url=live.url) as again:
            again.get("/api/health")
            csrf = again.cookies.get("agentiq_csrf") or ""
            r = again.post(
                "/api/auth/login",
                json={"email": "a@example.ru", "password": "password-123"},
                headers={"x-csrf-token": csrf},
            )
            assert r.status_code == 200
            me = again.get("/api/auth/me").json()
        assert me["seller"]["id"] == target["id"] != own_id
