"""Token decoding and the Russian sentences shown on Settings → Подключения."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest

from agentiq.marketplaces.wb.token import (
    ConnectionCheck,
    HostCheck,
    TokenMalformed,
    decode_token,
    describe_connection,
)

NOW = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)


def make_token(
    *, acc: int = 3, bits: tuple[int, ...] = (7, 9), exp: datetime | None = None, **extra: object
) -> str:
    s = 0
    for bit in bits:
        s |= 1 << bit
    payload: dict[str, object] = {
        "acc": acc,
        "s": s,
        "sid": "5b8c1b2e-0000-4000-8000-000000000001",
        "id": "a4f1c2d3-0000-4000-8000-000000000002",
        "exp": int((exp or NOW + timedelta(days=180)).timestamp()),
        **extra,
    }
    return jwt.encode(payload, "test-key-that-is-long-enough-for-hs256-ok", algorithm="HS256")


def test_decodes_type_categories_read_only_and_expiry_without_the_key() -> None:
    exp = NOW + timedelta(days=100)
    info = decode_token(make_token(acc=3, bits=(7, 30), exp=exp, **{"for": "self"}))
    assert info.token_type == "personal"
    assert info.categories == frozenset({"feedbacks_questions"})
    assert info.read_only is True
    assert info.expires_at == exp.replace(microsecond=0)
    assert info.seller_id == "5b8c1b2e-0000-4000-8000-000000000001"


@pytest.mark.parametrize(
    ("acc", "expected"), [(1, "base"), (2, "test"), (3, "personal"), (4, "service"), (9, "unknown")]
)
def test_token_types(acc: int, expected: str) -> None:
    assert decode_token(make_token(acc=acc)).token_type == expected


def test_bearer_prefix_is_tolerated() -> None:
    assert decode_token("Bearer " + make_token()).has_chat


@pytest.mark.parametrize("raw", ["", "   ", "hello", "a.b.c", "eyJhbGciOiJIUzI1NiJ9.bm90anNvbg.x"])
def test_malformed_token_is_a_russian_sentence(raw: str) -> None:
    with pytest.raises(TokenMalformed) as info:
        decode_token(raw)
    assert any("а" <= ch <= "я" for ch in info.value.message.lower())


def test_payload_with_wrong_types_is_malformed() -> None:
    token = jwt.encode(
        {"acc": "x", "s": "many"}, "test-key-that-is-long-enough-for-hs256-ok", algorithm="HS256"
    )
    with pytest.raises(TokenMalformed):
        decode_token(token)


def _check(token: str, feedbacks_ok: bool = True, chat_ok: bool = True) -> ConnectionCheck:
    return ConnectionCheck(
        token=decode_token(token),
        hosts={
            "feedbacks": HostCheck(
                "feedbacks",
                ok=feedbacks_ok,
                status=200 if feedbacks_ok else 401,
                error_code=None if feedbacks_ok else "wb_token_invalid",
            ),
            "chat": HostCheck(
                "chat",
                ok=chat_ok,
                status=200 if chat_ok else 401,
                error_code=None if chat_ok else "wb_token_invalid",
            ),
        },
    )


def test_describe_missing_chat_category() -> None:
    lines = describe_connection(_check(make_token(bits=(7,)), chat_ok=False), now=NOW)
    text = "\n".join(lines)
    assert "Нет доступа к чатам: в токене не выбрана категория «Чат с покупателями»." in text
    assert "Отзывы и вопросы: подключение работает." in text
    assert "Токен персональный." in text


def test_describe_expiry_date_and_soon_warning() -> None:
    soon = NOW + timedelta(days=5, hours=1)
    lines = describe_connection(_check(make_token(exp=soon)), now=NOW)
    assert any("действует до 06.09.2026" in line and "осталось 5 дн." in line for line in lines)
    far = NOW + timedelta(days=170)
    assert any(
        line.startswith("Токен действует до")
        for line in describe_connection(_check(make_token(exp=far)), now=NOW)
    )


def test_describe_expired_token() -> None:
    lines = describe_connection(
        _check(make_token(exp=NOW - timedelta(days=1)), False, False), now=NOW
    )
    assert any("истёк" in line for line in lines)


def test_describe_base_token_warns_it_is_too_slow() -> None:
    text = " ".join(describe_connection(_check(make_token(acc=1)), now=NOW))
    assert "5 запросами в час" in text
    assert "Токен базовый." in text


def test_describe_read_only_and_revoked() -> None:
    text = " ".join(describe_connection(_check(make_token(bits=(7, 9, 30)), False, True), now=NOW))
    assert "только для чтения" in text
    assert "Отзывы и вопросы: WB отклонил токен" in text


def test_describe_malformed_token() -> None:
    check = ConnectionCheck(token=None, token_error="Это не похоже на токен WB")
    assert describe_connection(check) == ["Это не похоже на токен WB"]
