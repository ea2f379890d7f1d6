"""Deterministic, streamed WB data: item i of a channel is a pure function of (seed, i).

Only compact per-item bytes are materialised (status and product index: 2 bytes per item), so
a seller with a million feedbacks costs a few megabytes, and `createdDate` is monotonic in i,
which turns a date window into an index range found by bisection.
"""

from __future__ import annotations

import random
import uuid
from array import array
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from agentiq.emulator import texts

MSK = timezone(timedelta(hours=3))
DAY = 86400.0
MASK64 = (1 << 64) - 1
B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
INDEX_SPACE = 62**6

# Channel kinds used in id derivation and hashing.
FEEDBACK, QUESTION, CHAT = 1, 2, 3

# Feedback status bytes.
FB_OPEN, FB_ANSWERED, FB_EMPTY = 0, 1, 2
# Question status bytes.
Q_NEW, Q_ANSWERED, Q_REJECTED = 0, 1, 3

INTENTS = tuple(texts.QUESTIONS)


def mix(*parts: int) -> int:
    """splitmix64 over a tuple of ints: cheap, stable across runs and Python versions."""
    h = 0x9E3779B97F4A7C15
    for p in parts:
        h = (h ^ (p & MASK64)) * 0xBF58476D1CE4E5B9 & MASK64
        h = (h ^ (h >> 27)) * 0x94D049BB133111EB & MASK64
        h ^= h >> 31
    return h


def _b62(value: int, width: int) -> str:
    out = []
    for _ in range(width):
        value, r = divmod(value, 62)
        out.append(B62[r])
    return "".join(reversed(out))


def item_id(seed: int, kind: int, index: int) -> str:
    """20-char opaque id like WB's; the last 6 chars carry the index so lookups are O(1)."""
    noise = mix(seed, kind, index, 77) << 64 | mix(seed, kind, index)
    offset = mix(seed, kind, 78) % INDEX_SPACE  # hides the running number from the eye
    return _b62(noise, 14) + _b62((index + offset) % INDEX_SPACE, 6)


def index_from_id(seed: int, kind: int, value: str) -> int | None:
    if len(value) != 20 or any(c not in B62 for c in value):
        return None
    shifted = 0
    for c in value[-6:]:
        shifted = shifted * 62 + B62.index(c)
    index = (shifted - mix(seed, kind, 78)) % INDEX_SPACE
    return index if item_id(seed, kind, index) == value else None


def msk_iso(ts: float) -> str:
    return datetime.fromtimestamp(int(ts), MSK).isoformat()


def utc_nanos(ts: float) -> str:
    dt = datetime.fromtimestamp(int(ts), UTC)
    nanos = min(999_999_999, round((ts - int(ts)) * 1e9))
    return dt.strftime("%Y-%m-%dT%H:%M:%S") + f".{nanos:09d}Z"


def utc_iso(ts: float) -> str:
    return datetime.fromtimestamp(int(ts), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Product:
    nm_id: int
    imt_id: int
    name: str
    brand: str
    supplier_article: str
    subject_id: int
    subject_name: str
    colour: str
    sizes: tuple[str, ...]
    price: int

    @property
    def sizeless(self) -> bool:
        return not self.sizes


def make_catalogue(seed: int, n_items: int, supplier_name: str) -> list[Product]:
    rng = random.Random(mix(seed, 11))
    count = max(8, min(200, 8 + n_items // 2000))
    products = []
    imt = 100_000_000 + rng.randrange(50_000_000)
    for k in range(count):
        sid, sname, stem, brands, colours, sizes = texts.SUBJECTS[k % len(texts.SUBJECTS)]
        if k % 3 == 0:
            imt += rng.randrange(1, 5000)  # several colours of one card share an imtId
        colour = colours[k % len(colours)]
        name = f"{stem}, {colour}" if colour else stem
        products.append(
            Product(
                nm_id=10_000_000 + mix(seed, 12, k) % 290_000_000,
                imt_id=imt,
                name=name,
                brand=brands[k % len(brands)],
                supplier_article=f"{sname[:3].upper()}-{1000 + k}",
                subject_id=sid,
                subject_name=sname,
                colour=colour,
                sizes=sizes,
                price=rng.randrange(390, 8990, 10),
            )
        )
    del supplier_name
    return products


def _product_table(seed: int, count: int) -> bytes:
    """Byte value -> product index with a long tail: a few best-sellers get most traffic."""
    weights = [1.0 / (k + 1) ** 0.8 for k in range(count)]
    total = sum(weights)
    table = bytearray()
    acc = 0.0
    k = 0
    for b in range(256):
        while k < count - 1 and (acc + weights[k]) / total * 256 <= b:
            acc += weights[k]
            k += 1
        table.append(k)
    del seed
    return bytes(table)


def _status_table(shares: list[tuple[int, float]]) -> bytes:
    table = bytearray()
    for b in range(256):
        acc = 0.0
        for value, share in shares:
            acc += share
            if b < acc * 256:
                table.append(value)
                break
        else:
            table.append(shares[-1][0])
    return bytes(table)


OLD_FEEDBACKS = _status_table([(FB_EMPTY, 0.18), (FB_ANSWERED, 0.62), (FB_OPEN, 0.20)])
RECENT_FEEDBACKS = _status_table([(FB_EMPTY, 0.12), (FB_ANSWERED, 0.28), (FB_OPEN, 0.60)])
OLD_QUESTIONS = _status_table([(Q_ANSWERED, 0.80), (Q_REJECTED, 0.05), (Q_NEW, 0.15)])
RECENT_QUESTIONS = _status_table([(Q_ANSWERED, 0.30), (Q_REJECTED, 0.03), (Q_NEW, 0.67)])


@dataclass
class Timeline:
    """Creation times of one channel: base items by formula, live items stored."""

    seed: int
    kind: int
    n: int
    start: float
    interval: float
    status: bytearray
    products: bytearray
    # Per-item random byte for rare traits (feedback supplements); empty for other channels.
    flags: bytes = b""
    live_ts: array = field(default_factory=lambda: array("d"))

    @property
    def total(self) -> int:
        return self.n + len(self.live_ts)

    def ts(self, i: int) -> float:
        if i < self.n:
            jitter = (mix(self.seed, self.kind, i, 5) % 1000) / 1000 * 0.9
            return self.start + (i + jitter) * self.interval
        return self.live_ts[i - self.n]

    def first_at_or_after(self, t: float) -> int:
        """Smallest i with ts(i) >= t (total when none)."""
        lo, hi = 0, self.total
        while lo < hi:
            mid = (lo + hi) // 2
            if self.ts(mid) < t:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def append(self, t: float, status: int, product: int) -> int:
        last = self.ts(self.total - 1) if self.total else t
        self.live_ts.append(max(t, last + 0.001))
        self.status.append(status)
        self.products.append(product)
        return self.total - 1


def make_timeline(
    seed: int,
    kind: int,
    n: int,
    end: float,
    old: bytes,
    recent: bytes,
    catalogue_size: int,
    open_days: float = 14.0,
) -> Timeline:
    span = min(720 * DAY, max(60 * DAY, n * 60.0))
    interval = span / max(n, 1)
    start = end - span
    rng = random.Random(mix(seed, kind, 101))
    raw = rng.randbytes(n)
    # Sellers answer over time: only the last `open_days` hold a real backlog of open items.
    recent_from = max(0, min(n, int((end - open_days * DAY - start) / interval)))
    status = bytearray(raw[:recent_from].translate(old) + raw[recent_from:].translate(recent))
    products = bytearray(rng.randbytes(n).translate(_product_table(seed, catalogue_size)))
    flags = rng.randbytes(n) if kind == FEEDBACK else b""
    timeline = Timeline(seed, kind, n, start, interval, status, products, flags)
    if flags:
        # A supplement is about the same product as the feedback it supplements.
        marks = flags.translate(SUPPLEMENT_MARKS)
        i = marks.find(1, 1)
        while i != -1:
            parent = supplement_parent(timeline, i)
            if parent is not None:
                products[i] = products[parent]
            i = marks.find(1, i + 1)
    return timeline


SUPPLEMENT_MARKS = bytes(1 if b < 8 else 0 for b in range(256))


def supplement_parent(timeline: Timeline, i: int) -> int | None:
    """About 3% of feedbacks supplement the buyer's previous feedback (index i - 1)."""
    flags = timeline.flags
    if i < 1 or i >= len(flags) or flags[i] >= 8:
        return None
    if flags[i - 1] < 8:
        return None  # no chains: a supplement cannot be supplemented
    return i - 1


def buyer_name(seed: int, buyer_key: int) -> str:
    return texts.FIRST_NAMES[mix(seed, 21, buyer_key) % len(texts.FIRST_NAMES)]


@dataclass
class Dataset:
    """Everything the generator derives for one seller."""

    seed: int
    supplier_name: str
    created_at: float
    catalogue: list[Product]
    feedbacks: Timeline
    questions: Timeline

    # ----- feedbacks -----
    def feedback_product(self, i: int) -> int:
        # Supplements already carry their parent's product (fixed up in make_timeline).
        return self.feedbacks.products[i]

    def feedback_buyer(self, i: int) -> str:
        parent = supplement_parent(self.feedbacks, i)
        return buyer_name(self.seed, parent if parent is not None else i)

    def base_feedback(self, i: int) -> dict[str, Any]:
        """The generated feedback without seller actions after the seller's creation."""
        seed = self.seed
        tl = self.feedbacks
        rng = random.Random(mix(seed, FEEDBACK, i))
        created = tl.ts(i)
        status = tl.status[i] if i < tl.n else FB_OPEN
        product = self.catalogue[self.feedback_product(i)]
        age = self.created_at - created
        if status == FB_EMPTY:
            rating = rng.choice((5, 5, 5, 4))
            text = pros = cons = ""
        else:
            rating = rng.choices((5, 4, 3, 2, 1), weights=(60, 15, 8, 6, 11))[0]
            if rating >= 4:
                text = rng.choice(texts.POSITIVE_TEXTS)
            elif rating == 3:
                text = rng.choice(texts.NEUTRAL_TEXTS + texts.COMPLAINT_TEXTS[:3])
            else:
                text = rng.choice(texts.COMPLAINT_TEXTS)
            pros = rng.choice(texts.PROS)
            cons = "Нет" if rating == 5 else rng.choice(texts.CONS)
        complaint = rating <= 3
        photo_chance = 0.0 if status == FB_EMPTY else (0.35 if complaint else 0.12)
        photos = None
        if rng.random() < photo_chance:
            photos = []
            for k in range(rng.randint(1, 4)):
                key = mix(seed, FEEDBACK, i, 30 + k) % 10**9
                base = f"https://feedback04.wbbasket.ru/vol{key % 3000}/part{key % 900000}/{key}"
                photos.append(
                    {"fullSize": f"{base}/photos/fs.webp", "miniSize": f"{base}/photos/ms.webp"}
                )
        video = None
        if status != FB_EMPTY and rng.random() < 0.03:
            key = mix(seed, FEEDBACK, i, 40) % 10**9
            video = {
                "previewImage": f"https://videofeedback01.wbbasket.ru/{key}/preview.webp",
                "link": f"https://videofeedback01.wbbasket.ru/{key}/index.m3u8",
                "durationSec": rng.randint(5, 60),
            }
        if product.sizeless:
            matching, size = "", "0"
        else:
            size = rng.choice(product.sizes)
            matching = "smaller" if "размер" in text else rng.choice(("ok", "ok", "ok", "bigger"))
        if "возврат" in text.lower():
            order_status = "returned"
        else:
            order_status = rng.choices(("buyout", "rejected", "notSpecified"), weights=(90, 4, 6))[
                0
            ]
        answer = None
        # A rating without text or media needs no answer: WB lists it as processed.
        state = "wbRu" if status == FB_EMPTY else "none"
        if status == FB_ANSWERED and i < tl.n:
            reply = texts.SELLER_REVIEW_ANSWERS[2 if complaint else rng.randrange(2)]
            answer = {"text": reply, "state": "wbRu", "editable": age < 60 * DAY}
            state = "wbRu"
        parent = supplement_parent(tl, i)
        child = i + 1 if supplement_parent(tl, i + 1) == i else None
        ordered = created - rng.randint(2, 20) * DAY
        return {
            "id": item_id(seed, FEEDBACK, i),
            "text": text,
            "pros": pros,
            "cons": cons,
            "productValuation": rating,
            "createdDate": msk_iso(created),
            "answer": answer,
            "state": state,
            "productDetails": {
                "nmId": product.nm_id,
                "imtId": product.imt_id,
                "productName": product.name,
                "supplierArticle": product.supplier_article,
                "supplierName": self.supplier_name,
                "brandName": product.brand,
                "size": size,
            },
            "photoLinks": photos,
            "video": video,
            "wasViewed": age > 2 * DAY or rng.random() < 0.3,
            "userName": self.feedback_buyer(i),
            "orderStatus": order_status,
            "matchingSize": matching,
            "isAbleSupplierFeedbackValuation": True,
            "supplierFeedbackValuation": 0,
            "isAbleSupplierProductValuation": complaint,
            "supplierProductValuation": 0,
            "isAbleReturnProductOrders": complaint and age < 30 * DAY,
            "returnProductOrdersDate": None,
            "bables": rng.sample(texts.BABLES, rng.randint(1, 2)) if rating >= 4 and text else None,
            "lastOrderShkId": 10_000_000_000 + mix(seed, FEEDBACK, i, 50) % 9_000_000_000,
            "lastOrderCreatedAt": msk_iso(ordered),
            "color": product.colour,
            "subjectId": product.subject_id,
            "subjectName": product.subject_name,
            "parentFeedbackId": item_id(seed, FEEDBACK, parent) if parent is not None else None,
            "childFeedbackId": item_id(seed, FEEDBACK, child) if child is not None else None,
        }

    # ----- questions -----
    def question_intent(self, i: int) -> str:
        return INTENTS[mix(self.seed, QUESTION, i, 3) % len(INTENTS)]

    def base_question(self, i: int) -> dict[str, Any]:
        seed = self.seed
        tl = self.questions
        rng = random.Random(mix(seed, QUESTION, i))
        created = tl.ts(i)
        status = tl.status[i] if i < tl.n else Q_NEW
        product = self.catalogue[tl.products[i]]
        intent = self.question_intent(i)
        answer = None
        state = "suppliersPortalSynch"
        if i < tl.n and status == Q_ANSWERED:
            answered = min(created + rng.randint(1, 48) * 3600.0, self.created_at)
            answer = {
                "text": rng.choice(texts.SELLER_QUESTION_ANSWERS),
                "editable": self.created_at - answered < 60 * DAY,
                "createDate": utc_nanos(answered + 0.123456789),
            }
            state = "wbRu"
        elif i < tl.n and status == Q_REJECTED:
            state = "none"
        return {
            "id": item_id(seed, QUESTION, i),
            "text": rng.choice(texts.QUESTIONS[intent]),
            "createdDate": utc_nanos(created + (mix(seed, QUESTION, i, 8) % 10**9) / 1e9),
            "state": state,
            "answer": answer,
            "productDetails": {
                "nmId": product.nm_id,
                "imtId": product.imt_id,
                "productName": product.name,
                "supplierArticle": product.supplier_article,
                "supplierName": self.supplier_name,
                "brandName": product.brand,
            },
            "wasViewed": (self.created_at - created) > DAY or rng.random() < 0.4,
            "isWarned": rng.random() < 0.01,
        }


def make_dataset(
    seed: int, n_feedbacks: int, n_questions: int, now: float, open_days: float = 14.0
) -> Dataset:
    supplier = texts.SELLER_NAMES[seed % len(texts.SELLER_NAMES)]
    catalogue = make_catalogue(seed, n_feedbacks + n_questions, supplier)
    end = now - 60.0  # everything generated is at least a minute old
    fb = make_timeline(
        seed,
        FEEDBACK,
        n_feedbacks,
        end,
        OLD_FEEDBACKS,
        RECENT_FEEDBACKS,
        len(catalogue),
        open_days,
    )
    qs = make_timeline(
        seed,
        QUESTION,
        n_questions,
        end,
        OLD_QUESTIONS,
        RECENT_QUESTIONS,
        len(catalogue),
        open_days,
    )
    return Dataset(seed, supplier, now, catalogue, fb, qs)


# ----- chats -----


@dataclass
class ChatRecord:
    chat_id: str
    client_name: str
    good_card: dict[str, Any]
    product_index: int
    linked_feedback: int | None  # index of the same buyer's feedback about the same product
    sign_version: int = 1
    events: list[dict[str, Any]] = field(default_factory=list)


def chat_uuid(seed: int, j: int, salt: int = 0) -> str:
    return str(
        uuid.UUID(int=(mix(seed, CHAT, j, salt) << 64 | mix(seed, CHAT, j, salt + 1)), version=4)
    )


def _attachment_file(seed: int, j: int, k: int, ts: float, *, image: bool) -> dict[str, Any]:
    download_id = chat_uuid(seed, j, 1000 + k)
    url = f"https://chat-basket-01.wbbasket.ru/vol1/{download_id}"
    if image:
        return {"date": utc_iso(ts), "downloadID": download_id, "url": url + ".jpg"}
    return {
        "contentType": "application/pdf",
        "date": utc_iso(ts),
        "downloadID": download_id,
        "name": "чек.pdf",
        "url": url + ".pdf",
        "size": 20_000 + mix(seed, j, k) % 500_000,
    }


# Review words -> the chat opener a buyer with that problem would write.
_OPENER_BY_PROBLEM = (
    (("брак", "слом", "не работ"), 0),
    (("размер", "маломер", "большемер"), 2),
    (("порван", "царап"), 3),
    (("достав", "не приш"), 5),
)


def opener_for(review_text: str, rng: random.Random) -> str | None:
    """A chat opener about the review's problem (None: the buyer writes about anything)."""
    low = review_text.lower()
    for words, index in _OPENER_BY_PROBLEM:
        if any(w in low for w in words) and rng.random() < 0.85:
            return texts.CHAT_OPENERS[index]
    return None


def _wb_system_message(
    seed: int, j: int, chat_id: str, t: float, now: float
) -> dict[str, Any] | None:
    """A notice WB itself posts into some chats (`sender: "wb"`): never the buyer speaking.

    Its own random stream, so the chats' other events stay what they were for a seed.
    """
    rng = random.Random(mix(seed, CHAT, j, 9))
    if rng.random() >= 0.3:
        return None
    return {
        "chatID": chat_id,
        "eventID": chat_uuid(seed, j, 900),
        "eventType": "message",
        "message": {"text": rng.choice(texts.CHAT_WB_NOTICES)},
        "addTimestamp": int(min(now, t + rng.uniform(0.5, 6) * 3600) * 1000),
        "sender": "wb",
    }


def make_chats(dataset: Dataset, n_chats: int) -> tuple[list[ChatRecord], list[dict[str, Any]]]:
    """Chats with their events; returns (chats, all events ordered by addTimestamp)."""
    seed = dataset.seed
    rng = random.Random(mix(seed, CHAT, 0))
    fb = dataset.feedbacks
    now = dataset.created_at - 60.0
    chats: list[ChatRecord] = []
    events: list[dict[str, Any]] = []
    for j in range(n_chats):
        linked: int | None = None
        anchor: float | None = None
        size: str | None = None
        opener: str | None = None
        roll = rng.random()
        if fb.n and roll < 0.5:
            # The same buyer as one of the recent feedbacks, writing to the chat about the
            # same purchase within two days of the review, usually about the same problem.
            linked = max(0, fb.n - 1 - rng.randrange(min(fb.n, 400)))
            product_index = dataset.feedback_product(linked)
            client = dataset.feedback_buyer(linked)
            review = dataset.base_feedback(linked)
            size = review["productDetails"].get("size")
            anchor = fb.ts(linked) + rng.uniform(0.5, 48) * 3600
            opener = opener_for(f"{review['text']} {review['cons']}", rng)
        elif fb.n and roll < 0.8:
            # Someone else about the same product on the same day: a false candidate for
            # linking; a third of them even share the reviewer's first name.
            decoy = max(0, fb.n - 1 - rng.randrange(min(fb.n, 400)))
            product_index = dataset.feedback_product(decoy)
            reviewer = dataset.feedback_buyer(decoy)
            if rng.random() < 0.35:
                client = reviewer
            else:
                client = rng.choice([n for n in texts.FIRST_NAMES if n != reviewer])
            anchor = fb.ts(decoy) + rng.uniform(-12, 12) * 3600
        else:
            product_index = rng.randrange(len(dataset.catalogue))
            client = rng.choice(texts.FIRST_NAMES)
        product = dataset.catalogue[product_index]
        rid = f"{mix(seed, CHAT, j, 2) % 10**19:019d}".lstrip("0") or "1"
        chat = ChatRecord(
            chat_id=f"1:{chat_uuid(seed, j)}",
            client_name=client,
            good_card={
                "nmID": product.nm_id,
                "price": product.price,
                "priceCurrency": "RUB",
                "rid": rid,
                "size": size or (product.sizes[0] if product.sizes else "0"),
            },
            product_index=product_index,
            linked_feedback=linked,
        )
        t = min(now, anchor) if anchor is not None else now - rng.uniform(0.5, 30) * DAY
        n_msgs = rng.randint(1, 6)
        for k in range(n_msgs):
            sender = "client" if k % 2 == 0 or rng.random() < 0.3 else "seller"
            if sender == "client":
                if k == 0:
                    text = opener or rng.choice(texts.CHAT_OPENERS)
                else:
                    text = rng.choice(texts.CHAT_FOLLOWUPS)
            else:
                text = rng.choice(texts.CHAT_SELLER_REPLIES)
            message: dict[str, Any] = {"text": text}
            attachments: dict[str, Any] = {}
            if k == 0:
                attachments["goodCard"] = dict(chat.good_card)
            if sender == "client" and rng.random() < 0.25:
                attachments["images"] = [_attachment_file(seed, j, k, t, image=True)]
            if sender == "client" and rng.random() < 0.08:
                attachments["files"] = [_attachment_file(seed, j, k + 50, t, image=False)]
            if attachments:
                message["attachments"] = attachments
            event: dict[str, Any] = {
                "chatID": chat.chat_id,
                "eventID": chat_uuid(seed, j, 200 + k),
                "eventType": "message",
                "message": message,
                "source": ("rusite", "ios", "android")[k % 3]
                if sender == "client"
                else "seller-portal",
                "addTimestamp": int(t * 1000),
                "sender": sender,
            }
            if k == 0:
                event["isNewChat"] = True
            if sender == "client":
                event["clientName"] = client
            chat.events.append(event)
            events.append(event)
            t = min(now, t + rng.uniform(0.05, 20) * 3600)
        system = _wb_system_message(seed, j, chat.chat_id, t, now)
        if system is not None:
            chat.events.append(system)
            events.append(system)
        chats.append(chat)
    events.sort(key=lambda e: int(e["addTimestamp"]))
    last = -1
    for event in events:  # unique timestamps keep the `next` cursor exact
        ts = max(int(event["addTimestamp"]), last + 1)
        event["addTimestamp"] = ts
        event["addTime"] = utc_iso(ts / 1000)
        last = ts
    return chats, events
