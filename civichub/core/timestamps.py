"""The base of every record with an identity: UUID keys and when it was made and last changed."""

from __future__ import annotations

import uuid

from django.db import models


class TimestampedModel(models.Model):
    """UUID keys so ids can be shared across councils and systems without revealing counts."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
