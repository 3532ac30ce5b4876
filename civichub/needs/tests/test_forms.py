"""The needs forms: a council's own need category, recording an assessed need and moving it on (with who
meets it), a person's needs read only with a purpose (audited, and the reference never in an address),
and the unmet-need figures with small counts suppressed outside the council's officers. Refusals come
back on the form, each named in the error summary."""

from __future__ import annotations

from datetime import date

import pytest

from civichub.core.audit import AuditEntry
from civichub.core.models import Organisation, OrganisationIdentifier, Role
from civichub.needs.models import AssessedNeed, NeedCategory


@pytest.fixture
def caseworker(wigan, make_user, client_as):
    return client_as(make_user(Role.CASEWORKER, wigan))


def need_form(**changes: str) -> dict[str, str]:
    return {
        "person_reference": "W-77",
        "category": "housing",
        "assessed_on-day": "3",
        "assessed_on-month": "2",
        "assessed_on-year": "2025",
        "status": "identified",
        "postcode": "WN1 1AA",
        "met_by": "",
        "met_by_service": "",
    } | changes


def test_an_analyst_adds_a_need_category_and_mistakes_are_named(wigan, make_user, client_as) -> None:
    client = client_as(make_user(Role.ANALYST, wigan))
    url = f"/c/{wigan.slug}/needs/categories/new/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"code": "Not A Code!", "name": "Fuel poverty"})
    body = bad.content.decode()
    assert bad.status_code == 400 and "There is a problem" in body and 'href="#code"' in body
    taken = client.post(url, {"code": "housing", "name": "Housing again"})
    assert taken.status_code == 400 and "already a need" in taken.content.decode()
    done = client.post(url, {"code": "fuel-poverty", "name": "Fuel poverty", "market_codes": "a, b"})
    assert done.status_code == 302
    made = NeedCategory.objects.for_council(wigan).get(code="fuel-poverty")
    assert made.market_codes == ["a", "b"]
    assert client_as(make_user(Role.COUNCILLOR, wigan)).get(url).status_code == 403


def test_a_caseworker_records_a_need_then_moves_it_on_naming_the_provider(wigan, caseworker) -> None:
    provider = Organisation.objects.create(name="Wigan Debt Advice", kind=Organisation.Kind.CHARITY)
    OrganisationIdentifier.objects.create(organisation=provider, scheme="GB-CHC", identifier="1099999")
    url = f"/c/{wigan.slug}/needs/people/record/"
    assert caseworker.get(url).status_code == 200
    bad = caseworker.post(url, need_form(**{"assessed_on-month": "13", "category": ""}))
    assert bad.status_code == 400 and 'href="#assessed_on"' in bad.content.decode()
    unmet_without_provider = caseworker.post(url, need_form(status="being_met"))
    assert unmet_without_provider.status_code == 400
    assert 'href="#met_by"' in unmet_without_provider.content.decode()
    unknown = caseworker.post(url, need_form(status="being_met", met_by="GB-CHC-0000001"))
    assert unknown.status_code == 400 and "GB-CHC-0000001" in unknown.content.decode()
    done = caseworker.post(url, need_form())
    assert done.status_code == 200 and "Need recorded" in done.content.decode()
    need = AssessedNeed.objects.for_council(wigan).get(person_reference="W-77")
    assert need.assessed_on == date(2025, 2, 3) and need.ward_code.startswith("E05")
    status_url = f"/c/{wigan.slug}/needs/assessed/{need.pk}/status/"
    form = caseworker.get(status_url).content.decode()
    assert "W-77" not in form  # the status page shows the need, not whose it is
    moved = caseworker.post(status_url, {"status": "being_met", "met_by": "gb-chc-1099999"})
    assert moved.status_code == 200 and "Wigan Debt Advice" in moved.content.decode()
    need.refresh_from_db()
    assert (need.status, need.met_by_id) == ("being_met", provider.pk)
    assert caseworker.get(f"/c/{wigan.slug}/needs/assessed/{wigan.pk}/status/").status_code == 404
    assert caseworker.get(f"/c/{wigan.slug}/needs/assessed/not-a-uuid/status/").status_code == 404


def test_a_persons_needs_are_shown_only_with_a_purpose_and_the_read_is_audited(
    wigan, caseworker, make_user, client_as
) -> None:
    caseworker.post(f"/c/{wigan.slug}/needs/people/record/", need_form())
    url = f"/c/{wigan.slug}/needs/people/"
    assert caseworker.get(url).status_code == 200
    no_purpose = caseworker.post(url, {"person_reference": "W-77", "purpose": ""})
    assert no_purpose.status_code == 400 and 'href="#purpose"' in no_purpose.content.decode()
    assert not AuditEntry.objects.filter(action="needs.person.read").exists()
    nobody = caseworker.post(url, {"person_reference": "W-404", "purpose": "Reviewing the plan"})
    assert nobody.status_code == 400 and "No assessed needs" in nobody.content.decode()
    shown = caseworker.post(url, {"person_reference": "W-77", "purpose": "Reviewing the support plan"})
    body = shown.content.decode()
    assert shown.status_code == 200 and "Housing" in body and "Move on" in body
    entry = AuditEntry.objects.get(action="needs.person.read")
    assert (entry.object_id, entry.purpose) == ("W-77", "Reviewing the support plan")
    # An analyst may not read people's needs; a commissioner may, but not move them on.
    assert client_as(make_user(Role.ANALYST, wigan)).get(url).status_code == 403
    commissioner = client_as(make_user(Role.COMMISSIONER, wigan))
    read = commissioner.post(url, {"person_reference": "W-77", "purpose": "Checking the commissioning gap"})
    assert read.status_code == 200 and "Move on" not in read.content.decode()


def test_the_unmet_need_figures_suppress_small_counts_outside_the_officers(
    wigan, make_user, client_as
) -> None:
    caseworker = make_user(Role.CASEWORKER, wigan)
    for n in range(12):
        AssessedNeed.objects.create(
            council=wigan,
            person_reference=f"W-{n}",
            category="housing" if n < 10 else "food",
            assessed_on=date(2025, 1, 1),
            assessor=caseworker,
            status=AssessedNeed.Status.UNMET,
            ward_code="E05000849",
        )
    url = f"/c/{wigan.slug}/needs/unmet/"
    officer = client_as(make_user(Role.ANALYST, wigan)).get(f"{url}?format=csv").content.decode()
    # Officers see every count: food 2, housing 10.
    assert [line.rsplit(",", 1)[1] for line in officer.splitlines()[1:]] == ["2", "10"]
    councillor = client_as(make_user(Role.COUNCILLOR, wigan))
    page = councillor.get(url).content.decode()
    assert "fewer than 10" in page and "are not shown to you" in page and "<svg" in page
    rows = councillor.get(f"{url}?format=csv").content.decode().splitlines()
    assert any(r.endswith(",10") for r in rows) and any(r.endswith("fewer than 10") for r in rows)
    assert client_as(make_user(Role.PROVIDER_STAFF, wigan)).get(url).status_code == 403


def test_the_empty_unmet_page(wigan, make_user, client_as) -> None:
    page = client_as(make_user(Role.ANALYST, wigan)).get(f"/c/{wigan.slug}/needs/unmet/")
    assert page.status_code == 200 and "No unmet needs recorded" in page.content.decode()
