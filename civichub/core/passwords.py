"""A password check for the patterns breached-password lists are full of, with no network.

Django's CommonPasswordValidator refuses the 20,000 most common passwords as typed. People (and
attackers' rule sets) get round such lists the same few ways: swap letters for look-alike digits and
symbols ("P@ssw0rd"), tack a year or "123!" on the end ("Summer2024!"), walk the keyboard
("qwertyuiop12"), repeat a short piece ("abcabcabcabc"), or use the name of the place ("Wigan2025!!").
Cracking tools try exactly these first, so this check undoes each trick and looks the word that remains
up in Django's own list. It needs no network, so it works where the platform cannot reach a breach API.
"""

from __future__ import annotations

import re
from functools import cache

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError

LOOK_ALIKES = str.maketrans(
    {"0": "o", "1": "i", "!": "i", "3": "e", "4": "a", "@": "a", "5": "s", "$": "s", "7": "t"}
)
# Rows, the alphabet, and the columns walked downwards one after another ("1qaz2wsx…").
KEYBOARD_RUNS = (
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "1234567890",
    "abcdefghijklmnopqrstuvwxyz",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
)
# Words anyone guessing a council officer's password would try first.
PLACE_WORDS = frozenset({"civichub", "council", "wigan", "sunderland", "durham", "admin", "welcome"})
MIN_CORE = 4


@cache
def _common() -> frozenset[str]:
    return frozenset(CommonPasswordValidator().passwords)


def _core(password: str) -> str:
    """The word left once digits and symbols at either end are taken off and look-alikes undone."""
    lowered = password.lower().strip()
    trimmed = re.sub(r"^[\W\d_]+|[\W\d_]+$", "", lowered)
    return trimmed.translate(LOOK_ALIKES).replace(" ", "")


def _keyboard_share(password: str) -> float:
    """The share of the password made of runs of 4+ keys in a row (either direction)."""
    text = password.lower()
    covered = [False] * len(text)
    for row in KEYBOARD_RUNS:
        for line in (row, row[::-1]):
            for size in range(len(line), 3, -1):
                for start in range(len(line) - size + 1):
                    piece = line[start : start + size]
                    for match in re.finditer(re.escape(piece), text):
                        covered[match.start() : match.end()] = [True] * size
    return sum(covered) / len(text) if text else 0.0


def _is_repetition(password: str) -> bool:
    text = password.lower()
    return any(len(text) % size == 0 and text == text[:size] * (len(text) // size) for size in range(1, 5))


class BreachedPatternValidator:
    """Refuse a password that is a common one in disguise, a keyboard walk, or a repetition."""

    def validate(self, password: str, user: object = None) -> None:
        core = _core(password)
        if len(core) >= MIN_CORE and (core in _common() or core in PLACE_WORDS):
            raise ValidationError(
                "This password is a common password with letters swapped or numbers added. "
                "Lists of breached passwords try these first, so choose something else",
                code="password_breached_pattern",
            )
        if _keyboard_share(password) >= 0.6:
            raise ValidationError(
                "This password is mostly keys in a row on the keyboard. Choose something harder to guess",
                code="password_keyboard_run",
            )
        if _is_repetition(password):
            raise ValidationError(
                "This password repeats the same few characters. Choose something harder to guess",
                code="password_repetition",
            )

    def get_help_text(self) -> str:
        return (
            "Your password cannot be a common password with letters swapped or numbers added, "
            "keys in a row, or repeated characters."
        )
