"""Realistic, deliberately awkward text for generated records: accents, CJK, emoji, right-to-left scripts.

Data flow: random.Random -> person_name() / org_name() / subject() / description() / ... -> strings in records.
Run standalone: python -c "import random; from sandbox.zendesk.names import *; print(subject(random.Random(1), 3))"

Every `nth` argument is the record's ordinal, so the awkward cases land on fixed records whatever the
seed: BIG_DESCRIPTION_AT picks the tickets whose description is ~200 KB (a pasted log), NUL_AT the one
whose description carries a NUL (PostgreSQL rejects it in JSONB; the loader must repair and record it).
"""
from __future__ import annotations

import random
import unicodedata

FIRST_NAMES = ("Anna", "José", "Zoë", "François", "Łukasz", "Søren", "Chloé", "Hiroshi", "Иван", "محمد",
               "Priya", "Oğuz", "Nguyễn", "Seán", "Renée", "Jürgen", "Yuki", "Ólafur", "דוד", "Wei", "Fatima")
LAST_NAMES = ("Müller", "García", "O'Brien", "Smith", "Nowak", "Østergård", "Dubois", "Ivanova", "王", "佐藤",
              "김", "Papadopoulos", "da Silva", "Yılmaz", "Çelik", "Nakamura", "Fernández-López", "כהן",
              "الحسيني", "MacLeod", "Schröder", "Lefèvre")
ORG_STEMS = ("Acme", "Café Noir", "東京商事", "Nordlys", "Škoda Partners", "Zürich Re-Tech", "Smith & Sons",
             "Globex", "北京科技", "Initech", "Señor Taco", "Ørsted Wind", "شركة النور", "Rocket 🚀",
             "Bäckerei Köhler", "L'Atelier", "Hooli", "São Paulo Café", "서울 Trading", "תל אביב Labs")
ORG_SUFFIXES = ("GmbH", "Ltd", "SARL", "Inc.", "AB", "S.A.", "株式会社", "Oy", "", "AG", "LLC")
SUBJECTS = ("Printer on fire 🔥", "Cannot log in", "Facture en double", "Rechnung fehlt", "請求書について",
            "Refund request", "App crashes on start", "مشكلة في الدفع", "Password reset", "配送が遅れています",
            "Feature request: dark mode 🌙", "בעיה בהתחברות", "Order #{n} not delivered", "Problème d'accès",
            "Upgrade plan", "API returns 500", "Cuenta bloqueada", "Wrong invoice address")
SENTENCES = ("Hello, since this morning nothing works.", "Bonjour, la facture n°{n} est incorrecte.",
             "Guten Tag, die Lieferung ist nicht angekommen.", "ご確認のほどよろしくお願いいたします。",
             "مرحبا، لا أستطيع تسجيل الدخول إلى حسابي.", "שלום, ההזמנה שלי לא הגיעה.",
             "Thanks in advance! 🙏", "Steps: 1) open app 2) tap «Pay» 3) crash.", "Regards,\nZoë")
TAGS = ("billing", "login", "vip", "refund", "bug", "feature_request", "urgent", "follow_up", "déjà_vu",
        "api", "mobile", "renewal", "churn_risk", "warranty", "onboarding")
BIG_DESCRIPTION_AT = (3, 29)  # early ordinals: any data set of 30+ tickets has both
NUL_AT = 17
BIG_BYTES = 200_000


def person_name(rng: random.Random) -> tuple[str, str, str]:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    return f"{first} {last}", first, last


def email_for(first: str, last: str, nth: int, domain: str = "example.com") -> str:
    # Addresses stay ASCII, as most helpdesk addresses are ("Müller" -> "muller").
    folded = unicodedata.normalize("NFKD", f"{first}.{last}".lower())
    local = "".join(ch for ch in folded if ch.isascii() and (ch.isalnum() or ch == "."))
    return f"{local.strip('.') or 'customer'}{nth}@{domain}"


def org_name(rng: random.Random, nth: int) -> str:
    return f"{rng.choice(ORG_STEMS)} {rng.choice(ORG_SUFFIXES)}".strip() + ("" if nth < len(ORG_STEMS) else f" {nth}")


def subject(rng: random.Random, nth: int) -> str:
    return rng.choice(SUBJECTS).format(n=1000 + nth)


def description(rng: random.Random, nth: int) -> str:
    if nth in BIG_DESCRIPTION_AT:
        return big_text(rng, nth)
    text = "\n\n".join(rng.choice(SENTENCES).format(n=nth) for _ in range(rng.randint(1, 4)))
    if nth == NUL_AT:
        text += "\n--- pasted from the device log ---\nERR\u0000\u0000 checksum mismatch"
    return text


def big_text(rng: random.Random, nth: int) -> str:
    """~200 KB of pasted log lines (multi-byte characters included), e.g. a customer pasting a stack trace."""
    lines, size, n = [], 0, 0
    while size < BIG_BYTES:
        line = f"{n:06d} [{rng.choice(('INFO', 'WARN', 'ERROR'))}] {rng.choice(SENTENCES).format(n=nth)}"
        lines.append(line)
        size += len(line.encode("utf-8")) + 1
        n += 1
    return "\n".join(lines)


def phone(rng: random.Random) -> str:
    return f"+{rng.choice((1, 33, 44, 49, 81, 972))} {rng.randint(100, 999)} {rng.randint(100000, 9999999)}"
