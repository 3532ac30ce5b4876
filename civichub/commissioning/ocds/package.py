"""Release packages: paged as Find a Tender's API pages them, and streamed whole as a file.

Releases are stored, already built and validated, on each published notice (`Notice.release`), and a
published notice never changes: so a release's "updated" time is when it was published, and a package
is the stored JSON texts in (published_at, id) order, written out as they are read. Nothing is rebuilt
and nothing is parsed on the way out.

Paging: `updatedFrom` (an ISO date-time) starts the list there; `cursor` is opaque to the caller (the
last (published_at, id) it was given, in URL-safe base64) and `links.next` carries it. Keyset paging
on the (published_at, id) index, so each page costs the same however deep it is, and each release is
on exactly one page.

The whole file streams: a generator yields the package's head, then each release from a chunked
iterator over the query, then the tail. Memory stays flat whatever the number of releases.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from civichub.commissioning.models import Notice
from civichub.commissioning.ocds.schema import EXTENSION_URLS
from civichub.core.errors import Refused

MAX_LIMIT = 100
DEFAULT_LIMIT = 100
CHUNK = 500
LICENSE = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
PUBLICATION_POLICY = "https://www.gov.uk/government/publications/procurement-act-2023-guidance-documents"


def head(uri: str, publisher_name: str, published: datetime | None = None) -> dict[str, Any]:
    """Everything a package says besides its releases."""
    head = {
        "uri": uri,
        "version": "1.1",
        "extensions": EXTENSION_URLS,
        "publishedDate": (published or timezone.now()).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "publisher": {"name": publisher_name},
        "license": LICENSE,
        "publicationPolicy": PUBLICATION_POLICY,
    }
    return head


def published(councils: list[Any]) -> QuerySet[Notice]:
    """The notices of these councils that carry a release, in publishing order."""
    return Notice.objects.for_councils(councils).filter(~Q(release={})).order_by("published_at", "id")


def encode_cursor(published_at: datetime, notice_id: UUID) -> str:
    text = json.dumps([published_at.isoformat(), str(notice_id)])
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, UUID]:
    try:
        moment, notice_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        when = parse_datetime(moment)
        if when is None or timezone.is_naive(when):
            raise ValueError(moment)
        return when.astimezone(UTC), UUID(notice_id)
    except (ValueError, TypeError, OverflowError, binascii.Error, json.JSONDecodeError, UnicodeDecodeError):
        raise Refused.on("cursor", "is not a cursor this API gave: follow links.next") from None


def page(
    councils: list[Any],
    *,
    updated_from: datetime | None = None,
    cursor: str = "",
    limit: int = DEFAULT_LIMIT,
) -> tuple[list[str], str]:
    """One page: (the releases as stored JSON texts, the cursor of the next page or "" at the end)."""
    if not 1 <= limit <= MAX_LIMIT:
        raise Refused.on("limit", f"must be between 1 and {MAX_LIMIT}")
    notices = published(councils)
    if updated_from is not None:
        try:
            # The database compares in UTC: a date-time at the edge of the calendar cannot be one.
            since = updated_from.replace(tzinfo=UTC) if timezone.is_naive(updated_from) else updated_from
            notices = notices.filter(published_at__gte=since.astimezone(UTC))
        except OverflowError:
            raise Refused.on("updatedFrom", "is out of range") from None
    if cursor:
        after, after_id = decode_cursor(cursor)
        notices = notices.filter(Q(published_at__gt=after) | Q(published_at=after, id__gt=after_id))
    rows = list(
        notices.annotate(text=Cast("release", TextField())).values_list("published_at", "id", "text")[
            : limit + 1
        ]
    )
    following = encode_cursor(rows[limit - 1][0], rows[limit - 1][1]) if len(rows) > limit else ""
    return [text for _, _, text in rows[:limit]], following


def next_link(base: str, *, updated_from: datetime | None, cursor: str, limit: int) -> str:
    query: dict[str, str] = {"cursor": cursor, "limit": str(limit)}
    if updated_from is not None:
        query["updatedFrom"] = updated_from.isoformat()
    return f"{base}?{urlencode(query)}"


def page_json(package_head: dict[str, Any], releases: list[str], links: dict[str, str]) -> str:
    """A page as JSON text: the stored release texts go in as they are, without being parsed."""
    head_text = json.dumps({**package_head, "links": links})
    return head_text[:-1] + ', "releases": [' + ", ".join(releases) + "]}"


def stream(package_head: dict[str, Any], notices: QuerySet[Notice]) -> Iterator[bytes]:
    """The whole package as bytes, release by release from a chunked query (never held all at once)."""
    head_text = json.dumps(package_head)
    yield (head_text[:-1] + ', "releases": [').encode()
    texts = notices.annotate(text=Cast("release", TextField())).values_list("text", flat=True)
    batch: list[str] = []
    first = True
    for text in texts.iterator(chunk_size=CHUNK):
        batch.append(text if first else "," + text)
        first = False
        if len(batch) >= 100:
            yield "\n".join(batch).encode()
            batch = []
    if batch:
        yield "\n".join(batch).encode()
    yield b"]}"
