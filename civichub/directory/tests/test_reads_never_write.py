"""A GET never writes: every directory page, every /openreferral/ endpoint and every GET of the
directory's API, asked as a commissioner and as anyone, runs no INSERT, UPDATE or DELETE (but the audit
log's entry for a read of personal data, which is the point of auditing it)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLResolver, get_resolver, reverse

from civichub.api import api
from civichub.core import services as core
from civichub.core.actors import Actor
from civichub.core.models import Role
from civichub.directory import changes, reports
from civichub.directory.details import ServiceDetails
from civichub.directory.models import SearchEntry, Service, ServiceAtLocation

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
# Reading a report's contact details is audited by design (the audit log and its head).
AUDIT_TABLES = ("core_auditentry", "core_audithead")


def writes(captured: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in captured.captured_queries
        if WRITE.match(q["sql"]) and not any(table in q["sql"] for table in AUDIT_TABLES)
    ]


@pytest.fixture
def samples(directory, wigan, make_user):
    youth = directory["youth"]
    provider = youth.organisation
    core.add_provider(Actor.system("test"), wigan, provider, services_summary="Youth", since=date(2020, 1, 1))
    staff = make_user(Role.PROVIDER_STAFF, wigan, organisation=provider)
    change = changes.propose(Actor(user=staff), wigan, ServiceDetails("Youth club", "Games"), service=youth)
    from civichub.demo import directory as demo

    category = demo.report_categories()[0]
    report = reports.submit(str(category.pk), "WN1 1AA", "A deep hole by the kerb", "me@example.org")
    duty = reports.set_responsibility(
        Actor(user=make_user(Role.COMMISSIONER, wigan), council=wigan), wigan, category_id=str(category.pk)
    )
    sal = ServiceAtLocation.objects.for_council(wigan).get(service=youth)
    # Services stored before documents and location-aware entries existed: a read must not fill them in.
    Service.objects.for_council(wigan).update(oruk_document="")
    SearchEntry.objects.for_council(wigan).update(location=None)
    return {
        "council_slug": wigan.slug,
        "service_id": youth.pk,
        "change_id": change.pk,
        "reference": report.reference,
        "responsibility_id": duty.pk,
        "sal_id": sal.pk,
        "org_id": provider.pk,
        "taxonomy_id": youth.taxonomy_terms.get().taxonomy_id,
        "term_id": youth.taxonomy_terms.get().pk,
        "commissioner": make_user(Role.COMMISSIONER, wigan),
    }


def directory_pages():
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and pattern.namespace == "directory":
            yield from pattern.url_patterns


def test_no_directory_page_or_api_writes_on_get(client, client_as, samples) -> None:
    signed_in = client_as(samples["commissioner"])
    asked = 0
    for pattern in directory_pages():
        names = re.findall(r"<(?:\w+:)?(\w+)>", str(pattern.pattern))
        url = reverse(f"directory:{pattern.name}", kwargs={k: samples[k] for k in names})
        for who in (client, signed_in):
            for suffix in ("", "?format=csv", "?postcode=WN1+1AA&proximity=5000&miles=3&q=club"):
                with CaptureQueriesContext(connection) as captured:
                    status = who.get(url + suffix).status_code
                assert status < 500, url
                assert not writes(captured), f"GET {url}{suffix} wrote: {writes(captured)[:2]}"
                asked += 1
    schema = api.get_openapi_schema()
    for path, methods in schema["paths"].items():
        if "get" not in methods or "directory" not in methods["get"].get("tags", []):
            continue
        url = re.sub(r"{(\w+)}", lambda m: str(samples[m.group(1)]), path)
        for who in (client, signed_in):
            with CaptureQueriesContext(connection) as captured:
                status = who.get(url).status_code
            assert status < 500, url
            assert not writes(captured), f"GET {url} wrote: {writes(captured)[:2]}"
            asked += 1
    assert asked > 80
