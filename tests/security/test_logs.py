"""Issue 10, security: no buyer texts or names in log lines; the request id shown on error
pages and in logs is the real one."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError

from agentiq.config import load_settings
from agentiq.db import create_engine, create_sessionmaker
from agentiq.kit.logging import configure_logging
from agentiq.kit.time import utcnow
from agentiq.migrate import upgrade
from agentiq.models import Interaction, Seller
from tests.security.conftest import serve

BUYER_TEXT = "Ужасное платье, Анна Покупательница, тел. 89991234567"


async def test_no_buyer_text_in_log_lines(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'agentiq.db'}"
    await asyncio.to_thread(upgrade, database_url)
    settings = load_settings(environment="test", var_dir=tmp_path, database_url=database_url)
    for json_logs in (False, True):
        configure_logging("INFO", json=json_logs)
        log = logging.getLogger("agentiq.ingestion.service")
        engine = create_engine(settings)
        try:
            async with create_sessionmaker(engine)() as session:
                seller = Seller(name="Магазин")
                session.add(seller)
                await session.flush()
                for _ in range(2):  # the second row breaks the unique key, with the text
                    session.add(
                        Interaction(
                            seller_id=seller.id,
                            channel="review",
                            external_id="same",
                            text=BUYER_TEXT,
                            buyer_name="Анна Покупательница",
                            occurred_at=utcnow(),
                        )
                    )
                with pytest.raises(IntegrityError) as caught:
                    await session.flush()
                log.exception("sync of cabinet 1 channel review failed")
                log.warning("sync failed: %s", type(caught.value).__name__)
        finally:
            await engine.dispose()

        class Review(BaseModel):
            rating: int

        try:
            Review.model_validate({"rating": BUYER_TEXT})
        except Exception:
            log.exception("a WB item did not parse")
    out, err = capfd.readouterr()
    logged = out + err
    assert "sync of cabinet 1 channel review failed" in logged
    assert "IntegrityError" in logged and "ValidationError" in logged
    assert "Покупательница" not in logged and "89991234567" not in logged
    assert "\\u041f\\u043e\\u043a" not in logged  # nor JSON-escaped


def _boom(app: Any) -> None:
    async def boom() -> None:
        raise RuntimeError(f"unexpected, while handling «{BUYER_TEXT}»")

    app.add_api_route("/api/test-boom", boom, methods=["GET"])


def test_request_id_on_error_pages_and_logs_is_the_real_one(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    with serve(tmp_path, prepare=_boom, log_level="INFO") as live:

        def boom(headers: dict[str, str]) -> httpx.Response:
            # A fresh connection each: uvicorn closes one whose request raised.
            return httpx.get(live.url + "/api/test-boom", headers=headers)

        given = boom({"x-request-id": "trace-4f2a"})
        forged = boom({"x-request-id": 'x" forged="1 ' + "a" * 300})
        plain = boom({})
        for r in (given, forged, plain):
            assert r.status_code == 500
            shown = r.json()["error"]["message"].rsplit(" ", 1)[-1]
            assert r.headers["x-request-id"] == shown, (r.headers, r.text)
        assert given.headers["x-request-id"] == "trace-4f2a"
        assert "forged" not in forged.headers["x-request-id"]
        out, err = capfd.readouterr()
        logged = out + err
        for r in (given, forged, plain):
            assert f'"request_id": "{r.headers["x-request-id"]}"' in logged or (
                f"[{r.headers['x-request-id']}]" in logged
            ), r.headers["x-request-id"]
        assert "Покупательница" not in logged
