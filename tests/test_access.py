"""Every page and API route either requires sign-in or is explicitly public, and a Wigan officer gets
403/404 for every Sunderland object it tries, through pages and the API alike."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from civichub.api import api
from civichub.commissioning import budgets as money_budgets
from civichub.commissioning import direct as money_direct
from civichub.commissioning import personal_budgets as money_personal
from civichub.commissioning.models import Lot, Procurement
from civichub.commissioning.services import bidding, contracts, evaluation
from civichub.commissioning.services import procurement as procuring
from civichub.core import services
from civichub.core.actors import Actor
from civichub.core.models import ApiToken, Council, ImportRun, Job, Organisation, Role
from civichub.core.outbox import publish
from civichub.core.tenancy import TenantOrPlatformModel, TenantScopedModel
from civichub.directory.details import ServiceDetails
from civichub.directory.models import ChangeRequest, Report, ReportCategory, Responsibility
from civichub.directory.services import add_service
from civichub.funding import services as funding
from civichub.integration.models import WebhookDelivery
from civichub.integration.services import register_endpoint
from civichub.market import returns as market_returns
from civichub.market import services as market
from civichub.market import statements as market_statements
from civichub.market.models import MarketCategory
from civichub.needs import assessments
from civichub.places.models import Ward
from civichub.records.models import DisposalRun
from civichub.records.samples import pdf
from civichub.records.services import decisions, documents, requests, retention

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
    ("get", "/api/v1/contracts-register/{council_slug}"),
}


# Ids of public open-data pages (the Open Referral API): any value will do, they are not council data.
OPEN_DATA_IDS = {
    name: "00000000-0000-0000-0000-000000000000" for name in ("sal_id", "org_id", "taxonomy_id", "term_id")
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


def records(council: Council, officer: Any) -> dict[str, Any]:
    """One of each records object: a document, a decision, a forward plan entry, a hold, a disposal run
    and an FOI request."""
    actor = Actor.system("access tests", council)
    retention.seed_schedule(actor, council)
    document = documents.add_document(
        actor,
        council,
        title="Minutes",
        record_class="CORR",
        file_name="m.pdf",
        content=pdf("minutes"),
        owner=officer,
    )
    entry = decisions.add_forward_plan_entry(
        actor,
        council,
        title="Home care",
        maker="Cabinet",
        expected_on="2026-03-20",
        published_on="2026-01-02",
    )
    decision = decisions.record_decision(
        actor,
        council,
        title="Home care",
        decision="Award",
        maker_kind="cabinet",
        maker_name="Cabinet",
        decided_on="2026-03-20",
    )
    hold = retention.place_hold(actor, council, title="Claim", reason="litigation", documents=[document.pk])
    run = DisposalRun.objects.create(
        council=council, reference="DR-1", due_by=date(2026, 1, 1), proposed_by=officer
    )
    request = requests.open_request(
        actor, council, kind="foi", received_on="2026-01-05", requester="A journalist", summary="Taxis"
    )
    return {
        "document_id": document.pk,
        "number": 1,
        "decision_id": decision.pk,
        "entry_id": entry.pk,
        "hold_id": hold.pk,
        "disposal_id": run.pk,
        "request_id": request.pk,
    }


def commissioning(council: Council, provider: Organisation) -> dict[str, Any]:
    """A commission, a call-off procurement from a framework, and its contract."""
    actor = Actor.system("access tests", council)
    commission = procuring.create_commission(actor, council, {"title": "Home care", "purpose": "Living well"})
    procurement = procuring.start_procurement(
        actor,
        commission,
        {"reference": "CO-1", "title": "Care", "procedure": "framework_call_off", "framework_reference": "F"},
    )
    evaluation.call_off(actor, procurement, provider.pk, "1000")
    lot = Lot.objects.for_council(council).get(procurement=procurement)
    made = contracts.make_contract(
        actor, procurement, lot.pk, {"start_date": "2026-01-01", "end_date": "2026-12-31"}
    )
    outcome = contracts.add_outcome(
        actor, made, {"measure": "x", "baseline": "1", "target": "2", "unit": "%"}
    )
    return {
        "commission_id": commission.pk,
        "procurement_id": procurement.pk,
        "contract_id": made.pk,
        "outcome_id": outcome.pk,
    }


@pytest.fixture
def world(wigan, sunderland, make_user, settings, tmp_path) -> dict[str, Any]:
    """A Wigan commissioner, and one object of each kind in each council."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    actor = Actor.system("access tests")
    org = Organisation.objects.create(name="Both Councils Care Ltd", kind="company")
    other = Organisation.objects.create(name="Sunderland Only Care", kind="company")
    wigan_provider = services.add_provider(
        actor, wigan, org, services_summary="Home care", since=date(2020, 1, 1)
    )
    sunderland_provider = services.add_provider(
        actor, sunderland, other, services_summary="x", since=date(2020, 1, 1)
    )
    officer = make_user(Role.COMMISSIONER, wigan)
    sunderland_officer = make_user(Role.COMMISSIONER, sunderland)
    own_token, own_text = services.create_api_token(Actor(user=officer), "walker")
    other_token, _ = services.create_api_token(Actor(user=sunderland_officer), "theirs")

    def webhook(actor, council):
        endpoint = register_endpoint(actor, council, url="http://127.0.0.1:9/hook", event_types=[])
        event = publish(
            "core.council.added",
            council=council,
            data={"council_id": str(council.pk), "gss_code": "x", "name": "x"},
        )
        delivery = WebhookDelivery.objects.create(
            council=council, endpoint=endpoint, event=event, next_attempt_at=event.occurred_at
        )
        return endpoint.pk, delivery.pk

    def import_run(council):
        job = Job.objects.create(council=council, kind="import:providers")
        return ImportRun.objects.create(
            council=council,
            job=job,
            import_type="providers",
            file_name="p.csv",
            sha256="0",
            size=1,
            idempotency_key=str(job.pk),
        ).pk

    def report(council, reference):
        category = ReportCategory.objects.get_or_create(name="Pothole")[0]
        Report.objects.create(
            council=council, reference=reference, category=category, postcode="WN1 1AA", description="x"
        )
        return reference

    def service_and_change(council, organisation, proposer):
        service = add_service(actor, council, organisation, ServiceDetails("Day centre", "Company and meals"))
        change = ChangeRequest.objects.create(
            council=council,
            service=service,
            organisation=organisation,
            proposed=ServiceDetails("Day centre", "Company, meals and trips").as_json(),
            proposed_by=proposer,
        )
        category = ReportCategory.objects.get_or_create(name="Pothole")[0]
        duty = Responsibility.objects.create(council=council, category=category, organisation=organisation)
        return {"service_id": service.pk, "change_id": change.pk, "responsibility_id": duty.pk}

    def market_things(council, organisation, category_code):
        """An offer, a cost exercise with a return, and a published statement, in the council's market."""
        if category_code == "home-care-18":
            category = MarketCategory.objects.for_platform().get(code=category_code)
        else:  # a category of the council's own, which no other council can see
            category = market.add_category(
                actor, council, code=category_code, name="Day care", unit="places", price_unit="per day"
            )
        ward = Ward.objects.filter(local_authority_id=council.gss_code).order_by("gss_code").first()
        made = market.set_offer(
            actor,
            council,
            organisation,
            category,
            {"capacity": "10", "price": "20", "coverage": [ward.gss_code], "started_on": "2020-01-01"}
            | ({"cqc_rating": "good", "cqc_rated_on": "2024-01-01"} if category.regulated else {}),
        )
        care_homes = MarketCategory.objects.for_platform().get(code="residential-care-65")
        exercise = market_returns.open_exercise(
            actor, council, care_homes, title="Fair cost", closes_on="2099-01-01"
        )
        lines = {line: "10" for line in ("care_staff", "nursing_staff", "premises", "supplies", "food")}
        returned = market_returns.save_return(
            actor,
            exercise,
            organisation,
            {
                k: Decimal(v)
                for k, v in (
                    lines | {"utilities": "1", "return_on_operations": "1", "return_on_capital": "1"}
                ).items()
            },
        )
        statement = market_statements.draft_statement(actor, council, category)
        market_statements.edit_statement(
            actor, statement, title="Statement", sections={"intentions": "Grow it"}
        )
        market_statements.publish_statement(actor, statement)
        return {
            "category": category.code,
            "offer_id": made.pk,
            "exercise_id": exercise.pk,
            "return_id": returned.pk,
            "statement_id": statement.pk,
        }

    def opportunity(council):
        """An opportunity of the council's own, which no other council sees."""
        made = funding.add_opportunity(
            actor, council, {"grantName": f"{council.short_name} fund", "grantFunder": council.short_name}
        )
        return made.pk

    def assessed_need(council, reference):
        """A need assessed for a person of the council's (personal data)."""
        caseworker = Actor(user=make_user(Role.CASEWORKER, council), council=council)
        made = assessments.record_need(
            caseworker, council, person_reference=reference, category="housing", assessed_on=date(2025, 1, 2)
        )
        return {"need_id": made.pk, "person_reference": reference}

    own_endpoint, own_delivery = webhook(Actor(user=officer, council=wigan), wigan)
    their_endpoint, their_delivery = webhook(Actor(user=sunderland_officer, council=sunderland), sunderland)

    def ward(council):
        return Ward.objects.filter(local_authority_id=council.gss_code).order_by("gss_code").first()

    def money(council, organisation):
        """A council budget funding a contract, a resident's personal budget and a ward budget."""
        line = money_budgets.create_budget(
            actor, council, kind="council", name="Adult care", amount="1000", financial_year="2026-27"
        )
        holder = make_user(Role.RESIDENT, council)
        personal = money_personal.create_personal_budget(
            actor, council, holder, amount="500", financial_year="2026-27"
        )
        ward_budget = money_budgets.create_budget(
            actor,
            council,
            kind="ward",
            name="Ward",
            amount="500",
            financial_year="2026-27",
            ward_code=ward(council).gss_code,
        )
        commission = procuring.create_commission(actor, council, {"title": "Care", "purpose": "Care"})
        money_budgets.fund_commission(actor, commission, line, "100")
        made = money_direct.contract_from_budget(
            actor,
            line,
            commissioner=make_user(Role.COUNCILLOR, council),
            provider=organisation,
            title="Care",
            purpose="Care",
            amount="100",
            start_date="2026-04-01",
            end_date="2027-03-31",
            origin="ward_budget",
            reference_prefix="WC",
        )
        return {
            "budget_id": line.pk,
            "personal_budget_id": personal.pk,
            "ward_budget_id": ward_budget.pk,
            "contract_id": made.pk,
        }

    return {
        "officer": officer,
        "token": own_text,
        "own": {
            "council_slug": wigan.slug,
            "provider_id": wigan_provider.pk,
            "code": ward(wigan).gss_code,
            "token_id": own_token.pk,
            "organisation_id": org.pk,
            "postcode": "WN11AA",
            "endpoint_id": own_endpoint,
            "run_id": import_run(wigan),
            "reference": report(wigan, "R-WIGAN01"),
            **OPEN_DATA_IDS,
            **service_and_change(wigan, org, officer),
            **market_things(wigan, org, "home-care-18"),
            "opportunity_id": opportunity(wigan),
            **assessed_need(wigan, "W-0001"),
            "delivery_id": own_delivery,
            "action": "rotate-secret",
            "username": officer.username,
            "membership_id": officer.memberships.get().pk,
            **records(wigan, officer),
            **money(wigan, org),
            **commissioning(wigan, org),
        },
        "theirs": {
            "council_slug": sunderland.slug,
            "provider_id": sunderland_provider.pk,
            "code": ward(sunderland).gss_code,
            "token_id": other_token.pk,
            "organisation_id": other.pk,
            "postcode": "SR11AA",
            "endpoint_id": their_endpoint,
            "run_id": import_run(sunderland),
            "reference": report(sunderland, "R-SUNDE01"),
            **OPEN_DATA_IDS,
            **service_and_change(sunderland, other, sunderland_officer),
            **market_things(sunderland, other, "sunderland-day-care"),
            "opportunity_id": opportunity(sunderland),
            **assessed_need(sunderland, "S-0001"),
            "delivery_id": their_delivery,
            "action": "rotate-secret",
            "username": sunderland_officer.username,
            "membership_id": sunderland_officer.memberships.get().pk,
            **records(sunderland, sunderland_officer),
            **money(sunderland, other),
            **commissioning(sunderland, other),
        },
    }


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
                    # Needs: an assessed need.
                    | {"person_reference": "x", "category": "housing", "assessed_on": "2025-01-01"}
                    | {
                        "batch": [
                            {"occurred_on": "2025-01-01", "channel": "phone", "category": "housing"}
                            | {"service": "x", "kind": "value"}
                        ]
                    }
                    | RECORDS_BODY
                    # The money: a budget, an allocation, a payment, a purchase, a ward award.
                    | {"amount": "1", "financial_year": "2026-27", "provider_id": "x"}
                    | {"start_date": "2026-01-01", "end_date": "2026-02-01"}
                    | COMMISSIONING_BODY
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
