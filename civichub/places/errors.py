"""How places refuses a postcode: through the kernel's one error type, so the API, forms and pages
show the same field and message without each caller converting a lookup failure of its own."""

from __future__ import annotations

from civichub.core.errors import FieldError, NotFound, Refused


class BadPostcode(Refused):
    """What was typed cannot be a UK postcode (400)."""

    def __init__(self, text: str, field: str = "postcode"):
        message = f"'{text}' is not a valid UK postcode, like WN1 1AA"
        # The detail is the message alone (no field prefix): callers quote str(exc) inside their own words.
        super().__init__(message, [FieldError(field, message)])


class PostcodeNotHeld(NotFound):
    """A well-formed postcode that the platform does not hold (404)."""

    def __init__(self, postcode: str, field: str = "postcode"):
        self.postcode = postcode
        message = f"We do not hold the postcode {postcode}"
        super().__init__(message, [FieldError(field, message)])
