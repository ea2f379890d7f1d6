"""Why a negative review is negative: its cause, the words that say so, and a confidence.

Since April 2025 WB leaves out of a product's rating the reviews that are not about the
product (delivery, pick-up point, courier, a wrong item handed over), and sellers may contest
abusive, off-topic and advertising reviews. The classifier sorts every negative review into
one of six causes; four of them are appealable. Everything that criticises the product itself
wins over everything else, so a defect mentioned next to a late delivery is never proposed as
«не о товаре». Rules are data in the pattern language of `triage/text.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

from agentiq.kit.textnorm import fold, reveal
from agentiq.triage.text import Text, compile_term, is_negated, term_set

DEFECT: Final = "defect"
MISMATCH: Final = "mismatch"
LOGISTICS: Final = "logistics"
WRONG_ITEM: Final = "wrong_item"
ABUSIVE: Final = "abusive"
SPAM: Final = "spam"

CAUSES: Final = (DEFECT, MISMATCH, LOGISTICS, WRONG_ITEM, ABUSIVE, SPAM)
PRODUCT_CAUSES: Final = frozenset({DEFECT, MISMATCH})
APPEALABLE_CAUSES: Final = frozenset({LOGISTICS, WRONG_ITEM, ABUSIVE, SPAM})

CAUSE_LABELS: Final = {
    DEFECT: "Брак товара",
    MISMATCH: "Не оправдал ожиданий (размер, цвет, фото)",
    LOGISTICS: "Доставка и пункт выдачи",
    WRONG_ITEM: "Прислали не тот товар",
    ABUSIVE: "Оскорбления или не по теме",
    SPAM: "Реклама, конкуренты, спам",
}

# A review is proposed for an appeal only at or above this confidence.
HIGH_CONFIDENCE: Final = 0.8
# Only these ratings are «negative» for the classifier and the appeal queue.
NEGATIVE_MAX_RATING: Final = 3

# term -> weight. Terms respect negation («не сломан», «брака нет»).
CAUSE_TERMS: Final[dict[str, dict[str, float]]] = {
    DEFECT: {
        "брак*": 2,
        "дефект*": 2,
        "слома*": 2,
        "сломан*": 2,
        "ломает*": 2,
        "не работает": 2,
        "не работают": 2,
        "не работал*": 2,
        "перестал*": 2,
        "не включает*": 2,
        "не греет": 2,
        "не светит": 2,
        "не звучит": 2,
        "не заряжает*": 2,
        "не закрывает*": 2,
        "не застегива*": 2,
        "заедает": 2,
        "залипа*": 2,
        "моргает": 1,
        "хрипит": 2,
        "греется": 1,
        "развалил*": 2,
        "отклеил*": 2,
        "отвалил*": 2,
        "отваливают*": 2,
        "оторвал*": 2,
        "отошл*": 2,
        "облез*": 2,
        "полинял*": 2,
        "катышк*": 2,
        "порвал*": 2,
        "разошел*": 2,
        "расползл*": 2,
        "располз*": 2,
        "дыр*": 2,
        "пятн*": 1,
        "плесен*": 2,
        "трещин*": 2,
        "треснул*": 2,
        "течет": 2,
        "протека*": 2,
        "подделк*": 2,
        "поддельн*": 2,
        "не оригинал*": 2,
        "запах*": 1,
        "пахнет": 1,
        "воня*": 1,
        "прогорк*": 2,
        "комочк*": 1,
        "расслоил*": 2,
        "срок годности": 1,
        "пригора*": 2,
        "отстают": 1,
        "битые": 1,
        "нитки торчат": 2,
        "строчка кривая": 2,
        "качество ужасн*": 2,
        "качество отвратительн*": 2,
        "качество никак*": 2,
        "качество плох*": 2,
        "ужасное качество": 2,
        "плохое качество": 2,
        "опасн*": 1,
        "хрупк*": 1,
        # An incomplete or scratched product is the seller's, even in a crushed box.
        "не хватает": 2,
        "недокомплект*": 2,
        "некомплект*": 2,
        "не доложил*": 2,
        "нет в комплекте": 2,
        "царапин*": 2,
        "поцарапан*": 2,
        "сколы": 2,
    },
    MISMATCH: {
        "маломер*": 2,
        "большемер*": 2,
        "размер не подош*": 2,
        "не подош* размер*": 2,
        "не мой размер": 2,
        "размер не соответ*": 2,
        "размер* в таблице": 2,
        "по таблице": 1,
        "мала": 2,
        "мал": 1,
        "велик*": 2,
        "маловат*": 2,
        "великоват*": 2,
        "жмет": 2,
        "узк*": 1,
        "не налез*": 2,
        "не по фигуре": 2,
        "не по росту": 2,
        "сидит": 1,
        "фасон*": 1,
        "на фото": 2,
        "фото": 1,
        "фотографи*": 2,
        "картинк*": 2,
        "на экране": 1,
        "оттен*": 2,
        "цвет": 1,
        "описани*": 2,
        "заявлен*": 1,
        "в карточке": 2,
        "ожидал*": 2,
        "ожидани*": 2,
        "думал*": 1,
        "казалось": 1,
        "в жизни": 1,
        "вживую": 1,
        "в реальност*": 1,
        "по факту": 1,
        "меньше": 1,
        "мелк*": 1,
        "крошечн*": 1,
        "тонк*": 1,
        "просвечива*": 2,
        "прозрачн*": 1,
        "колюч*": 1,
        "тяжелее": 1,
        "комплектаци*": 2,
        "короче": 1,
        "выглядит дешевле": 2,
        "дешевый вид": 2,
        "разочарован*": 1,
        "не соответствует": 1,
        "не совпадает с фото*": 2,
    },
    WRONG_ITEM: {
        "пересорт*": 3,
        "перепутал*": 2,
        "подменил*": 3,
        "чуж*": 2,
        "вместо": 1,
        "другой товар": 3,
        "другая вещь": 3,
        "другой артикул": 3,
        "другая модель": 3,
        "другую модель": 3,
        "другая позиция": 3,
        "артикул не совпада*": 3,
        "артикул на бирке другой": 3,
        "не совпадает с заказом": 3,
        "не мой": 1,
        "не мой товар": 3,
        "левая вещь": 3,
        "другого производител*": 2,
        "другой марки": 2,
        r"re:\b(пришл|пришел|пришол|прислал|привезл|положил|доставил|получил)\w*"
        r"( \w+){0,2} не (тот|та|то|те|ту|ту)\b": 3,
        r"re:\b(пришл|пришел|прислал|привезл|положил|доставил|получил)\w*"
        r"( \w+){0,2} (друг|чуж|совершенно друг|совсем друг)\w*": 3,
        r"re:\bне (тот|та|то|те|ту) (товар|цвет|размер|модел\w*|артикул|заказ|вещь)\b": 3,
        r"re:\bне (тот|та|то|те|ту)( что| за которую)( \w+)? (заказ|выбирал|платил)\w*": 3,
        r"re:\bне то что (я )?заказ\w*": 3,
    },
    LOGISTICS: {
        "доставк*": 2,
        "доставку": 2,
        "курьер*": 2,
        "пвз": 2,
        "пункт* выдач*": 2,
        "постамат*": 2,
        "ячейк*": 1,
        "сортировк*": 2,
        "в пути": 2,
        "везли": 2,
        "привезли": 1,
        "ждал*": 1,
        "опоздал*": 2,
        "опоздани*": 2,
        "задержк*": 2,
        "сроки": 1,
        "долго": 1,
        "потерял*": 2,
        "потеряли": 2,
        "вскрыт*": 2,
        "пломб*": 2,
        "скотч*": 1,
        "очеред*": 1,
        "склад*": 1,
        "транспортировк*": 2,
        "по дороге": 1,
        "посылк*": 1,
        "заказ отменили": 2,
        r"re:\b(\d+|два|две|три|четыре|пять|шесть|семь|восемь|девять|десять|\w+надцать|"
        r"двадцать|тридцать) (дн\w*|недел\w*|месяц\w*)\b": 1,
        "месяц почти": 1,
    },
    ABUSIVE: {
        "идиот*": 2,
        "дебил*": 2,
        "урод*": 2,
        "дура": 2,
        "дураки": 2,
        "придурк*": 2,
        "кретин*": 2,
        "тупые": 2,
        "тупой": 2,
        "тупорыл*": 2,
        "твар*": 2,
        "мраз*": 2,
        "скоты": 2,
        "гады": 2,
        "стерв*": 2,
        "сука": 2,
        "суки": 2,
        "сдохн*": 2,
        "в аду": 2,
        "пусто было": 2,
        "ненавиж*": 1,
        "мошенник*": 1,
        "обманщик*": 1,
        "воры": 1,
        "жулик*": 1,
        "пошли вы": 2,
        "хуй*": 3,
        "хуе*": 3,
        "пизд*": 3,
        "ебан*": 3,
        "бля*": 3,
        "долбо*": 3,
        "жоп*": 2,
        # Off-topic: the review rates something other than the product.
        "по ошибке": 4,
        "ошибочно": 4,
        "случайно постав*": 3,
        "еще не получ*": 3,
        "еще даже не получ*": 3,
        "не за товар": 3,
        "не про товар": 3,
        "не о товаре": 3,
        "правительств*": 2,
        "налог*": 2,
        "зарплат*": 2,
        "погод*": 2,
        "настроени*": 1,
        "день рождени*": 2,
        "кот": 1,
        "шаурм*": 3,
        "приложени*": 1,
        "вылета*": 1,
        "тормозит": 1,
        "комисси*": 2,
        "платный возврат": 2,
        "вайлдберриз*": 1,
        "вайлдберрис*": 1,
        "тест": 2,
        "живу": 1,
        "просто так": 1,
    },
    SPAM: {
        "в магазине": 2,
        "у магазина": 2,
        "рекомендую магазин": 3,
        "конкурент*": 3,
        "у бренда": 3,
        "у другого продавц*": 3,
        "у производител*": 2,
        "купите лучше": 2,
        "лучше закажите": 2,
        "берите у": 2,
        "берите там": 2,
        "дешевле": 1,
        "телеграм*": 3,
        "телег*": 2,
        "вотсап*": 3,
        "whatsapp": 3,
        "инстаграм*": 3,
        "канал*": 2,
        "подписывайтесь": 3,
        "ссылк*": 2,
        "профил*": 1,
        "сайт*": 2,
        "в личку": 3,
        "заработ*": 3,
        "подработк*": 3,
        "ставки на спорт": 3,
        "оптом": 2,
        "продам": 2,
        "промокод*": 2,
        "звоните": 2,
        "пишите": 1,
    },
}

# Words that clear the product: «товар целый», «к качеству претензий нет». Matched without
# negation, because the negation is the point.
PRODUCT_FINE_TERMS: Final = (
    "товар цел*",
    "товар в порядке",
    "товар не пострадал",
    "сам товар цел*",
    "сам товар в порядке",
    "претензий нет",
    "претензий к нему нет",
    "вопросов нет",
    "к качеству претензий нет",
    "к самому товару вопросов нет",
    "вещь хорошая",
    "товар отличный",
    "товар на месте",
)

# Packaging hurt on the way is logistics, and the damage words inside it are not a defect.
_PACKAGING_RE = re.compile(
    r"\b(коробк|упаковк|пакет|посылк)\w*( \w+){0,3} (мят|смят|помят|порван|вскрыт|мокр|"
    r"развалил|открыт|раздавл|поврежд)\w*"
    r"|\b(смял|смяли|помял|помяли|порвал|вскрыл)\w*( \w+){0,2} (коробк|упаковк|пакет|посылк)\w*"
    r"|\b(углы|уголки) (раздавл|смят|помят)\w*"
)
_URL_RE = re.compile(r"(https?://|www\.|\bt\.me/|\b[\w-]+\.(ru|com|рф|net|org|shop)\b)", re.I)
_HANDLE_RE = re.compile(r"(?<![\w.])@[A-Za-z0-9_]{3,}")
_PHONE_RE = re.compile(r"(?:\+7|\b8)[\s(-]*\d{3}[\s)-]*\d{3}[\s-]*\d{2}[\s-]*\d{2}\b")
# A word with letters hidden behind asterisks: «х**ня», «с*ки».
_MASK_RE = re.compile(r"[A-Za-zА-Яа-яЁё]+\*+[A-Za-zА-Яа-яЁё]*")
_WORD_OFFSETS_RE = re.compile(r"[a-zа-я0-9]+")
_KEYBOARD_ROWS = ("йцукенгшщзхъ", "фывапролджэ", "ячсмитьбю", "qwertyuiop", "asdfghjkl", "zxcvbnm")
_VOWELS = set("аеёиоуыэюяaeiouy")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    cause: str


@dataclass(frozen=True)
class Classification:
    cause: str
    confidence: float
    spans: tuple[Span, ...] = ()
    scores: dict[str, float] = field(default_factory=dict)

    @property
    def appealable(self) -> bool:
        return self.cause in APPEALABLE_CAUSES

    @property
    def proposed(self) -> bool:
        """Whether the review goes to the appeal queue."""
        return self.appealable and self.confidence >= HIGH_CONFIDENCE


@dataclass(frozen=True)
class _Tokens:
    text: Text
    offsets: tuple[tuple[int, int], ...]


def _tokens_with_offsets(raw: str) -> _Tokens:
    """Words after the shared normalisation (`kit.textnorm`: case, ё, look-alike letters,
    spaced or dotted letters, leet, numbers in words) with their character spans in `raw`."""
    view = reveal(fold(raw))[0]
    words: list[str] = []
    offsets: list[tuple[int, int]] = []
    for match in _WORD_OFFSETS_RE.finditer(view.text):
        words.append(match.group())
        offsets.append(view.source_span(match.start(), match.end()))
    tokens = tuple(words)
    return _Tokens(Text(tokens, " ".join(tokens)), tuple(offsets))


def _char_span(tokens: _Tokens, start: int, end: int, cause: str) -> Span | None:
    if not tokens.offsets or end <= start:
        return None
    return Span(tokens.offsets[start][0], tokens.offsets[end - 1][1], cause)


def _term_hits(
    tokens: _Tokens, terms: dict[str, float], *, blocked: set[int]
) -> tuple[float, list[tuple[int, int]]]:
    """Score and token spans of the terms found (not negated, not inside `blocked` words)."""
    found = term_set(tuple(terms)).find(tokens.text, respect_negation=True)
    score = 0.0
    spans: list[tuple[int, int]] = []
    for source in found:
        term_spans = [
            (s, e)
            for s, e in compile_term(source).spans(tokens.text.tokens, tokens.text.joined)
            if not is_negated(tokens.text.tokens, s, e) and not (set(range(s, e)) & blocked)
        ]
        if term_spans:
            score += terms[source]
            spans.extend(term_spans)
    return score, spans


def _regex_token_spans(tokens: _Tokens, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    joined = tokens.text.joined
    spans = []
    for m in pattern.finditer(joined):
        first = joined.count(" ", 0, m.start())
        last = joined.count(" ", 0, max(m.start(), m.end() - 1)) + 1
        spans.append((first, last))
    return spans


def _oddness(word: str) -> float:
    """1 for a keyboard run, a held-down letter, a repeated syllable or a vowel-less word."""
    odd = (
        (len(word) >= 4 and any(word in row for row in _KEYBOARD_ROWS))
        or re.search(r"(\w)\1{4,}", word)
        or re.fullmatch(r"(\w{2,3})\1{1,}\w{0,2}", word)
        or (len(word) >= 3 and not (set(word) & _VOWELS))
    )
    if odd:
        return 1.0
    # Latin words in a Russian review: a wrong keyboard layout, mostly.
    return 0.5 if word.isascii() and word.isalpha() else 0.0


def _gibberish(tokens: tuple[str, ...]) -> bool:
    """Keyboard runs, one letter held down, a syllable repeated, digits only, one word spammed."""
    words = [t for t in tokens if t != "|"]
    if not words:
        return False
    if all(w.isdigit() for w in words):
        return True
    if len(words) >= 5 and max(words.count(w) for w in set(words)) / len(words) >= 0.6:
        return True
    odd = 0.0
    for word in words:
        odd += _oddness(word)
    return odd / len(words) >= 0.6


def classify(text: str, *, rating: int | None = None) -> Classification:
    """The cause of one negative review (text, pros and cons joined by the caller)."""
    tokens = _tokens_with_offsets(text)
    packaging = _regex_token_spans(tokens, _PACKAGING_RE)
    blocked = {i for s, e in packaging for i in range(s, e)}

    scores: dict[str, float] = {}
    hits: dict[str, list[tuple[int, int]]] = {}
    for cause, terms in CAUSE_TERMS.items():
        scores[cause], hits[cause] = _term_hits(
            tokens, terms, blocked=blocked if cause == DEFECT else set()
        )
    if packaging:
        scores[LOGISTICS] += 2 * len(packaging)
        hits[LOGISTICS].extend(packaging)
    char_spans: dict[str, list[Span]] = {cause: [] for cause in CAUSES}
    for pattern, cause, weight in (
        (_URL_RE, SPAM, 3),
        (_HANDLE_RE, SPAM, 3),
        (_PHONE_RE, SPAM, 3),
        (_MASK_RE, ABUSIVE, 3),
    ):
        for m in pattern.finditer(text):
            scores[cause] += weight
            char_spans[cause].append(Span(m.start(), m.end(), cause))
    gibberish = _gibberish(tokens.text.tokens)
    if gibberish:
        scores[SPAM] += 3
        if tokens.offsets:
            char_spans[SPAM].append(Span(tokens.offsets[0][0], tokens.offsets[-1][1], SPAM))
    product_fine = bool(term_set(PRODUCT_FINE_TERMS).find(tokens.text, respect_negation=False))

    cause, confidence = _decide(scores, product_fine=product_fine, gibberish=gibberish)
    spans = [
        span for s, e in hits[cause] if (span := _char_span(tokens, s, e, cause)) is not None
    ] + char_spans[cause]
    spans.sort(key=lambda sp: (sp.start, sp.end))
    return Classification(cause, round(confidence, 2), tuple(_merge(spans, text)), scores)


def _decide(scores: dict[str, float], *, product_fine: bool, gibberish: bool) -> tuple[str, float]:
    """Product complaints win; among the rest the strongest signal wins."""
    defect, mismatch = scores[DEFECT], scores[MISMATCH]
    wrong = scores[WRONG_ITEM]
    others = {c: scores[c] for c in (LOGISTICS, ABUSIVE, SPAM)}
    strongest_other = max(others.values())
    if gibberish and defect == 0 and mismatch < 2:
        return SPAM, 0.9
    if defect > 0 and not (product_fine and defect < 2):
        return DEFECT, _confidence(defect, strongest_other + wrong)
    if wrong >= 3 and wrong >= mismatch and wrong >= strongest_other:
        # A different item than ordered; a product word beside it lowers the confidence.
        return WRONG_ITEM, _confidence(wrong, mismatch + defect)
    # A stray «описание» in an advert does not make it a product complaint.
    outweighed = mismatch < 3 and strongest_other >= mismatch + 3
    plain = mismatch > 0 and strongest_other == 0 and wrong == 0
    cleared = product_fine and mismatch < 3
    if not outweighed and not cleared and (mismatch >= 2 or plain):
        return MISMATCH, _confidence(mismatch, strongest_other + wrong)
    if wrong > 0 and wrong >= strongest_other:
        return WRONG_ITEM, _confidence(wrong, mismatch + defect)
    if strongest_other > 0:
        # Ties: advertising over abuse over delivery (the first is the surest appeal).
        cause = max((SPAM, ABUSIVE, LOGISTICS), key=lambda c: others[c])
        rivals = mismatch + defect + (1 if product_fine else 0) * -1
        confidence = _confidence(others[cause], max(rivals, 0))
        if product_fine:
            confidence = min(0.97, confidence + 0.1)
        return cause, confidence
    # Nothing specific: a plain «плохо» is about the product, and WB counts it.
    return DEFECT, 0.3


def _confidence(score: float, rivals: float) -> float:
    """Higher with a stronger own signal, lower with competing ones."""
    base = 0.6 if score < 2 else 0.85 if score < 3 else 0.92
    if rivals > 0:
        base -= min(0.4, 0.15 * rivals)
    return max(0.2, base)


def _merge(spans: list[Span], text: str) -> list[Span]:
    """Overlapping spans, and spans only a space apart, become one («Курьер опоздал»)."""
    merged: list[Span] = []
    for span in spans:
        if merged and (
            span.start <= merged[-1].end or not text[merged[-1].end : span.start].strip()
        ):
            last = merged[-1]
            merged[-1] = Span(last.start, max(last.end, span.end), last.cause)
        else:
            merged.append(span)
    return merged


def review_text(text: str, cons: str = "") -> str:
    """The one string a review is classified on; spans index into it. The pros are left out:
    they praise («быстрая доставка») and would read as the complaint's cause."""
    parts = [p.strip() for p in (text, cons) if p and p.strip()]
    return "\n".join(parts)
