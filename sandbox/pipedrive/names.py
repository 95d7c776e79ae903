"""Realistic, deliberately awkward text for generated records (accents, CJK, emoji, control chars).

Data flow: random.Random -> person_name() / org_name() / deal_title() / ... -> strings stored in records.
Run standalone: python -c "import random; from sandbox.pipedrive.names import *; print(org_name(random.Random(1), 7))"

Every `nth` argument is the record's ordinal: fixed ordinals (see NASTY_EVERY) get a string carrying a
NUL or another control character, so every generated data set contains a few, whatever the seed.
PostgreSQL rejects NUL in JSONB and text; the loader must notice and repair (DESIGN §4).
"""
from __future__ import annotations

import random
import unicodedata

FIRST_NAMES = (
    "Anna", "José", "Zoë", "François", "Łukasz", "Søren", "Ægir", "Björk", "Chloé", "Dmitrij",
    "Ana María", "John", "Mary", "Li", "Hiroshi", "Иван", "Αλέξανδρος", "محمد", "Priya", "Oğuz",
    "Nguyễn", "Seán", "Renée", "Jürgen", "María José", "Wei", "Yuki", "Ólafur", "Siobhán", "Kai",
)
LAST_NAMES = (
    "Müller", "García", "O'Brien", "Smith", "Nowak", "Østergård", "Dubois", "Ivanova", "王", "佐藤",
    "김", "Papadopoulos", "Van der Berg", "da Silva", "Kowalczyk", "Yılmaz", "Jones", "Çelik",
    "Nakamura", "Fernández-López", "D'Angelo", "MacLeod", "Schröder", "Lefèvre", "Novák",
)
ORG_STEMS = (
    "Acme", "Café Noir", "東京商事", "Nordlys", "Škoda Partners", "Zürich Re-Tech", "Smith & Sons",
    "Globex", "Fjällräven Supply", "Moscow Ткани", "北京科技", "Initech", "Señor Taco", "Ørsted Wind",
    "Blue Ocean", "Umbrella", "Gdańsk Port", "Crème Brûlée Co", "Rocket 🚀", "Bäckerei Köhler",
    "L'Atelier", "Soylent", "Hooli", "München Motors", "São Paulo Café", "서울 Trading",
)
ORG_SUFFIXES = ("GmbH", "Ltd", "SARL", "Inc.", "AB", "S.A.", "株式会社", "sp. z o.o.", "Oy", "", "AG", "LLC")
DEAL_WORDS = (
    "Renewal", "Expansion", "Pilot", "Enterprise licence", "Onboarding", "Upsell", "Support plan",
    "Migration", "Rollout", "Consulting", "Hardware refresh", "Training", "年間契約", "Große Bestellung",
    "Q4 push 🎯", "Devis n°", "Proyecto piloto", "Сделка",
)
SUBJECTS = (
    "Call", "Follow-up", "Demo", "Kick-off meeting", "Send proposal", "Lunch 🍣", "Contract review",
    "Rückruf", "Réunion", "打ち合わせ", "Check-in", "Quarterly review", "Email recap",
)
LOST_REASONS = ("Price too high", "Went with competitor", "No budget", "Timing", "No response", "Préférence locale")
# Characters that break naive loaders: NUL (PostgreSQL rejects it), BEL, ESC, VT, a lone CR,
# U+2028 (breaks JavaScript/JSONL readers that split on it), and a zero-width joiner.
CONTROL_SNIPPETS = ("\u0000", "\u0007", "\u001b[0m", "\u000b", "\r", "\u2028", "\u200d", "\u0000\u0000")
NASTY_EVERY = 23  # ordinals 5, 28, 51, ... carry a control snippet; ordinal 5 always gets a NUL


def _nasty(text: str, nth: int) -> str:
    if nth % NASTY_EVERY != 5:
        return text
    snippet = CONTROL_SNIPPETS[(nth // NASTY_EVERY) % len(CONTROL_SNIPPETS)]
    middle = len(text) // 2
    return text[:middle] + snippet + text[middle:]


def person_name(rng: random.Random, nth: int) -> tuple[str, str, str]:
    """-> (name, first_name, last_name); the full name may carry a control snippet."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    return _nasty(f"{first} {last}", nth), first, last


def org_name(rng: random.Random, nth: int) -> str:
    suffix = rng.choice(ORG_SUFFIXES)
    return _nasty(f"{rng.choice(ORG_STEMS)} {suffix}".strip(), nth)


def deal_title(rng: random.Random, nth: int, org: str | None) -> str:
    base = f"{rng.choice(DEAL_WORDS)} {rng.randint(1, 999)}"
    return _nasty(f"{org} – {base}" if org else base, nth)


def subject(rng: random.Random, nth: int) -> str:
    return _nasty(rng.choice(SUBJECTS), nth)


def note(rng: random.Random, nth: int) -> str | None:
    if rng.random() < 0.4:
        return None
    return _nasty(f"<p>Discussed next steps.</p><p>{rng.choice(SUBJECTS)} — ✓</p>", nth)


def email_for(first: str, last: str, nth: int) -> str:
    # Emails stay ASCII: a realistic CRM mostly holds transliterated addresses ("Müller" -> "muller").
    folded = unicodedata.normalize("NFKD", f"{first}.{last}".lower())
    local = "".join(ch for ch in folded if ch.isascii() and (ch.isalnum() or ch == "."))
    return f"{local.strip('.') or 'contact'}{nth}@example.com"


def phone(rng: random.Random) -> str:
    return f"+{rng.choice((1, 33, 44, 49, 81, 86))} {rng.randint(100, 999)} {rng.randint(100000, 9999999)}"
