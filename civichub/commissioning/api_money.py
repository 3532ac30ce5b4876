"""The money API: budgets and their ledger, payments on contracts (checked against the ledger), buying
with a personal budget, ward budget awards, the commissioner's dashboard, and the public contracts
register (open data, no key). Thin: services decide, refuse and audit; selectors read."""

# No `from __future__ import annotations`: ninja reads a paginated route's annotations through the
# paginating wrapper, so they must be real types (see market.api).

from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.urls import reverse
from ninja import Query, Router
from ninja.pagination import paginate

from civichub.commissioning import (
    budgets,
    contract_money,
    ledger,
    money_selectors,
    personal_budgets,
    register,
    ward_budgets,
)
from civichub.commissioning import dashboard as boards
from civichub.commissioning.money_schemas import (
    AllocationIn,
    BudgetIn,
    BudgetOut,
    ContractMadeOut,
    DashboardOut,
    EntryOut,
    PaymentIn,
    PurchaseIn,
    RegisterContractOut,
    WardAwardIn,
)
from civichub.core.api import council_actor
from civichub.core.pagination import LimitOffset
from civichub.core.selectors import council_by_slug

router = Router(tags=["commissioning: money"])
C = "/c/{council_slug}"


@router.get(f"{C}/budgets", response=list[BudgetOut], summary="The council's budgets with their balances")
@paginate(LimitOffset)
def list_budgets(request: HttpRequest, council_slug: str, kind: str = Query("", max_length=10)) -> Any:
    actor, council = council_actor(request, council_slug, "commissioning.dashboard.view")
    return money_selectors.budgets(actor, council, kind)


@router.post(f"{C}/budgets", response={201: BudgetOut}, summary="Set up a budget with its first allocation")
def create_budget(request: HttpRequest, council_slug: str, payload: BudgetIn) -> tuple[int, Any]:
    actor, council = council_actor(request, council_slug, "commissioning.budgets.manage")
    made = budgets.create_budget(actor, council, **payload.dict())
    return 201, money_selectors.budget(actor, council, made.pk)


@router.get(f"{C}/budgets/{{budget_id}}", response=BudgetOut, summary="One budget and its balance")
def get_budget(request: HttpRequest, council_slug: str, budget_id: UUID) -> Any:
    actor, council = council_actor(request, council_slug, "council.view")
    return money_selectors.budget(actor, council, budget_id)


@router.get(
    f"{C}/budgets/{{budget_id}}/entries", response=list[EntryOut], summary="A budget's ledger entries"
)
@paginate(LimitOffset)
def budget_entries(request: HttpRequest, council_slug: str, budget_id: UUID) -> Any:
    actor, council = council_actor(request, council_slug, "council.view")
    found = money_selectors.budget(actor, council, budget_id)
    return money_selectors.spending(found).entries


@router.post(
    f"{C}/budgets/{{budget_id}}/allocations", response={201: EntryOut}, summary="Allocate more money"
)
def allocate(
    request: HttpRequest, council_slug: str, budget_id: UUID, payload: AllocationIn
) -> tuple[int, Any]:
    actor, council = council_actor(request, council_slug, "commissioning.budgets.manage")
    return 201, ledger.allocate(
        actor, money_selectors.budget(actor, council, budget_id), payload.amount, payload.description
    )


@router.post(
    f"{C}/contracts/{{contract_id}}/payments",
    response={201: list[EntryOut]},
    summary="Pay a contract, checked against what is committed to it on the ledger",
)
def pay(request: HttpRequest, council_slug: str, contract_id: UUID, payload: PaymentIn) -> tuple[int, Any]:
    actor, council = council_actor(request, council_slug, "council.view")
    contract = contract_money.council_contract(council, contract_id)
    return 201, ledger.pay(
        actor,
        contract,
        payload.amount,
        override_reason=payload.override_reason,
        description=payload.description,
    )


@router.get(
    f"{C}/personal-budgets", response=list[BudgetOut], summary="The personal budgets you hold or spend"
)
@paginate(LimitOffset)
def own_personal_budgets(request: HttpRequest, council_slug: str) -> Any:
    actor, council = council_actor(request, council_slug, "council.view")
    return money_selectors.own_budgets(actor, council)


@router.post(
    f"{C}/personal-budgets/{{budget_id}}/purchases",
    response={201: ContractMadeOut},
    summary="Buy a service with a personal budget (holder or appointee only): a call-off contract",
)
def buy(request: HttpRequest, council_slug: str, budget_id: UUID, payload: PurchaseIn) -> tuple[int, Any]:
    actor, council = council_actor(request, council_slug, "council.view")
    found = money_selectors.own_budget(actor, council, budget_id)
    return 201, personal_budgets.buy(actor, council, found, **payload.dict())


@router.post(
    f"{C}/ward-budgets/{{budget_id}}/awards",
    response={201: ContractMadeOut},
    summary="A councillor's grant or small contract from their ward budget",
)
def award(request: HttpRequest, council_slug: str, budget_id: UUID, payload: WardAwardIn) -> tuple[int, Any]:
    actor, council = council_actor(request, council_slug, "commissioning.dashboard.view")
    found = money_selectors.ward_budget(actor, council, budget_id)
    return 201, ward_budgets.award(actor, council, found, **payload.dict())


@router.get(f"{C}/commissioning/dashboard", response=DashboardOut, summary="The commissioner's dashboard")
def dashboard(request: HttpRequest, council_slug: str, commissioner: str = Query("", max_length=60)) -> Any:
    actor, council = council_actor(request, council_slug, "commissioning.dashboard.view")
    return boards.dashboard(actor, council, commissioner)


@router.get(
    f"{C}/contracts-register",
    response=list[RegisterContractOut],
    auth=None,
    summary="A council's contracts register: open data, with open-book totals (never cost lines)",
)
@paginate(LimitOffset)
def public_register(
    request: HttpRequest,
    council_slug: str,
    q: str = Query("", max_length=100),
    status: str = Query("", max_length=12),
    sort: str = Query("newest", max_length=10),
) -> Any:
    return register.public_contracts(council_by_slug(council_slug), q=q, status=status, sort=sort)


@router.get("/contracts-register/{council_slug}", auth=None, include_in_schema=False)
def public_register_moved(request: HttpRequest, council_slug: str) -> HttpResponsePermanentRedirect:
    """The register's first address, kept answering: every council's route is now under /c/{council}/,
    so this one sends callers there for good (301), with their query."""
    moved = reverse("api-1:public_register", kwargs={"council_slug": council_slug})
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"{moved}?{query}" if query else moved)
