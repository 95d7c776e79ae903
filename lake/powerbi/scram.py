"""Does a stored PostgreSQL password verifier match a password? (So a re-run can say "unchanged".)

Data flow: pg_authid.rolpassword + password -> matches() -> bool.
Run standalone: python -c "from lake.powerbi.scram import matches; print(matches('md5...', 'pw', 'role'))"

SCRAM-SHA-256 (RFC 5802/7677, PostgreSQL's format "SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>")
and md5 ("md5" + md5(password + role name)). PostgreSQL normalises a non-ASCII password with SASLprep;
NFKC is used here, which agrees for ordinary text. A wrong "no" only means the password is set again.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import unicodedata


def matches(stored: str | None, password: str, role: str) -> bool:
    if not stored:
        return False
    if stored.startswith("md5"):
        return hmac.compare_digest(stored, "md5" + hashlib.md5((password + role).encode()).hexdigest())
    try:
        method, rest = stored.split("$", 1)
        iterations_salt, keys = rest.split("$", 1)
        iterations, salt = iterations_salt.split(":", 1)
        stored_key = keys.split(":", 1)[0]
        if method != "SCRAM-SHA-256":
            return False
        salted = hashlib.pbkdf2_hmac("sha256", unicodedata.normalize("NFKC", password).encode(),
                                     base64.b64decode(salt), int(iterations))
    except (ValueError, binascii.Error):
        return False
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    return hmac.compare_digest(base64.b64encode(hashlib.sha256(client_key).digest()).decode(), stored_key)
