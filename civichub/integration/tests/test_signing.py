"""Our signer and verifier agree with the Standard Webhooks specification's published example."""

from __future__ import annotations

import pytest

from civichub.integration import signing

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
MSG_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
TIMESTAMP = 1614265330
BODY = b'{"test": 2432232314}'
EXPECTED = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def headers(signature: str = EXPECTED, timestamp: int = TIMESTAMP) -> dict[str, str]:
    return {"webhook-id": MSG_ID, "webhook-timestamp": str(timestamp), "webhook-signature": signature}


def test_the_signer_reproduces_the_specifications_vector() -> None:
    assert signing.sign(SECRET, MSG_ID, TIMESTAMP, BODY) == EXPECTED
    assert signing.headers([SECRET], MSG_ID, TIMESTAMP, BODY)["webhook-signature"] == EXPECTED


def test_the_verifier_accepts_the_vector_and_any_listed_signature() -> None:
    signing.verify(SECRET, headers(), BODY, now=TIMESTAMP + 10)
    signing.verify(SECRET, headers(f"v1,bm9wZQ== {EXPECTED}"), BODY, now=TIMESTAMP)
    signing.verify(SECRET, {k.upper(): v for k, v in headers().items()}, BODY, now=TIMESTAMP)


@pytest.mark.parametrize(
    ("request_headers", "body", "now", "reason"),
    [
        (headers(), b'{"test": 2432232315}', TIMESTAMP, "No signature matches"),
        (headers(), BODY, TIMESTAMP + 301, "too old"),
        (headers(), BODY, TIMESTAMP - 301, "too old or too far in the future"),
        ({**headers(), "webhook-id": "msg_other"}, BODY, TIMESTAMP, "No signature matches"),
        ({"webhook-id": MSG_ID, "webhook-timestamp": str(TIMESTAMP)}, BODY, TIMESTAMP, "Missing"),
        (headers(timestamp=0) | {"webhook-timestamp": "soon"}, BODY, TIMESTAMP, "whole number"),
        (headers("v1," + "A" * 44), BODY, TIMESTAMP, "No signature matches"),
    ],
)
def test_tampering_and_staleness_are_rejected(request_headers, body, now, reason) -> None:
    with pytest.raises(signing.InvalidSignature, match=reason):
        signing.verify(SECRET, request_headers, body, now=now)


def test_new_secrets_are_random_and_usable() -> None:
    first, second = signing.new_secret(), signing.new_secret()
    assert first != second and first.startswith("whsec_")
    signed = signing.headers([first], "msg_1", TIMESTAMP, b"{}")
    signing.verify(first, signed, b"{}", now=TIMESTAMP)
    with pytest.raises(signing.InvalidSignature):
        signing.verify(second, signed, b"{}", now=TIMESTAMP)
