"""Guardrail rules as data: one Rule per category, regex patterns, severity per channel kind.

Patterns run over *folded* text (lower case, «ё» → «е»), so they are written in lower case
with «е». Patterns in `words` are whole words or phrases: the engine wraps each in Cyrillic-
and Latin-aware boundaries (`(?<![а-яa-z0-9])…(?![а-яa-z0-9])`), because Python's `\\b` alone
would let «бот» match inside «работа». A literal space in a `words` pattern means "one or more
whitespace characters". Word forms are spelled out (`бот(?:а|у|ом|ы|ов)?`) or given as a stem
with `[а-я]*` when every form of the stem is a hit. Patterns in `raw` (links, phones, e-mails)
are used as they are.

Severity: `public` applies to review and question answers (published on the product page —
strict), `private` to chat messages. `None` means the rule does not apply to that channel kind.
"""

from __future__ import annotations

from dataclasses import dataclass

from agentiq.guardrails.violations import Severity

# Length bounds per channel, in characters: WB's feedback/question answer takes 2…5000,
# a chat message at most 1000.
LENGTH_LIMITS: dict[str, tuple[int, int]] = {
    "review": (2, 5000),
    "question": (2, 5000),
    "chat": (1, 1000),
}

# A draft whose normalised similarity (rapidfuzz ratio, 0–100) to one of the seller's recent
# public answers is at or above this is a near-duplicate: buyers read answers side by side on
# the product page, and copy-paste answers look careless. 90 catches a changed name or a
# swapped word while letting answers built from the same blocks in a different order pass.
DUPLICATE_THRESHOLD = 90.0


@dataclass(frozen=True)
class Rule:
    category: str
    message_ru: str
    public: Severity | None
    private: Severity | None
    words: tuple[str, ...] = ()
    raw: tuple[str, ...] = ()


RULES: tuple[Rule, ...] = (
    Rule(
        category="ai_mention",
        message_ru="Уберите упоминание ИИ, бота или автоматического ответа: отвечает магазин.",
        public="error",
        private="error",
        words=(
            r"(?:чат-?)?бот(?:а|у|ом|е|ы|ов|ам|ами|ах)?",
            # «робот-пылесос» is a product, not a bot: a hyphenated compound does not count.
            r"робот(?:а|у|ом|е|ы|ов|ам|ами|ах)?(?!-)",
            r"нейросет[а-я]*",
            r"нейронн[а-я]* сет[а-я]*",
            r"искусственн[а-я]* интеллект[а-я]*",
            r"ии",
            r"ai",
            r"llm",
            r"(?:chat)?gpt(?:-?\d+)?",
            r"чат ?gpt",
            r"deepseek",
            r"openai",
            r"языков[а-я]* модел[а-я]*",
            r"автоответчик[а-я]*",
            r"автоматическ[а-я]* ответ[а-я]*",
            r"(?:сгенерирован|сформирован)[а-я]* автоматически",
        ),
    ),
    Rule(
        category="promise",
        message_ru=(
            "Не обещайте возврат, замену, компенсацию или гарантии — напишите, как оформить "
            "возврат через Wildberries."
        ),
        public="error",
        private="warning",
        words=(
            r"(?:вернем|возвратим|возместим|компенсируем|выплатим|перечислим)",
            r"(?:заменим|обменяем)",
            r"(?:гарантируем|гарантирую|гарантированно|обещаем|обещаю)",
            r"(?:оформим|сделаем|организуем) (?:вам )?(?:возврат|обмен|замену)[а-я]*",
            r"(?:вышлем|отправим|пришлем) (?:вам )?(?:новый|новую|новое|замену|другой|другую)",
            r"бесплатно (?:заменим|вышлем|отправим)",
        ),
    ),
    Rule(
        category="money",
        message_ru=(
            "Не пишите о деньгах и компенсациях в ответе: денежные вопросы решаются через "
            "Wildberries."
        ),
        public="error",
        private="warning",
        words=(
            r"деньг[а-я]*",
            r"денег",
            r"денежн[а-я]*",
            r"компенсац[а-я]*",
            r"компенсир[а-я]*",
            r"возмещени[а-я]*",
            r"(?:кэшбэк|кешбэк|кэшбек|кешбек|cashback)[а-я]*",
            r"рубл(?:ь|я|ей|ям|ями|ях|е)",
            r"\d+(?:[ .,]\d+)* ?(?:руб|р|₽)\.?",
            r"(?:на|вашу|свою) карт(?:у|очку)",
            r"перевод(?:ом)? (?:на|по) (?:карт|номер|сбп)[а-я]*",
            r"(?:переведем|переведу|скинем|скину)",
            r"скидк[а-я]* (?:на|за) (?:следующ|будущ|нов)[а-я]* (?:заказ|покупк)[а-я]*",
        ),
    ),
    Rule(
        category="review_bargain",
        message_ru=(
            "Нельзя просить изменить или удалить отзыв и предлагать что-либо за оценку — "
            "это запрещено правилами Wildberries."
        ),
        public="error",
        private="error",
        words=(
            r"(?:измен|удал|исправ|убер|убра|поменя|перепис|перепиш|отредактир)[а-я]* "
            r"(?:(?:ваш|свой|сво|этот|эту|данн)[а-я]* )?(?:отзыв|оценк)[а-я]*",
            r"(?:изменение|удаление|исправление) (?:(?:ваш|этого)[а-я]* )?(?:отзыв|оценк)[а-я]*",
            r"(?:повыси|подними|поднять|повысить|исправить)[а-я]* (?:(?:ваш|сво)[а-я]* )?"
            r"(?:оценк|рейтинг)[а-я]*",
            r"постав(?:ьте|ить|ите|или)(?: нам)? (?:5|пять|пятерк[а-я]*|высш[а-я]*)",
            r"в обмен на (?:отзыв|оценк|удалени|изменени)[а-я]*",
            r"за (?:хороший|положительный|новый|пятизвездочн[а-я]*) (?:отзыв|оценк)[а-я]*",
        ),
    ),
    Rule(
        category="contacts",
        message_ru=(
            "Уберите контакты, ссылки и мессенджеры: Wildberries отклоняет ответы с ними, "
            "общайтесь в чате WB."
        ),
        public="error",
        private="error",
        words=(
            r"(?:telegram|телеграм[а-я]*|телеграмм[а-я]*|телег[аеиу]|тг|tg)",
            r"(?:whatsapp|ватсап[а-я]*|вотсап[а-я]*|вацап[а-я]*|viber|вайбер[а-я]*)",
            r"(?:instagram|инстаграм[а-я]*|инстаграмм[а-я]*|инст[аеуы]?)",
            r"(?:вконтакте|вк|vk|facebook|фейсбук[а-я]*)",
            r"(?:в )?(?:личк[аеиу]|личные сообщения|лс)",
            r"(?:наш|на нашем|нашего|на наш) (?:сайт|интернет-магазин)[а-я]*",
            r"(?:позвоните|звоните|наберите) (?:нам|по номеру|по телефону)",
            r"(?:по )?(?:номеру|телефону) \+?\d",
            r"(?:e-?mail|емейл|имейл|электронн[а-я]* почт)[а-я]*",
        ),
        raw=(
            r"https?://\S+",
            r"(?<![a-z0-9@.])www\.\S+",
            r"(?<![a-z0-9@.-])[a-z0-9-]{2,}\.(?:ru|com|net|org|su|io|me|shop|store|рф|kz|by|uz)"
            r"(?![a-z0-9])",
            r"[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+",
            r"(?<![a-z0-9_@.])@[a-z0-9_]{4,}",
            # Russian phones: +7/8 then ten digits with optional separators; a bare 11-digit
            # run starting with 7 or 8 counts too. Article numbers (up to 9 digits) do not.
            r"(?<!\d)(?:\+7|8|7)[\s(.-]*\d{3}[\s).-]*\d{3}[\s.-]*\d{2}[\s.-]*\d{2}(?!\d)",
        ),
    ),
    Rule(
        category="blame_buyer",
        message_ru="Не перекладывайте вину на покупателя — признайте проблему и предложите шаг.",
        public="error",
        private="warning",
        words=(
            r"(?:вы )?сами виноват[а-я]*",
            r"(?:ваша|ваше) вин[аеуы]",
            r"по вашей вине",
            r"(?:вы|сами) (?:неправильно|неверно|не так) "
            r"(?:выбрали|использовали|постирали|заказали|померили|поняли|ухаживали|подобрали)",
            r"надо было (?:читать|смотреть|внимательн)[а-я]*",
            r"(?:читайте|смотрите|изучайте) (?:внимательн[а-я]*|описание)",
            r"невнимательн[а-я]*",
            r"вы не умеете",
            r"кривые руки",
        ),
    ),
    Rule(
        category="dismissive",
        message_ru="Смягчите тон: ответ звучит пренебрежительно, покажите готовность помочь.",
        public="error",
        private="warning",
        words=(
            r"(?:это )?не наш[аи]? (?:проблем[а-я]*|забот[а-я]*|дело)",
            r"(?:это )?ваши проблемы",
            r"нас это не касается",
            r"(?:нам|мне) (?:все равно|без разницы|плевать)",
            r"ничем не (?:можем|могу) помочь",
            r"не (?:нравится|устраивает)[ ,—–-]+не (?:покупайте|заказывайте|берите)",
            r"претензии не принимаются",
            r"обращайтесь куда хотите",
            r"(?:сами разбирайтесь|разбирайтесь сами)",
        ),
    ),
    Rule(
        category="legal_threat",
        message_ru=(
            "Уберите угрозы и юридические формулировки: в ответе покупателю они недопустимы."
        ),
        public="error",
        private="error",
        words=(
            r"суд(?:а|у|е|ом|ы|ов|ебн[а-я]*)?",
            r"(?:подадим|подам|обратимся)(?: на вас)? (?:в суд|иск|заявлени)[а-я]*",
            r"иск(?:ом|а|и)?",
            r"(?:юрист|адвокат|прокуратур|полици)[а-я]*",
            r"клевет[а-я]*",
            r"привлеч[а-я]* (?:вас )?к ответственност[а-я]*",
            r"(?:уголовн|административн)[а-я]* ответственност[а-я]*",
            r"стать[а-я]* \d+ (?:ук|гк|коап)(?: рф)?",
        ),
    ),
    Rule(
        category="profanity",
        message_ru="Уберите грубые и оскорбительные слова.",
        public="error",
        private="error",
        words=(
            r"(?:идиот|дебил|кретин|придур)[а-я]*",
            r"(?:дура|дурак[а-я]*|дураки)",
            r"туп(?:ой|ая|ые|ого|ым)",
            r"(?:на|по|от|за)?ху(?:й|я|ю|ем|и|е)[а-я]*",
            r"[а-я]*пизд[а-я]*",
            r"бля(?:дь|ть|ди)?",
            r"(?:за|от|у|на|вы)?еба[нлт][а-я]*",
            r"сук(?:а|и|у|ой)",
        ),
    ),
    Rule(
        category="jargon",
        message_ru="Замените внутренний жаргон понятными покупателю словами.",
        public="warning",
        private="warning",
        words=(
            r"(?:sku|fbo|fbs|fbw|dbs|фбо|фбс|sla)",
            r"(?:nm_?id|нмид|нм ид)",
            r"тикет[а-я]*",
            r"эскалац[а-я]*",
            r"(?:ваш )?кейс[а-я]*",
            r"по регламенту",
            r"карго",
        ),
    ),
    Rule(
        category="template_leftover",
        message_ru="Замените заготовку в скобках на настоящий текст.",
        public="error",
        private="error",
        raw=(
            r"\{\{?[a-zа-я_ ]+\}\}?",
            r"\[(?:имя|name|товар|product|название|подпись|магазин)[^\]]*\]",
        ),
    ),
)
