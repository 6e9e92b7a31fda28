"""X-Hub-Signature: HMAC-SHA1 of the raw body with the client secret, checked in constant time."""

from __future__ import annotations

import hashlib
import hmac

from hypothesis import given
from hypothesis import strategies as st

from contracts.webhooks import sign, verify


def test_the_signature_is_sha1_hmac_hex_of_the_raw_body() -> None:
    body, secret = b'{"type":"notification_event"}', "s3cret"
    expected = hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()
    assert sign(body, secret) == f"sha1={expected}"
    assert len(expected) == 40


@given(body=st.binary(max_size=200), secret=st.text(min_size=1, max_size=40), other=st.binary(max_size=200))
def test_a_signature_verifies_its_body_and_secret_only(body: bytes, secret: str, other: bytes) -> None:
    signature = sign(body, secret)
    assert verify(body, signature, secret)
    assert verify(body, signature.upper().replace("SHA1=", "sha1="), secret)  # hex digits in either case
    assert not verify(body, signature, secret + "x")
    if other != body:
        assert not verify(other, signature, secret)


def test_a_missing_or_malformed_signature_never_verifies() -> None:
    body = b"{}"
    for signature in (None, "", "sha1=", "sha256=" + sign(body, "k")[5:], sign(body, "k")[5:], "sha1=zz"):
        assert not verify(body, signature, "k")
