"""The council's two thresholds (match weights), read: a council that has set none has the defaults."""

from __future__ import annotations

import math

from civichub.core.models import Council
from civichub.people.models import LinkageSettings

DEFAULT_REVIEW_FROM = 2.0
DEFAULT_LINK_FROM = 8.0


def thresholds_of(council: Council) -> tuple[float, float]:
    """(review_from, link_from): pairs from the first up to the second go to review; at or above, link."""
    found = LinkageSettings.objects.for_council(council).first()
    if found is None:
        return DEFAULT_REVIEW_FROM, DEFAULT_LINK_FROM
    return found.review_from, found.link_from


def probability(weight: float) -> float:
    """A match weight as a probability (Splink's: weight is log2 of the Bayes factor, prior included)."""
    return 1.0 / (1.0 + math.pow(2.0, -weight))
