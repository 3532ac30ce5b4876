"""Every page and API route either requires sign-in or is explicitly public, and a Wigan officer gets
403/404 for every Sunderland object it tries, through pages and the API alike."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from civichub.api import api
from civichub.commissioning.models import Lot, Procurement
from civichub.commissioning.services import bidding
from civichub.commissioning.services import procurement as procuring
from civichub.core.actors import Actor
from civichub.core.models import ApiToken, Council, Organisation, Role
from civichub.core.tenancy import TenantOrPlatformModel, TenantScopedModel
from civichub.directory.models import ReportCategory

# Routes of the API that are open data by design. Anything else must refuse an anonymous caller.
PUBLIC_API = {
    ("get", "/api/v1/councils"),
    ("get", "/api/v1/councils/{council_slug}"),
    ("get", "/api/v1/organisations"),
    ("get", "/api/v1/organisations/{organisation_id}"),
    ("get", "/api/v1/places/postcodes/{postcode}"),
    ("get", "/api/v1/places/lsoas/{code}"),
    ("get", "/api/v1/places/wards/{code}"),
    ("get", "/api/v1/event-types"),
    ("post", "/api/v1/reports"),
    ("get", "/api/v1/reports/{reference}"),
    ("get", "/api/v1/report-categories"),
    ("get", "/api/v1/taxonomy-terms"),
    ("get", "/api/v1/market-statements/{statement_id}"),
    ("get", "/api/v1/decisions/{council_slug}"),
    ("get", "/api/v1/decisions/{council_slug}/{decision_id}"),
    ("get", "/api/v1/forward-plan/{council_slug}"),
    ("get", "/api/v1/c/{council_slug}/funding/opportunities"),
    ("get", "/api/v1/c/{council_slug}/funding/opportunities/{opportunity_id}"),
    ("get", "/api/v1/c/{council_slug}/funding/past-grants/{code}"),
    ("get", "/api/v1/c/{council_slug}/grants/360giving.json"),
    ("get", "/api/v1/c/{council_slug}/contracts-register"),
    # OCDS: the platform's and each council's release packages, their downloads and records.
    ("get", "/api/v1/ocds/releases"),
    ("get", "/api/v1/ocds/releases/download"),
    ("get", "/api/v1/ocds/records/{ocid}"),
    ("get", "/api/v1/c/{council_slug}/ocds/releases"),
    ("get", "/api/v1/c/{council_slug}/ocds/releases/download"),
    ("get", "/api/v1/c/{council_slug}/ocds/records/{ocid}"),
}


def page_patterns() -> Iterator[tuple[str, URLPattern]]:
    """(namespaced name, pattern) for every page; the API is walked through its OpenAPI document."""

    def walk(patterns: list[Any], namespace: str) -> Iterator[tuple[str, URLPattern]]:
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace == "api-1":
                    continue
                yield from walk(p.url_patterns, f"{namespace}{p.namespace}:" if p.namespace else namespace)
            else:
                yield f"{namespace}{p.name}", p

    yield from walk(get_resolver().url_patterns, "")


def kwargs_of(pattern: URLPattern) -> list[str]:
    return re.findall(r"<(?:\w+:)?(\w+)>", str(pattern.pattern))


def test_every_page_requires_sign_in_or_is_public(client, world) -> None:
    checked = 0
    for name, pattern in page_patterns():
        names = kwargs_of(pattern)
        unknown = set(names) - set(world["own"])
        assert not unknown, f"{name}: add a sample value for {unknown} to this test"
        url = reverse(name, kwargs={k: world["own"][k] for k in names})
        public = getattr(pattern.callback, "civichub_public", False)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if public:
                assert response.status_code < 500, f"{method.upper()} {url}"
                assert "/sign-in/?next=" not in response.get("Location", ""), f"{url} is marked public"
            elif response.status_code != 405:
                assert response.status_code == 302, f"{method.upper()} {url} gave {response.status_code}"
                assert response["Location"].startswith("/sign-in/?next="), f"{url} let an anonymous user in"
            checked += 1
    assert checked > 30


def test_no_page_shows_another_councils_objects(client_as, world) -> None:
    client = client_as(world["officer"])
    tried = 0
    for name, pattern in page_patterns():
        names = kwargs_of(pattern)
        if not names or getattr(pattern.callback, "civichub_public", False):
            continue  # public open data, the same for everyone
        # 1. Another council in the URL.  2. Our council in the URL, another council's object ids.
        attempts = [{k: world["theirs"][k] for k in names}]
        if "council_slug" in names and len(names) > 1:
            attempts.append(
                {k: world["own"][k] if k == "council_slug" else world["theirs"][k] for k in names}
            )
        for kwargs in attempts:
            url = reverse(name, kwargs=kwargs)
            for method in ("get", "post"):
                status = getattr(client, method)(url).status_code
                assert status in (403, 404, 405), f"{method.upper()} {url} gave {status} to a Wigan officer"
                tried += 1
    assert tried >= 20
    # The same officer does reach its own council's objects.
    own = world["own"]
    assert (
        client.get(
            reverse("core:provider", kwargs={k: own[k] for k in ("council_slug", "provider_id")})
        ).status_code
        == 200
    )
    assert (
        client.get(
            reverse("places:council-ward", kwargs={k: own[k] for k in ("council_slug", "code")})
        ).status_code
        == 200
    )


def api_operations() -> Iterator[tuple[str, str, dict[str, Any]]]:
    schema = api.get_openapi_schema()
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield method, path, operation


def _fill(path: str, values: dict[str, Any]) -> str:
    names = re.findall(r"{(\w+)}", path)
    unknown = set(names) - set(values)
    assert not unknown, f"{path}: add a sample value for {unknown} to this test"
    return re.sub(r"{(\w+)}", lambda m: str(values[m.group(1)]), path)


def test_every_api_route_requires_a_token_or_is_public(client, world) -> None:
    public = set()
    for method, path, operation in api_operations():
        response = client.generic(method.upper(), _fill(path, world["own"]) + "?purpose=audit+review")
        if not operation.get("security"):
            public.add((method, path))
            assert response.status_code < 500
        else:
            assert response.status_code == 401, (
                f"{method.upper()} {path} gave {response.status_code} anonymously"
            )
    assert public == PUBLIC_API


# What the records operations need of a body to get past validation (and so reach the tenant check).
RECORDS_BODY = {
    "title": "x",
    "target_type": "contract",
    "target_id": "x",
    "decision": "x",
    "maker_kind": "cabinet",
    "maker_name": "x",
    "maker": "x",
    "decided_on": "2026-01-01",
    "expected_on": "2026-02-01",
    "call_in_status": "called_in",
    "trigger": "created",
    "retention_years": 1,
    "action": "destroy",
    "reason": "other",
    "documents": ["00000000-0000-0000-0000-000000000001"],
    "kind": "foi",
    "received_on": "2026-01-01",
    "requester": "x",
    "summary": "x",
    "outcome": "withdrawn",
    # People: a record, a decision, a merge, a run, thresholds and an agreement.
    "record_id": "x",
    "source_system": "housing",
    "same_person": True,
    "person_ids": ["00000000-0000-0000-0000-000000000001", "00000000-0000-0000-0000-000000000002"],
    "retrain": False,
    "review_from": 1,
    "link_from": 9,
    "partner": "wigan",
    "fields": ["surname"],
    "purpose": "linkage",
    "starts_on": "2026-01-01",
    "ends_on": "2027-01-01",
    "reference": "x",
}


# What the commissioning operations need of a body to get past validation.
COMMISSIONING_BODY = {
    "purpose": "x",
    "reference": "x",
    "procedure": "open",
    "stage": "planned",
    "lots": [{"title": "x"}],
    "criteria": [{"name": "x", "kind": "quality", "weight": "100"}],
    "tender_deadline": "2099-01-01T12:00",
    "lot_id": "00000000-0000-0000-0000-000000000001",
    "response": "x",
    "bid_id": "00000000-0000-0000-0000-000000000001",
    "criterion_id": "00000000-0000-0000-0000-000000000001",
    "score": "5",
    "choices": {},
    "provider_id": "00000000-0000-0000-0000-000000000001",
    "value": "1",
    "start_date": "2026-01-01",
    "end_date": "2026-12-31",
    "cost_lines": [{"kind": "staff", "amount": "1"}],
    "measure": "x",
    "baseline": "1",
    "target": "2",
    "unit": "%",
    "period_end": "2026-06-30",
    "ratings": [],
    "penalty": "1",
    "occurred_on": "2026-01-01",
    "cost_change": "1",
    "agreed_by": "x",
    "terminated_on": "2026-06-30",
}


def sunderlands_records(sunderland: Council, theirs: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Every row that is Sunderland's: the council, each council-owned model's rows for it, its
    officer's API tokens and its provider's organisation, each row with every column."""
    records: dict[str, list[dict[str, Any]]] = {
        "core.Council": list(Council.objects.filter(pk=sunderland.pk).values()),
        "core.Organisation": list(Organisation.objects.filter(pk=theirs["organisation_id"]).values()),
    }
    officer = ApiToken.objects.get(pk=theirs["token_id"]).user
    records["core.ApiToken"] = list(ApiToken.objects.filter(user=officer).order_by("pk").values())
    for model in apps.get_models():
        if issubclass(model, TenantScopedModel | TenantOrPlatformModel):
            rows = model.objects.for_council(sunderland)  # type: ignore[attr-defined]
        elif any(f.name == "council" and f.related_model is Council for f in model._meta.fields):
            rows = model._default_manager.filter(council=sunderland)
        else:
            continue
        records[model._meta.label] = list(rows.order_by("pk").values())
    return records


def test_no_api_route_shows_another_councils_objects(client, world, sunderland) -> None:
    auth = {"HTTP_AUTHORIZATION": f"Bearer {world['token']}"}
    before = sunderlands_records(sunderland, world["theirs"])
    assert before["core.CouncilProvider"] and before["integration.WebhookEndpoint"]
    tried = 0
    for method, path, operation in api_operations():
        if not operation.get("security") or "{" not in path:
            continue
        names = re.findall(r"{(\w+)}", path)
        attempts = [world["theirs"]]
        if "council_slug" in names and len(names) > 1:
            attempts.append({**world["theirs"], "council_slug": world["own"]["council_slug"]})
        for values in attempts:
            url = _fill(path, values) + "?purpose=audit+review"
            # A valid body, so the request gets past validation to the tenant check.
            if "multipart/form-data" in operation.get("requestBody", {}).get("content", {}):
                form = {
                    "import_type": "providers",
                    "file": SimpleUploadedFile("p.csv", b"name\n"),
                    "title": "x",
                    "record_class": "CORR",
                }
                status = client.post(url, form, **auth).status_code
            else:
                service = {"name": "x", "description": "x"}
                body = json.dumps(
                    {"url": "http://127.0.0.1:9/hook", "event_types": [], "status": "closed", "approve": True}
                    | {"is_active": False, "required": True}
                    | service
                    | {"details": service, "organisation_id": str(values["organisation_id"])}
                    | {"category_id": str(ReportCategory.objects.get().pk)}
                    # The market's bodies: an offer, a note, an exercise, a return, a statement, a category.
                    | {"category": "home-care-18", "capacity": "1", "price": "1", "coverage": ["E05000840"]}
                    | {"started_on": "2020-01-01", "closes_on": "2099-01-01", "title": "x", "sections": {}}
                    | {"lines": {}, "kind": "comment", "text": "x", "identifiers": {"GB-COH": "1"}}
                    | {"code": "x", "unit": "x", "price_unit": "x", "ward_share_threshold": "40"}
                    # Funding's body: an opportunity in Find a Grant's field names.
                    | {"grantName": "x", "grantFunder": "x"}
                    # Funding's bids, saved needs, grants and 360Giving settings.
                    | {"amount_sought": "1", "needs": ["housing"], "applicant_type": "charity"}
                    | {"amount": "1", "award_date": "2026-01-01", "recipient_name": "x"}
                    | {"recipient_org_id": "GB-CHC-1", "beneficiary_code": "E05000840"}
                    | {"prefix": "x", "org_id": "GB-CHC-1"}
                    # Needs: an assessed need.
                    | {"person_reference": "x", "category": "housing", "assessed_on": "2025-01-01"}
                    | {
                        "batch": [
                            {"occurred_on": "2025-01-01", "channel": "phone", "category": "housing"}
                            | {"service": "x", "kind": "value"}
                        ]
                    }
                    | RECORDS_BODY
                    | COMMISSIONING_BODY
                    # The money: a budget, an allocation, a payment, a purchase, a ward award.
                    | {"amount": "1", "financial_year": "2026-27", "provider_id": "x"}
                    | {"start_date": "2026-01-01", "end_date": "2026-02-01"}
                )
                status = client.generic(method.upper(), url, body, "application/json", **auth).status_code
            assert status in (403, 404), f"{method.upper()} {url} gave {status} to a Wigan officer"
            tried += 1
    assert tried >= 5
    assert sunderlands_records(sunderland, world["theirs"]) == before, "a Wigan officer changed them"


# --- Sealed bids: nothing anyone can read shows a bid's price or response before the deadline ----------

SECRET_RESPONSE = "Our sealed method, SEALED-7Q2X"
SECRET_PRICE = "987654.32"


@pytest.fixture
def sealed(world, wigan, make_user) -> dict[str, Any]:
    """A Wigan tender open for bids, with one sealed bid from one provider; the other bidder's staff."""
    from datetime import timedelta

    from django.utils import timezone

    actor = Actor.system("sealed bids", wigan)
    commission = procuring.create_commission(actor, wigan, {"title": "Day care", "purpose": "Company"})
    procurement = procuring.start_procurement(actor, commission, {"reference": "T-1", "title": "Day care"})
    procuring.set_lots(
        actor, procurement, [{"title": "Day care"}], [{"name": "Q", "kind": "quality", "weight": 100}]
    )
    procuring.open_tender(actor, procurement, timezone.now() + timedelta(days=5))
    bidder = Organisation.objects.create(name="Sealed Bidder Ltd", kind="company")
    rival = Organisation.objects.create(name="Rival Bidder Ltd", kind="company")
    staff = make_user(Role.PROVIDER_STAFF, wigan, organisation=bidder)
    lot = Lot.objects.for_council(wigan).get(procurement=procurement)
    bid = bidding.submit_bid(
        Actor(user=staff, council=wigan), procurement, lot.pk, SECRET_PRICE, SECRET_RESPONSE
    )
    return {
        "procurement_id": procurement.pk,
        "bid_id": bid.pk,
        "lot_id": lot.pk,
        "rival": make_user(Role.PROVIDER_STAFF, wigan, organisation=rival),
        "admin": make_user(Role.PLATFORM_ADMIN),
    }


def _body(response: Any) -> bytes:
    """The whole body, streamed downloads (large CSVs, the audit export) included."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def _shows_the_bid(content: bytes) -> bool:
    text = content.decode("utf-8", "replace")
    return "SEALED-7Q2X" in text or "987654" in text or "987,654" in text


def test_no_route_shows_a_sealed_bid_before_the_deadline(client_as, world, sealed) -> None:
    """Every GET page and API route, as the council's commissioner, a platform administrator and a rival
    bidder, with the sealed procurement's ids: none shows the bid's price or response. The event feed,
    the audit export and every CSV are among the routes walked."""
    values = {**world["own"], "procurement_id": sealed["procurement_id"], "bid_id": sealed["bid_id"]}
    readers = [world["officer"], sealed["admin"], sealed["rival"]]
    walked = 0
    for reader in readers:
        client = client_as(reader)
        for name, pattern in page_patterns():
            names = kwargs_of(pattern)
            url = reverse(name, kwargs={k: values[k] for k in names})
            for query in ("", "?format=csv"):
                response = client.get(url + query)
                if response.status_code == 200:
                    assert not _shows_the_bid(_body(response)), f"{url}{query} shows a sealed bid to {reader}"
                    walked += 1
        for method, path, _ in api_operations():
            if method != "get":
                continue
            response = client.get(_fill(path, values) + "?purpose=audit+review")
            if response.status_code == 200:
                assert not _shows_the_bid(_body(response)), f"{path} shows a sealed bid to {reader}"
                walked += 1
    assert walked > 50
    # The outbox (what webhooks deliver) and the audit log hold no content either.
    from civichub.core.audit import AuditEntry
    from civichub.core.models import DomainEvent

    assert not any(_shows_the_bid(str(e.data).encode()) for e in DomainEvent.unscoped.all())
    assert not any(_shows_the_bid(str(e.data).encode()) for e in AuditEntry.objects.all())


def test_bids_open_to_evaluators_only_after_the_deadline_and_never_to_a_rival(
    client_as, world, sealed
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    path = f"/api/v1/c/{world['own']['council_slug']}/procurements/{sealed['procurement_id']}"
    officer, rival = client_as(world["officer"]), client_as(sealed["rival"])
    assert officer.get(f"{path}/bids").status_code == 409
    Procurement.unscoped.filter(pk=sealed["procurement_id"]).update(
        tender_deadline=timezone.now() - timedelta(minutes=1)
    )
    opened = officer.get(f"{path}/bids")
    assert opened.status_code == 200 and _shows_the_bid(opened.content)
    assert rival.get(f"{path}/bids").status_code == 403
    assert rival.get(f"{path}/my-bids").json() == []
    page = reverse(
        "commissioning:procurement",
        kwargs={"council_slug": world["own"]["council_slug"], "procurement_id": sealed["procurement_id"]},
    )
    assert not _shows_the_bid(rival.get(page).content)
    assert _shows_the_bid(officer.get(page).content)
