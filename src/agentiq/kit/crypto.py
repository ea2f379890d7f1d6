"""Secrets at rest (MultiFernet keyed from the app's secret key) and token hashing."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


def _fernet_key(secret: str) -> bytes:
    # Derive a 32-byte Fernet key from the configured secret; a different purpose label than
    # any other use of the secret keeps keys independent.
    digest = hashlib.sha256(b"agentiq:fernet:v1:" + secret.encode()).digest()
    return base64.urlsafe_b64encode(digest)


class SecretBox:
    """Encrypts with the current key; decrypts with the current or any previous key."""

    def __init__(self, secret_key: str, previous_keys: list[str] | None = None) -> None:
        keys = [secret_key, *(previous_keys or [])]
        self._fernet = MultiFernet([Fernet(_fernet_key(k)) for k in keys if k])

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, ciphertext: str) -> str:
        try:
            return self._fernet.decrypt(ciphertext.encode()).decode()
        except InvalidToken as exc:
            raise ValueError("stored secret cannot be decrypted with the configured keys") from exc

    def rotate(self, ciphertext: str) -> str:
        """Re-encrypt under the current key (after AGENTIQ_SECRET_KEY changed)."""
        return self._fernet.rotate(ciphertext.encode()).decode()


def new_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def hash_token(token: str) -> str:
    """Tokens (sessions, API tokens) are stored only as SHA-256; they are random, not passwords."""
    return hashlib.sha256(token.encode()).hexdigest()


def constant_time_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
