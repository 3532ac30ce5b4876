"""What a UK postcode looks like, however it was typed."""

from __future__ import annotations

import re

# The postcode format of BS 7666, loosely: outward code, a space, inward code.
POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}$")


def normalise_postcode(text: str) -> str | None:
    """'wn11aa' or ' WN1  1AA ' -> 'WN1 1AA'; None if it cannot be a UK postcode."""
    compact = re.sub(r"\s+", "", text or "").upper()
    if not 5 <= len(compact) <= 7:
        return None
    candidate = f"{compact[:-3]} {compact[-3:]}"
    return candidate if POSTCODE.match(candidate) else None
