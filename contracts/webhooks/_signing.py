"""Intercom's signed notifications: `X-Hub-Signature: sha1=<hex>`, the HMAC-SHA1 of the raw body.

Source: Intercom's "Signed Notifications" page (developer hub, API reference 1.0 onwards): the signature is the
hexadecimal (40 characters) HMAC-SHA1 (RFC 2104) of the JSON body, keyed with the app's client secret (older pages:
the subscription's `hub_secret`), sent as `X-Hub-Signature: sha1=...`.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Final

__all__ = ["SIGNATURE_HEADER", "USER_AGENT", "sign", "verify"]

SIGNATURE_HEADER: Final = "X-Hub-Signature"
USER_AGENT: Final = "intercom-parrot-service-client/1.0"  # the User-Agent of Intercom's deliveries
_PREFIX: Final = "sha1="


def sign(body: bytes, secret: str | bytes) -> str:
    """The `X-Hub-Signature` value Intercom sends with `body`: `sha1=` and 40 hex characters."""
    key = secret.encode() if isinstance(secret, str) else secret
    return _PREFIX + hmac.new(key, body, hashlib.sha1).hexdigest()


def verify(body: bytes, signature: str | None, secret: str | bytes) -> bool:
    """Whether `signature` (the header's value, possibly missing) signs `body` with `secret`, in constant time."""
    if not signature or not signature.startswith(_PREFIX):
        return False
    return hmac.compare_digest(sign(body, secret).encode(), signature.strip().lower().encode())
