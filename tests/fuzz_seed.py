"""The fuzz server's seed: run in a subprocess on its database (tests/test_api_fuzz.py), it makes Wigan's
commissioner's API tokens and one of each thing the demo does not make, and prints the real ids to use as
path parameters, as JSON. Apart from the fuzzing so each context adds its objects here."""

from __future__ import annotations

import json

# Nothing is delivered in this test (the fuzz server runs no dispatcher), but registering an endpoint
# resolves its host: fuzzed URLs get this public address in place of their host, so no name is looked up.
WEBHOOK_HOST = "192.0.32.10"


def seed() -> None:
    """In a subprocess on the server's database: Wigan's commissioner's API tokens, one of each thing the
    demo does not make, and the real ids to use as path parameters, printed as JSON."""
    import django

    django.setup()
    from civichub.commissioning.models import Budget, Lot
    from civichub.commissioning.services import contracts, evaluation
    from civichub.commissioning.services import procurement as procuring
    from civichub.core import services
    from civichub.core.actors import Actor
    from civichub.core.importing.runner import start_import
    from civichub.core.models import Council, CouncilProvider, User
    from civichub.directory import reports
    from civichub.directory.models import (
        ChangeRequest,
        ReportCategory,
        Responsibility,
        Service,
        ServiceAtLocation,
        Taxonomy,
        TaxonomyTerm,
    )
    from civichub.funding import alerts, awards
    from civichub.funding.models import Bid, FundingNeed, Grant, Opportunity
    from civichub.funding.selectors import Search
    from civichub.integration import dispatcher
    from civichub.integration import services as integration
    from civichub.integration.models import WebhookDelivery
    from civichub.market.models import CostExercise, MarketStatement, Offer
    from civichub.people.models import DataSharingAgreement, LinkageRun, Merge, Person, ReviewPair
    from civichub.places.models import Lsoa, Postcode, Ward
    from civichub.records.models import (
        Decision,
        DisposalRun,
        Document,
        ForwardPlanEntry,
        InformationRequest,
        LegalHold,
    )

    wigan = Council.objects.get(slug="wigan")
    commissioner = User.objects.get(username="wigan.commissioner")
    actor = Actor(user=commissioner, council=wigan)
    _, token = services.create_api_token(actor, "schemathesis")
    spare, _ = services.create_api_token(actor, "schemathesis may revoke this one")
    endpoint = integration.register_endpoint(
        actor, wigan, url=f"https://{WEBHOOK_HOST}/civichub", event_types=[], description="fuzz"
    )
    report = reports.submit(
        str(ReportCategory.objects.order_by("name").first().pk),  # type: ignore[union-attr]
        "WN5 0AA",
        "A deep pothole outside number 12",
    )
    services.create_api_token(Actor(user=commissioner), "an event after the endpoint")
    dispatcher.fan_out()
    run, _ = start_import(
        actor,
        wigan,
        "providers",
        file_name="providers.csv",
        content=b"name,kind,services,since\nWigan Fuzz Care Ltd,company,Home care,2024-01-02\n",
    )
    # The same rows every run (the demo's ids are random, its names are not), and rows with the most to
    # show: published services with taxonomy terms, so their ORUK documents have attributes. The API's
    # fuzzing may change its service and the one of its change request, so ORUK's is another.
    provider = CouncilProvider.objects.for_council(wigan).order_by("organisation__name").first()
    change = ChangeRequest.objects.for_council(wigan).order_by("created_at").first()
    shown = (
        Service.objects.for_council(wigan)
        .filter(is_published=True, taxonomy_terms__isnull=False)
        .exclude(pk=change.service_id)  # type: ignore[union-attr]
        .distinct()
        .order_by("name", "description")
    )
    service, oruk_service = shown[0], shown[1]
    service_at_location = ServiceAtLocation.objects.for_council(wigan).filter(service=oruk_service).first()
    postcode = Postcode.objects.filter(postcode__startswith="WN").order_by("postcode").first()
    saved_search = alerts.save_search(actor, wigan, "Fuzz", Search(q="community"))
    # Commissioning: a commission, a call-off from a framework and its contract with an outcome (the demo's
    # own procurements are at every stage; these are the same every run).
    commission = procuring.create_commission(actor, wigan, {"title": "Fuzz care", "purpose": "Living well"})
    procurement = procuring.start_procurement(
        actor,
        commission,
        {
            "reference": "FUZZ-1",
            "title": "Care",
            "procedure": "framework_call_off",
            "framework_reference": "F",
        },
    )
    evaluation.call_off(actor, procurement, provider.organisation_id, "1000")  # type: ignore[union-attr]
    lot = Lot.objects.for_council(wigan).get(procurement=procurement)
    contract = contracts.make_contract(
        actor, procurement, lot.pk, {"start_date": "2026-01-01", "end_date": "2027-12-31"}
    )
    outcome = contracts.add_outcome(
        actor, contract, {"measure": "x", "baseline": "1", "target": "2", "unit": "%"}
    )
    grant = Grant.objects.for_council(wigan).order_by("number").first() or awards.record_grant(
        actor,
        wigan,
        {
            "title": "Play",
            "description": "Play sessions",
            "amount": "100",
            "award_date": "2026-01-05",
            "recipient_name": "Play CIC",
            "recipient_org_id": "GB-COH-01234567",
            "beneficiary_code": Ward.objects.filter(local_authority_id=wigan.gss_code)
            .order_by("gss_code")[0]
            .gss_code,
        },
    )
    ids = {
        "token": token,
        "council_slug": "wigan",
        # OCDS: the call-off's process, whose notices (UK1, UK6, UK7) are published releases.
        "ocid": procurement.ocid,
        "organisation_id": str(provider.organisation_id),  # type: ignore[union-attr]
        "provider_id": str(provider.pk),  # type: ignore[union-attr]
        "token_id": str(spare.pk),
        "postcode": postcode.postcode.replace(" ", ""),  # type: ignore[union-attr]
        "lsoa_code": Lsoa.objects.filter(local_authority_id=wigan.gss_code).order_by("code")[0].code,
        "ward_code": Ward.objects.filter(local_authority_id=wigan.gss_code).order_by("gss_code")[0].gss_code,
        "endpoint_id": str(endpoint.pk),
        "delivery_id": str(WebhookDelivery.objects.for_council(wigan).filter(endpoint=endpoint).first().pk),  # type: ignore[union-attr]
        "run_id": str(run.pk),
        "reference": report.reference,
        "service_id": str(service.pk),
        "change_id": str(change.pk),  # type: ignore[union-attr]
        "responsibility_id": str(
            Responsibility.objects.for_council(wigan).order_by("category__name").first().pk  # type: ignore[union-attr]
        ),
        # The market: the demo's offers, Wigan's home care exercise and its published statement.
        "category": "home-care-18",
        "offer_id": str(
            Offer.objects.filter(areas__local_authority_code=wigan.gss_code)
            .order_by("organisation__name")
            .first()
            .pk  # type: ignore[union-attr]
        ),
        "exercise_id": str(CostExercise.objects.for_council(wigan).order_by("created_at").first().pk),  # type: ignore[union-attr]
        "statement_id": str(MarketStatement.objects.for_council(wigan).order_by("version").first().pk),  # type: ignore[union-attr]
        # Funding: one of the demo's opportunities the council sees.
        "opportunity_id": str(
            Opportunity.objects.for_council_and_platform(wigan).order_by("programme").first().pk
        ),  # type: ignore[union-attr]
        "saved_search_id": str(saved_search.pk),
        # Funding: one of the council's own demo bids and its saved funding need.
        "bid_id": str(
            Bid.objects.for_council(wigan)
            .filter(organisation=wigan.organisation)
            .order_by("created_at")[0]
            .pk
        ),
        "need_id": str(FundingNeed.objects.for_council(wigan).order_by("name")[0].pk),
        # One of the council's own grants (360Giving, the demo's when it made some), to be corrected.
        "grant_id": str(grant.pk),
        # The demo's records: a document with content, a published decision, a forward plan entry, a hold,
        # the completed disposal run and an FOI request.
        "document_id": str(
            Document.objects.for_council(wigan)
            .filter(kind="document", disposed_at__isnull=True)
            .order_by("title")
            .first()
            .pk  # type: ignore[union-attr]
        ),
        "number": 1,
        "decision_id": str(Decision.objects.for_council(wigan).order_by("reference").first().pk),  # type: ignore[union-attr]
        "entry_id": str(ForwardPlanEntry.objects.for_council(wigan).order_by("reference").first().pk),  # type: ignore[union-attr]
        "hold_id": str(LegalHold.objects.for_council(wigan).order_by("title").first().pk),  # type: ignore[union-attr]
        "disposal_id": str(DisposalRun.objects.for_council(wigan).order_by("reference").first().pk),  # type: ignore[union-attr]
        "request_id": str(InformationRequest.objects.for_council(wigan).order_by("reference").first().pk),  # type: ignore[union-attr]
        "commission_id": str(commission.pk),
        "procurement_id": str(procurement.pk),
        "contract_id": str(contract.pk),
        "outcome_id": str(outcome.pk),
        # The money (the demo's commissioning): a budget line and a contract.
        "budget_id": str(
            Budget.objects.for_council(wigan).filter(kind="council").order_by("name").first().pk
        ),  # type: ignore[union-attr]
        # The demo's people: a golden record, a pair in review, its linkage run, its agreement (a merge,
        # if there is one: the fuzzer may undo it).
        **{
            name: str(found.pk) if found else "00000000-0000-0000-0000-000000000000"
            for name, found in (
                ("person_id", Person.objects.for_council(wigan).order_by("reference").first()),
                ("pair_id", ReviewPair.objects.for_council(wigan).order_by("match_weight", "pk").first()),
                ("linkage_run_id", LinkageRun.objects.for_council(wigan).order_by("created_at").first()),
                ("merge_id", Merge.objects.for_council(wigan).order_by("created_at").first()),
                (
                    "agreement_id",
                    DataSharingAgreement.objects.for_council(wigan).order_by("created_at").first(),
                ),
            )
        },
        "oruk": {
            "services": str(oruk_service.pk),
            "service_at_locations": str(service_at_location.pk),  # type: ignore[union-attr]
            "taxonomies": str(Taxonomy.objects.order_by("name").first().pk),  # type: ignore[union-attr]
            "taxonomy_terms": str(TaxonomyTerm.objects.order_by("name", "code").first().pk),  # type: ignore[union-attr]
        },
    }
    print(json.dumps(ids))
