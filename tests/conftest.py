"""The world the access walks run in: one object of each kind in each of two councils (Wigan and
Sunderland), built through the services. Kept apart from the walks so each context adds its objects here."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from civichub.commissioning import budgets as money_budgets
from civichub.commissioning import direct as money_direct
from civichub.commissioning import personal_budgets as money_personal
from civichub.commissioning.models import Lot
from civichub.commissioning.services import contracts, evaluation
from civichub.commissioning.services import procurement as procuring
from civichub.core import services
from civichub.core.actors import Actor
from civichub.core.models import Council, ImportRun, Job, Organisation, Role
from civichub.core.outbox import publish
from civichub.directory.details import ServiceDetails
from civichub.directory.models import ChangeRequest, Report, ReportCategory, Responsibility
from civichub.directory.services import add_service
from civichub.funding import alerts as funding_alerts
from civichub.funding import awards as funding_awards
from civichub.funding import bids as funding_bids
from civichub.funding import funding_needs
from civichub.funding import services as funding
from civichub.funding.selectors import Search as FundingSearch
from civichub.integration.models import WebhookDelivery
from civichub.integration.services import register_endpoint
from civichub.market import returns as market_returns
from civichub.market import services as market
from civichub.market import statements as market_statements
from civichub.market.models import MarketCategory
from civichub.needs import assessments
from civichub.people.models import ReviewPair
from civichub.people.persons import new_people
from civichub.people.services import agreements as people_agreements
from civichub.people.services import linkage as people_linkage
from civichub.people.services import merging as people_merging
from civichub.people.services import records as people_records
from civichub.places.models import Ward
from civichub.records.models import DisposalRun
from civichub.records.samples import pdf
from civichub.records.services import decisions, documents, requests, retention

# Ids of public open-data pages (the Open Referral API): any value will do, they are not council data.
OPEN_DATA_IDS = {
    name: "00000000-0000-0000-0000-000000000000"
    for name in ("sal_id", "org_id", "taxonomy_id", "term_id", "ocid")
}


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


def people(council: Council, partner: Council) -> dict[str, Any]:
    """One of each people object: source records and golden records, a review pair, a merge, a
    linkage run (accepted, not run) and a data-sharing agreement with the other council."""
    actor = Actor.system("access tests", council)
    rows = [
        {"record_id": f"R{n}", "source_system": "housing", "first_name": "Ann", "surname": "Lowe"}
        for n in range(3)
    ]
    held = people_records.load_records(actor, council, rows).records or []
    golden = new_people(council, 3)
    for record, person in zip(held, golden, strict=True):
        record.person = person
        record.save(update_fields=["person"])
    pair = ReviewPair.objects.create(
        council=council, record_a=held[0], record_b=held[1], match_weight=4.0, match_probability=0.94
    )
    merge = people_merging.merge(actor, council, [golden[1].pk, golden[2].pk], reason="One person")
    run = people_linkage.start_run(actor, council, queue=False)
    agreement = people_agreements.record_agreement(
        actor,
        council,
        partner=partner,
        fields=["first_name", "surname"],
        purpose="linkage",
        starts_on=date(2026, 1, 1),
        ends_on=date(2099, 1, 1),
        reference="DSA-1",
    )
    return {
        "person_id": golden[0].pk,
        "pair_id": pair.pk,
        "merge_id": merge.pk,
        "linkage_run_id": run.pk,
        "agreement_id": agreement.pk,
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

    def saved_search(council, user):
        """A person's saved search of the council's funding catalogue."""
        made = funding_alerts.save_search(
            Actor(user=user, council=council), council, "Plots", FundingSearch(q="allotment")
        )
        return made.pk

    def funding_work(council, owner):
        """A bid of the council's own pipeline and a saved funding need: the council's, no one else's."""
        bid = funding_bids.add_bid(
            actor, council, {"funder": "F", "programme": "P", "amount_sought": "1", "owner_id": str(owner.pk)}
        )
        need = funding_needs.save_need(
            actor, council, {"name": "N", "needs": ["housing"], "applicant_type": "charity"}
        )
        return {"bid_id": bid.pk, "need_id": need.pk}

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

    def grant(council):
        """A grant the council made (its 360Giving open data), to be corrected or withdrawn by it only."""
        made = funding_awards.record_grant(
            actor,
            council,
            {
                "title": "Play",
                "description": "Play sessions",
                "amount": "100",
                "award_date": "2026-01-05",
                "recipient_name": "Play CIC",
                "recipient_org_id": "GB-COH-01234567",
                "beneficiary_code": ward(council).gss_code,
            },
        )
        return made.pk

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
            "saved_search_id": saved_search(wigan, officer),
            **funding_work(wigan, officer),
            **assessed_need(wigan, "W-0001"),
            "grant_id": grant(wigan),
            "delivery_id": own_delivery,
            "action": "rotate-secret",
            "username": officer.username,
            "membership_id": officer.memberships.get().pk,
            **records(wigan, officer),
            **commissioning(wigan, org),
            **money(wigan, org),
            **people(wigan, sunderland),
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
            "saved_search_id": saved_search(sunderland, sunderland_officer),
            **funding_work(sunderland, sunderland_officer),
            **assessed_need(sunderland, "S-0001"),
            "grant_id": grant(sunderland),
            "delivery_id": their_delivery,
            "action": "rotate-secret",
            "username": sunderland_officer.username,
            "membership_id": sunderland_officer.memberships.get().pk,
            **records(sunderland, sunderland_officer),
            **commissioning(sunderland, other),
            **money(sunderland, other),
            **people(sunderland, wigan),
        },
    }
