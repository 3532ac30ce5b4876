"""The demo's year of commissioning loads through the services, and the money's pages show it: the
dashboard (and its CSV, and a commissioner filter), and the public contracts register (open-book totals,
never the cost lines; CSV; API)."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from civichub.commissioning import balances
from civichub.commissioning.models import Budget, Contract, CostLine, LedgerEntry, Procurement
from civichub.core.models import Organisation, Role
from civichub.demo import commissioning as demo


def test_the_demo_loads_a_year_of_commissioning_and_the_pages_show_it(
    wigan, sunderland, make_user, client_as, client
) -> None:
    assert demo.load() > 20
    assert demo.load() == 0  # a second run adds nothing
    for council in (wigan, sunderland):
        assert Procurement.objects.for_council(council).count() >= 17
        assert len(set(Procurement.objects.for_council(council).values_list("stage", flat=True))) >= 5
        assert Budget.objects.for_council(council).filter(kind="personal").count() > 90
        assert Budget.objects.for_council(council).filter(kind="ward").count() > 15
        assert (
            Contract.objects.for_council(council)
            .filter(commission__commissioner_organisation__kind="nhs")
            .exists()
        )
        # No budget went below zero: the demo never needed an override.
        assert not LedgerEntry.objects.for_council(council).filter(is_override=True).exists()
        for budget in Budget.objects.for_council(council):
            assert balances.balance(budget).available >= 0
    officer = make_user(Role.COMMISSIONER, wigan)
    page = client_as(officer).get(reverse("money:dashboard", kwargs={"council_slug": wigan.slug}))
    assert page.status_code == 200
    text = page.content.decode()
    for heading in (
        "Contracts by status",
        "Spend against budget",
        "Outcomes against targets",
        "KPI ratings",
        "Variations",
        "nearing renewal",
    ):
        assert heading in text
    assert "<svg" in text and "Personal budgets (all residents)" in text
    nhs = Organisation.objects.get(name__startswith="NHS Greater Manchester")
    filtered = client_as(officer).get(
        reverse("money:dashboard", kwargs={"council_slug": wigan.slug}), {"commissioner": f"org:{nhs.pk}"}
    )
    assert filtered.status_code == 200 and "Personal budgets (all residents)" not in filtered.content.decode()
    csv = client_as(officer).get(
        reverse("money:dashboard", kwargs={"council_slug": wigan.slug}), {"format": "csv"}
    )
    assert csv["Content-Type"].startswith("text/csv") and b"contracts by status" in csv.content
    # The public register: no sign-in, totals only.
    url = reverse("money:register", kwargs={"council_slug": wigan.slug})
    public = client.get(url)
    assert public.status_code == 200
    body = public.content.decode()
    line = CostLine.objects.for_council(wigan).filter(kind="staff").first()
    assert line is not None and line.name not in body  # never a cost line's name
    assert "Open-book total" in body
    assert "Personal assistant" not in body  # a resident's call-offs are not in the register
    rows = client.get(url, {"format": "csv"}).content.decode().splitlines()
    assert rows[0].startswith("reference,title,provider,value,open_book_total")
    assert len(rows) - 1 == Contract.objects.for_council(wigan).exclude(origin="call_off").count()
    api = client.get(f"/api/v1/c/{wigan.slug}/contracts-register", {"limit": 500}).json()
    assert api["count"] == len(rows) - 1
    made = [c for c in api["items"] if c["open_book_total"] != "0.00"]
    assert made and all("cost_lines" not in c for c in api["items"])
    deal = Contract.objects.for_council(wigan).get(reference=made[0]["reference"])
    total = sum(
        CostLine.objects.for_council(wigan).filter(contract=deal).values_list("amount", flat=True), Decimal(0)
    )
    assert Decimal(made[0]["open_book_total"]) == total
    assert client.get(url, {"status": "nonsense"}).status_code == 400
    assert client.get(url, {"q": "home care", "sort": "value", "page": "2"}).status_code == 200


def test_the_register_of_another_council_shows_only_its_own(wigan, sunderland, client) -> None:
    demo.load()
    theirs = set(Contract.objects.for_council(sunderland).values_list("reference", flat=True))
    ours = client.get(f"/api/v1/c/{wigan.slug}/contracts-register", {"limit": 500}).json()["items"]
    assert ours and not {c["reference"] for c in ours} & theirs
    # The register's first address still answers, sending callers to the /c/{council}/ one for good.
    moved = client.get(f"/api/v1/contracts-register/{wigan.slug}", {"limit": 500})
    assert moved.status_code == 301
    assert moved["Location"] == f"/api/v1/c/{wigan.slug}/contracts-register?limit=500"
    assert client.get(moved["Location"]).json()["items"] == ours
