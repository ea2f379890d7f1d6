"""Russian full-text search over the inbox, plus exact matches on nmId / article / WB id.

PostgreSQL: `to_tsvector('russian', ...)` expression GIN indexes (migration 0002) and
`websearch_to_tsquery`. SQLite: FTS5 tables kept in sync by triggers; FTS5 has no Russian
stemmer, so each query word is stemmed here and matched as a prefix («размеры» → `размер*`
finds «размер», «размера», «размеры»).
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    column,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
)

from agentiq.models import Interaction, ProductCard

PG_TSV_SQL = (
    "to_tsvector('russian'::regconfig, interactions.text || ' ' || interactions.pros || ' ' || "
    "interactions.cons || ' ' || coalesce(interactions.buyer_name, '') || ' ' || "
    "coalesce(interactions.product_article, ''))"
)
PG_PRODUCT_TSV_SQL = (
    "to_tsvector('russian'::regconfig, product_cards.name || ' ' || product_cards.supplier_article)"
)
MAX_QUERY_WORDS = 8

_WORD = re.compile(r"[0-9a-zа-я]+", re.IGNORECASE)
_VOWELS = set("аеиоуыэюя")
# Snowball-style Russian endings, longest first within each group.
_REFLEXIVE = ("ся", "сь")
_ENDINGS = tuple(
    sorted(
        {
            # adjectival
            "ее",
            "ие",
            "ые",
            "ое",
            "ими",
            "ыми",
            "ей",
            "ий",
            "ый",
            "ой",
            "ем",
            "им",
            "ым",
            "ом",
            "его",
            "ого",
            "ему",
            "ому",
            "их",
            "ых",
            "ую",
            "юю",
            "ая",
            "яя",
            "ою",
            "ею",
            # participles, verbs
            "ивш",
            "ывш",
            "ующ",
            "ла",
            "на",
            "ете",
            "йте",
            "ли",
            "й",
            "л",
            "н",
            "ло",
            "но",
            "ет",
            "ют",
            "ны",
            "ть",
            "ешь",
            "нно",
            "ила",
            "ыла",
            "ена",
            "ейте",
            "уйте",
            "ите",
            "или",
            "ыли",
            "уй",
            "ил",
            "ыл",
            "ен",
            "ило",
            "ыло",
            "ено",
            "ят",
            "ует",
            "уют",
            "ит",
            "ыт",
            "ены",
            "ить",
            "ыть",
            "ишь",
            "ю",
            # nouns
            "а",
            "ев",
            "ов",
            "ье",
            "е",
            "иями",
            "ями",
            "ами",
            "еи",
            "ии",
            "и",
            "ией",
            "я",
            "иям",
            "ям",
            "ием",
            "ам",
            "о",
            "у",
            "ах",
            "иях",
            "ях",
            "ы",
            "ь",
            "ию",
            "ью",
            "ия",
            "ья",
        },
        key=len,
        reverse=True,
    )
)


def stem_russian(word: str) -> str:
    """A light Russian stemmer: strip one inflectional ending after the first vowel."""
    word = word.lower().replace("ё", "е")
    if not re.fullmatch(r"[а-я]+", word):
        return word
    first_vowel = next((i for i, ch in enumerate(word) if ch in _VOWELS), None)
    if first_vowel is None:
        return word
    rv_start = first_vowel + 1
    for suffix in _REFLEXIVE:
        if word.endswith(suffix) and len(word) - len(suffix) >= rv_start:
            word = word[: -len(suffix)]
            break
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= max(rv_start, 3):
            word = word[: -len(ending)]
            break
    if word.endswith("ь") and len(word) > 3:
        word = word[:-1]
    return word


def query_words(q: str) -> list[str]:
    return _WORD.findall(q.replace("ё", "е").replace("Ё", "Е"))[:MAX_QUERY_WORDS]


def fts5_match(q: str) -> str | None:
    """An FTS5 MATCH expression: every word (stemmed) as a quoted prefix, all required."""
    words = [stem_russian(w) for w in query_words(q)]
    terms = [f'"{w}"*' for w in words if w]
    return " ".join(terms) or None


def _exact_match(seller_id: int, q: str) -> ColumnElement[bool]:
    article_nm = select(ProductCard.nm_id).where(
        ProductCard.seller_id == seller_id, ProductCard.supplier_article == q
    )
    options: list[ColumnElement[bool]] = [
        Interaction.product_article == q,
        Interaction.external_id == q,
        Interaction.nm_id.in_(article_nm),
    ]
    if q.isdigit() and len(q) < 18:
        options.append(Interaction.nm_id == int(q))
    return or_(*options)


def _sqlite_text_match(seller_id: int, q: str) -> ColumnElement[bool] | None:
    match = fts5_match(q)
    if match is None:
        return None
    interactions_fts = table("interactions_fts", column("rowid"))
    products_fts = table("product_cards_fts", column("rowid"))
    in_text: Select[Any] = select(interactions_fts.c.rowid).where(
        literal_column("interactions_fts").op("MATCH")(literal(match))
    )
    product_ids = select(products_fts.c.rowid).where(
        literal_column("product_cards_fts").op("MATCH")(literal(match))
    )
    product_nm = select(ProductCard.nm_id).where(
        ProductCard.seller_id == seller_id, ProductCard.id.in_(product_ids)
    )
    return or_(Interaction.id.in_(in_text), Interaction.nm_id.in_(product_nm))


def _pg_text_match(seller_id: int, q: str) -> ColumnElement[bool] | None:
    if not query_words(q):
        return None
    query = func.websearch_to_tsquery(literal_column("'russian'::regconfig"), literal(q))
    product_nm = select(ProductCard.nm_id).where(
        ProductCard.seller_id == seller_id,
        literal_column(PG_PRODUCT_TSV_SQL).op("@@")(query),
    )
    return or_(
        literal_column(PG_TSV_SQL).op("@@")(query),
        Interaction.nm_id.in_(product_nm),
    )


def search_condition(dialect: str, seller_id: int, q: str | None) -> ColumnElement[bool] | None:
    """The WHERE condition for the search box, or None when the query is empty."""
    q = " ".join((q or "").split())[:200]
    if not q:
        return None
    text_match = (
        _sqlite_text_match(seller_id, q) if dialect == "sqlite" else _pg_text_match(seller_id, q)
    )
    exact = _exact_match(seller_id, q)
    return exact if text_match is None else or_(text_match, exact)
