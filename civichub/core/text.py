"""What people type, made safe to keep and show: one normalisation for every name a user enters.

A name made only of invisible characters (a soft hyphen, a zero-width space, a right-to-left mark) looks
empty on every page, so it must be refused as empty; two names that look the same must compare equal.
"""

from __future__ import annotations

import unicodedata

from civichub.core.errors import Refused

# Unicode categories that draw nothing: format characters (Cf: soft hyphen, zero-width joiners, bidi
# marks), controls (Cc), unassigned (Cn), private use (Co) and surrogates (Cs).
_INVISIBLE = frozenset({"Cf", "Cc", "Cn", "Co", "Cs"})


def clean_text(value: str, *, multiline: bool = False) -> str:
    """NFC, invisible characters removed, whitespace runs made one space (line breaks kept if multiline)."""
    value = unicodedata.normalize("NFC", value)
    kept = []
    for char in value:
        if multiline and char == "\n":
            kept.append(char)
        elif char.isspace():
            kept.append(" ")
        elif unicodedata.category(char) not in _INVISIBLE:
            kept.append(char)
    text = "".join(kept)
    if multiline:
        return "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()
    return " ".join(text.split())


def clean_name(value: str, *, field: str = "name", max_length: int = 255, label: str = "a name") -> str:
    """A user-entered name, cleaned; refused (naming `field`) if nothing visible is left or it is too long."""
    text = clean_text(value)
    if not text:
        raise Refused.on(field, f"Enter {label}: it cannot be empty or only invisible characters")
    if len(text) > max_length:
        raise Refused.on(field, f"Must be {max_length} characters or fewer")
    return text
