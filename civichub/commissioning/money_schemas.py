"""Shapes of the money API. Amounts travel as decimal text (`"1250.00"`) so nothing is lost to floats;
the services check them and name each field at fault."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from ninja import Field, Schema

AMOUNT = Field(..., max_length=20, examples=["1250.00"])


class BudgetOut(Schema):
    id: UUID
    kind: str
    name: str
    financial_year: str
    ward_code: str
    allocated: Decimal
    committed: Decimal
    released: Decimal
    paid: Decimal
    available: Decimal

    @staticmethod
    def resolve_available(obj: object) -> Decimal:
        return obj.allocated - obj.committed + obj.released  # type: ignore[attr-defined]


class BudgetIn(Schema):
    kind: str = Field(..., max_length=10, examples=["council"])
    name: str = Field(..., max_length=300)
    amount: str = AMOUNT
    financial_year: str = Field(..., max_length=7, examples=["2026-27"])
    ward_code: str = Field("", max_length=9)
    source_reference: str = Field("", max_length=200)


class AllocationIn(Schema):
    amount: str = AMOUNT
    description: str = Field("", max_length=300)


class EntryOut(Schema):
    id: UUID
    budget_id: UUID
    kind: str
    amount: Decimal
    contract_id: UUID | None
    provider_id: UUID | None
    description: str
    is_override: bool
    override_reason: str
    created_at: datetime


class PaymentIn(Schema):
    amount: str = AMOUNT
    description: str = Field("", max_length=300)
    override_reason: str = Field("", max_length=2000)


class PurchaseIn(Schema):
    provider_id: str = Field(..., max_length=40)
    title: str = Field(..., max_length=300)
    amount: str = AMOUNT
    start_date: date
    end_date: date
    description: str = Field("", max_length=4000)


class WardAwardIn(PurchaseIn):
    kind: str = Field(..., max_length=10, examples=["grant"])
    purpose: str = Field("", max_length=4000)
    override_reason: str = Field("", max_length=2000)


class ContractMadeOut(Schema):
    id: UUID
    reference: str
    title: str
    provider_id: UUID
    value: Decimal
    start_date: date
    end_date: date
    origin: str
    ocid: str


class RegisterContractOut(Schema):
    id: UUID
    reference: str
    title: str
    provider_id: UUID
    provider_name: str
    value: Decimal
    open_book_total: Decimal
    start_date: date
    end_date: date
    status: str
    kind: str
    ocid: str

    @staticmethod
    def resolve_provider_name(obj: object) -> str:
        return obj.provider.name  # type: ignore[attr-defined]

    @staticmethod
    def resolve_kind(obj: object) -> str:
        from civichub.commissioning.register import kind_of

        return kind_of(obj)  # type: ignore[arg-type]


class DashboardOut(Schema):
    commissioner: str
    by_status: list[dict[str, object]]
    spend: list[dict[str, object]]
    outcomes: dict[str, int]
    variations: dict[str, object]
    ratings: list[dict[str, object]]
    renewals: list[dict[str, object]]
    renewals_count: int
