"""The OCDS publication API (open data, no key): release packages for the whole platform and for one
council, paged with `updatedFrom` and an opaque `cursor` as Find a Tender's API pages them; each also
as one streamed file; and the record of one contracting process (ocid).

Releases are read from the published notices as stored, so these routes never build a release.
"""

# No `from __future__ import annotations`: django-ninja reads the annotations at import time.

import json
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from civichub.commissioning.ocds import package
from civichub.commissioning.ocds.records import record
from civichub.core.models import Council
from civichub.core.selectors import council_by_slug, councils

router = Router(tags=["commissioning: OCDS"])
PLATFORM_PUBLISHER = "civichub (all councils on this platform)"
JSON = "application/json"


class PackageOut(Schema):
    uri: str
    version: str
    extensions: list[str]
    publishedDate: str
    publisher: dict[str, str]
    license: str
    publicationPolicy: str
    releases: list[dict[str, Any]]
    links: dict[str, str] | None = None


class RecordPackageOut(Schema):
    uri: str
    version: str
    extensions: list[str]
    publishedDate: str
    publisher: dict[str, str]
    license: str
    publicationPolicy: str
    records: list[dict[str, Any]]


def _every_council() -> list[Council]:
    return list(councils())


def _page(
    request: HttpRequest,
    scope: list[Council],
    publisher: str,
    since: datetime | None,
    cursor: str,
    limit: int,
) -> HttpResponse:
    releases, following = package.page(scope, updated_from=since, cursor=cursor, limit=limit)
    links = {}
    if following:
        links["next"] = package.next_link(
            request.build_absolute_uri(request.path), updated_from=since, cursor=following, limit=limit
        )
    head = package.head(request.build_absolute_uri(), publisher)
    return HttpResponse(package.page_json(head, releases, links), content_type=JSON)


def _download(
    request: HttpRequest, scope: list[Council], publisher: str, file_name: str
) -> StreamingHttpResponse:
    head = package.head(request.build_absolute_uri(), publisher)
    response = StreamingHttpResponse(package.stream(head, package.published(scope)), content_type=JSON)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


def _record(request: HttpRequest, scope: list[Council], publisher: str, ocid: str) -> HttpResponse:
    notices = package.published(scope).filter(Q(procurement__ocid=ocid) | Q(contract__ocid=ocid))
    releases = list(notices.values_list("release", flat=True))
    if not releases:
        raise HttpError(404, f"No releases are published for ocid {ocid[:100]}")
    body = {
        **package.head(request.build_absolute_uri(), publisher),
        "records": [record(ocid, releases)],
    }
    return HttpResponse(json.dumps(body), content_type=JSON)


LIMIT = Query(package.DEFAULT_LIMIT, ge=1, le=package.MAX_LIMIT, description="Releases per page (1 to 100)")
UPDATED_FROM = Query(
    None,
    alias="updatedFrom",
    description="Only releases published at or after this ISO 8601 date-time",
)
CURSOR = Query("", max_length=200, description="The next page's cursor, from links.next (opaque)")


@router.get(
    "/ocds/releases",
    response=PackageOut,
    auth=None,
    summary="OCDS release package of every council on the platform, paged (open data)",
)
def platform_releases(
    request: HttpRequest,
    updated_from: datetime | None = UPDATED_FROM,
    cursor: str = CURSOR,
    limit: int = LIMIT,
) -> HttpResponse:
    return _page(request, _every_council(), PLATFORM_PUBLISHER, updated_from, cursor, limit)


@router.get(
    "/ocds/releases/download",
    response=PackageOut,
    auth=None,
    summary="The whole platform's OCDS release package as one file, streamed (open data)",
)
def platform_download(request: HttpRequest) -> StreamingHttpResponse:
    return _download(request, _every_council(), PLATFORM_PUBLISHER, "civichub-ocds-releases.json")


@router.get(
    "/ocds/records/{ocid}",
    response=RecordPackageOut,
    auth=None,
    summary="The OCDS record of one contracting process: its releases and the compiled release (open data)",
)
def platform_record(request: HttpRequest, ocid: str) -> HttpResponse:
    return _record(request, _every_council(), PLATFORM_PUBLISHER, ocid)


@router.get(
    "/c/{council_slug}/ocds/releases",
    response=PackageOut,
    auth=None,
    summary="OCDS release package of one council, paged (open data)",
)
def council_releases(
    request: HttpRequest,
    council_slug: str,
    updated_from: datetime | None = UPDATED_FROM,
    cursor: str = CURSOR,
    limit: int = LIMIT,
) -> HttpResponse:
    council = council_by_slug(council_slug)
    return _page(request, [council], council.name, updated_from, cursor, limit)


@router.get(
    "/c/{council_slug}/ocds/releases/download",
    response=PackageOut,
    auth=None,
    summary="One council's OCDS release package as one file, streamed (open data)",
)
def council_download(request: HttpRequest, council_slug: str) -> StreamingHttpResponse:
    council = council_by_slug(council_slug)
    return _download(request, [council], council.name, f"{council.slug}-ocds-releases.json")


@router.get(
    "/c/{council_slug}/ocds/records/{ocid}",
    response=RecordPackageOut,
    auth=None,
    summary="The OCDS record of one of a council's contracting processes (open data)",
)
def council_record(request: HttpRequest, council_slug: str, ocid: str) -> HttpResponse:
    council = council_by_slug(council_slug)
    return _record(request, [council], council.name, ocid)
