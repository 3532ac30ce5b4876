"""Shared set-up for the money tests: a council budget, a commission funded by it, and a contract."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings

from civichub.commissioning import budgets
from civichub.commissioning.models import Budget, Commission, Contract
from civichub.core.actors import Actor
from civichub.core.models import Council, Organisation

SYSTEM = Actor.system("money tests")


def provider(name: str = "Brighter Days CIC", kind: str = "community") -> Organisation:
    return Organisation.objects.create(name=name, kind=kind)


def council_budget(council: Council, amount: str = "10000", name: str = "Adult social care") -> Budget:
    return budgets.create_budget(
        SYSTEM, council, kind=Budget.Kind.COUNCIL, name=name, amount=amount, financial_year="2026-27"
    )


def commission(council: Council, places: str = "", category: str = "home-care-18") -> Commission:
    return Commission.objects.create(
        council=council,
        title="Help at home",
        purpose="People live well at home",
        commissioner_organisation=council.organisation,
        place_codes=places,
        market_category_code=category,
    )


def contract(
    council: Council, made_for: Commission, by: Organisation, value: str, ref: str = "C-1"
) -> Contract:
    """A contract row as comm's award makes one (its services commit it through the ledger hooks)."""
    made = Contract(
        council=council,
        commission=made_for,
        provider=by,
        reference=ref,
        title="Help at home",
        value=Decimal(value),
        start_date=date(2026, 4, 1),
        end_date=date(2027, 3, 31),
    )
    made.ocid = f"{settings.CIVICHUB_OCID_PREFIX}-{council.gss_code}-{made.pk}"
    made.save(force_insert=True)
    return made


def funded(council: Council, *sources: tuple[Budget, str]) -> Commission:
    made = commission(council)
    for budget, amount in sources:
        budgets.fund_commission(SYSTEM, made, budget, amount)
    return made
