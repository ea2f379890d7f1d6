"""Issue 10, security: the deployment's LLM key never leaves for a seller-chosen URL, and
the base-URL setting is not an SSRF probe — over real HTTP against a running app."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fakes.fake_openai import FakeOpenAI, Reply, Status
from tests.security.conftest import free_socket, serve, signed_in_client
from tests.security.helpers import add_review, store_ai_settings
from tests.security.recorder import Recorder

ENV_KEY = "sk-environment-deployment-key-0123456789"
SELLER_KEY = "sk-sellers-own-key-abcdef"


def test_llm_key_never_reaches_a_seller_chosen_url(tmp_path: Path) -> None:
    with (
        FakeOpenAI() as environment_llm,
        Recorder() as attacker,
        serve(tmp_path, llm_base_url=environment_llm.base_url, llm_api_key=ENV_KEY) as live,
    ):
        client, seller_id = signed_in_client(live.url, "owner@example.ru")
        item_id = live.call(add_review(live.runtime, seller_id))

        # The environment's own URL is trusted and gets the environment's key.
        environment_llm.enqueue(Reply("Спасибо за отзыв! Рады, что платье понравилось."))
        draft = client.post(f"/api/interactions/{item_id}/ai-draft").json()["draft"]
        assert draft["source"] == "llm"
        assert environment_llm.headers[-1]["authorization"] == f"Bearer {ENV_KEY}"

        # A seller points the assistant at their own server without a key of their own.
        for url in (
            f"http://127.0.0.1:{attacker.port}/v1",
            f"https://127.0.0.1:{attacker.port}/v1",
            f"https://localhost:{attacker.port}/v1",
            f"https://[::ffff:127.0.0.1]:{attacker.port}/v1",
            "https://169.254.169.254/latest/meta-data",
            "https://10.0.0.1/v1",
        ):
            r = client.put("/api/settings/ai", json={"base_url": url})
            assert r.status_code == 422, (url, r.text)
            assert "https" in r.json()["error"]["message"], r.text
            assert ENV_KEY not in r.text

        # Stored anyway (a name whose DNS answer changed after it was saved): the
        # connection-time check refuses, with or without a key of the seller's own.
        for key in (None, SELLER_KEY):
            live.call(
                store_ai_settings(
                    live.runtime,
                    seller_id,
                    {"enabled": True, "base_url": f"https://localhost:{attacker.port}/v1"},
                    key=key,
                )
            )
            draft = client.post(f"/api/interactions/{item_id}/ai-draft").json()["draft"]
            assert draft["source"] == "builtin"
        assert attacker.received == []


def test_llm_refusal_does_not_tell_whether_an_internal_address_answered(tmp_path: Path) -> None:
    with Recorder() as listening, serve(tmp_path) as live:
        with free_socket() as closed:  # bound, never listening, then closed
            closed_port = closed.getsockname()[1]
        client, seller_id = signed_in_client(live.url, "probe@example.ru")
        item_id = live.call(add_review(live.runtime, seller_id))
        reasons = []
        for port in (listening.port, closed_port):
            live.call(
                store_ai_settings(
                    live.runtime,
                    seller_id,
                    {"enabled": True, "base_url": f"https://localhost:{port}/v1"},
                    key=SELLER_KEY,
                )
            )
            body = client.post(f"/api/interactions/{item_id}/ai-draft").json()
            reasons.append(body["draft"]["fallback_reason"])
        assert reasons[0] == reasons[1]
        assert listening.received == []


def test_seller_url_needs_the_sellers_own_key(tmp_path: Path) -> None:
    """A self-hosted model on the operator's allow-list: the seller's key goes there, the
    environment's never does, and saving the URL without a key says why in Russian."""
    with (
        FakeOpenAI() as environment_llm,
        FakeOpenAI() as sellers_llm,
        serve(
            tmp_path,
            llm_base_url=environment_llm.base_url,
            llm_api_key=ENV_KEY,
            llm_allowed_hosts="localhost",
        ) as live,
    ):
        client, seller_id = signed_in_client(live.url, "own@example.ru")
        item_id = live.call(add_review(live.runtime, seller_id))
        own_url = f"http://localhost:{sellers_llm.port}/v1"

        refused = client.put("/api/settings/ai", json={"base_url": own_url})
        assert refused.status_code == 422
        assert "свой ключ" in refused.json()["error"]["message"]

        saved = client.put("/api/settings/ai", json={"base_url": own_url, "api_key": SELLER_KEY})
        assert saved.status_code == 200, saved.text
        sellers_llm.enqueue(Reply("Спасибо за отзыв! Рады, что платье понравилось."))
        draft = client.post(f"/api/interactions/{item_id}/ai-draft").json()["draft"]
        assert draft["source"] == "llm"
        assert [h["authorization"] for h in sellers_llm.headers] == [f"Bearer {SELLER_KEY}"]
        assert environment_llm.headers == []

        # Removing the own key does not bring the environment's key to the seller's URL.
        client.put("/api/settings/ai", json={"api_key": ""})
        live.call(
            store_ai_settings(live.runtime, seller_id, {"enabled": True, "base_url": own_url})
        )
        client.post(f"/api/interactions/{item_id}/ai-draft")
        assert all(ENV_KEY not in h.get("authorization", "") for h in sellers_llm.headers)


def test_seller_llm_redirect_is_not_followed(tmp_path: Path) -> None:
    with (
        FakeOpenAI() as sellers_llm,
        Recorder() as internal,
        serve(tmp_path, llm_allowed_hosts="localhost") as live,
    ):
        client, seller_id = signed_in_client(live.url, "redirect@example.ru")
        item_id = live.call(add_review(live.runtime, seller_id))
        saved = client.put(
            "/api/settings/ai",
            json={
                "enabled": True,
                "base_url": f"http://localhost:{sellers_llm.port}/v1",
                "api_key": SELLER_KEY,
            },
        )
        assert saved.status_code == 200, saved.text
        location = f"http://127.0.0.1:{internal.port}/v1/chat/completions"
        sellers_llm.enqueue(*[Status(307, headers={"location": location})] * 3)
        draft = client.post(f"/api/interactions/{item_id}/ai-draft").json()["draft"]
        assert draft["source"] == "builtin"
        assert internal.received == []


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "192.168.0.1",
        "169.254.169.254",
        "::1",
        "::ffff:127.0.0.1",
        "fc00::1",
        "0.0.0.0",
        "100.64.0.1",
    ],
)
def test_non_public_addresses_are_refused(address: str) -> None:
    import ipaddress

    from agentiq.kit.ssrf import is_public_address

    assert not is_public_address(ipaddress.ip_address(address))
    assert is_public_address(ipaddress.ip_address("77.88.55.242"))
