"""The single promo code of the old AI settings moves into promo_codes."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import create_engine, text

from agentiq.migrate import upgrade

LEVERS = "6b2509983190"


def test_ai_settings_promo_code_becomes_a_promo_code_row(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    url = f"sqlite+aiosqlite:///{path}"
    upgrade(url, "analytics_0003")
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as db:
        for seller_id, name in ((1, "С кодом"), (2, "Без кода")):
            db.execute(
                text(
                    "INSERT INTO sellers (id, name, is_demo, created_at, updated_at) "
                    "VALUES (:id, :name, 0, '2026-01-01', '2026-01-01')"
                ),
                {"id": seller_id, "name": name},
            )
        values = {1: {"tone": "formal", "suggest_promo": True, "promo_code": " SORRY10 "}}
        values[2] = {"tone": "friendly", "suggest_promo": True}
        for seller_id, value in values.items():
            db.execute(
                text(
                    "INSERT INTO runtime_settings (seller_id, namespace, key, value, created_at,"
                    " updated_at) VALUES (:s, 'ai', 'assistant', :v, '2026-01-01', '2026-01-01')"
                ),
                {"s": seller_id, "v": json.dumps(value)},
            )
    upgrade(url, LEVERS)
    with engine.begin() as db:
        codes = db.execute(
            text("SELECT seller_id, code, all_products, scope FROM promo_codes")
        ).all()
        assert [(c.seller_id, c.code, bool(c.all_products)) for c in codes] == [
            (1, "SORRY10", True)
        ]
        assert json.loads(codes[0].scope)["placements"] == ["chat_positive", "chat_negative"]
        rows = db.execute(
            text("SELECT seller_id, namespace, value FROM runtime_settings ORDER BY seller_id, id")
        ).all()
        by_key = {(r.seller_id, r.namespace): json.loads(r.value) for r in rows}
        assert by_key[(1, "ai")] == {"tone": "formal"}
        assert by_key[(1, "promo")] == {"ai_offers": True, "warn_reviews": True}
        # No code: nothing to offer, so the switch stays off.
        assert by_key[(2, "promo")] == {"ai_offers": False, "warn_reviews": True}
    engine.dispose()
