"""Edit tokens and avatar hashes: random secrets stored as SHA-256, compared in constant time.

Edit tokens are 256-bit random values, so a fast hash is enough; Django's password hashers
are for low-entropy secrets and would cost more than the rest of a submit.
"""

import hashlib
import hmac
import secrets

from django.conf import settings


def new_edit_token() -> tuple[str, str]:
    """Return a fresh (token, sha256 hex digest) pair; only the digest is stored."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def token_matches(token: str | None, stored_hash: str) -> bool:
    """Whether `token` is the one whose digest we stored, compared in constant time."""
    if not token or not stored_hash:
        return False
    return hmac.compare_digest(hash_token(token), stored_hash)


def avatar_hash(email: str) -> str:
    """Return a keyed hash of the e-mail: stable per author, and reveals nothing of it."""
    return avatar_hash_keyed(email, settings.SECRET_KEY)


def avatar_hash_keyed(email: str, secret_key: str) -> str:
    """Return `avatar_hash(email)` under `secret_key` (an import memoizes it per author)."""
    key = secret_key.encode()
    return hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()[:32]
