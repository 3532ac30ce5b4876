"""The money's pages: the commissioner's dashboard (with CSV), the public contracts register (no
sign-in, with CSV), a resident's own personal budgets (and buying with one), and ward budgets (a
councillor's grants and small contracts). Thin: selectors read, services decide and write."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from civichub.commissioning import (
    balances,
    contract_money,
    ledger,
    money_selectors,
    personal_budgets,
    register,
    ward_budgets,
)
from civichub.commissioning import dashboard as boards
from civichub.commissioning.money_forms import AwardForm, BuyForm, PaymentForm
from civichub.core.access import actor_of, council_page, page_of, public
from civichub.core.downloads import csv_download
from civichub.core.errors import Refused
from civichub.core.forms import show_refusal
from civichub.core.models import Council
from civichub.core.selectors import council_by_slug


def _page(
    request: HttpRequest, council: Council, template: str, title: str, status: int = 200, **context: Any
) -> HttpResponse:
    return render(
        request,
        f"commissioning/money/{template}",
        {"title": title, "section": "council", "council": council, **context},
        status=status,
    )


@council_page("commissioning.dashboard.view")
def dashboard(request: HttpRequest, council: Council) -> HttpResponse:
    try:
        board = boards.dashboard(actor_of(request), council, request.GET.get("commissioner", "")[:60])
    except Refused:
        board = boards.dashboard(actor_of(request), council)
    if request.GET.get("format") == "csv":
        header, rows = boards.csv_rows(board)
        return csv_download(f"{council.slug}-commissioning-dashboard.csv", header, rows)
    return _page(request, council, "dashboard.html", "Commissioning dashboard", board=board)


@public
def contracts_register(request: HttpRequest, council_slug: str) -> HttpResponse:
    council = council_by_slug(council_slug)
    ending = request.GET.get("ending_before", "")
    filters = {
        "q": request.GET.get("q", "")[:100],
        "status": request.GET.get("status", ""),
        "sort": request.GET.get("sort", "newest"),
    }
    error = ""
    try:
        found = register.public_contracts(
            council, **filters, ending_before=date.fromisoformat(ending) if ending else None
        )
    except (Refused, ValueError) as exc:
        error = exc.message if isinstance(exc, Refused) else "Give the date as YYYY-MM-DD"
        found = register.public_contracts(council)
    if request.GET.get("format") == "csv" and not error:
        return csv_download(
            f"{council.slug}-contracts-register.csv",
            register.CSV_HEADER,
            (register.csv_row(c) for c in found.iterator()),
        )
    return _page(
        request,
        council,
        "register.html",
        f"{council.short_name} contracts register",
        status=400 if error else 200,
        page=page_of(request, found),
        filters={**filters, "ending_before": ending},
        error=error,
        kind_of=register.kind_of,
        statuses=[("", "Any status"), *register.Contract.Status.choices],
    )


@council_page("council.view")
def personal_budgets_page(request: HttpRequest, council: Council) -> HttpResponse:
    """The personal budgets this person holds or spends as an appointee."""
    found = money_selectors.own_budgets(actor_of(request), council)
    return _page(request, council, "personal_budgets.html", "Your personal budget", budgets=list(found))


@council_page("council.view")
def personal_budget(request: HttpRequest, council: Council, personal_budget_id: str) -> HttpResponse:
    """One personal budget: its allocation, balance and spending, and buying a service with it."""
    actor = actor_of(request)
    budget = money_selectors.own_budget(actor, council, personal_budget_id)
    choices = [(str(o.pk), o.name) for o in money_selectors.providers_to_buy_from(council)[:500]]
    form = BuyForm(request.POST or None, providers=choices)
    if request.method == "POST" and form.is_valid():
        try:
            personal_budgets.buy(actor, council, budget, **form.cleaned_data)
            return redirect("money:personal-budget", council_slug=council.slug, personal_budget_id=budget.pk)
        except Refused as exc:
            show_refusal(form, exc)
    return _page(
        request,
        council,
        "personal_budget.html",
        budget.name,
        status=400 if form.errors else 200,
        budget=budget,
        balance=balances.balance(budget),
        spending=money_selectors.spending(budget),
        services=money_selectors.services_to_buy(council)[:20],
        form=form,
    )


@council_page("commissioning.dashboard.view")
def ward_budgets_page(request: HttpRequest, council: Council) -> HttpResponse:
    actor = actor_of(request)
    found = money_selectors.ward_budgets(actor, council)
    return _page(
        request,
        council,
        "ward_budgets.html",
        "Ward budgets",
        page=page_of(request, found),
        own={b.pk for b in money_selectors.own_ward_budgets(actor, council)},
    )


@council_page("commissioning.dashboard.view")
def ward_budget(request: HttpRequest, council: Council, ward_budget_id: str) -> HttpResponse:
    """A ward budget, what it has funded, and (for the ward's councillors) a form to fund a local group."""
    actor = actor_of(request)
    budget = money_selectors.ward_budget(actor, council, ward_budget_id)
    spends = balances.may_spend(actor, budget) and not actor.is_system
    choices = [(str(o.pk), o.name) for o in money_selectors.local_groups()[:500]] if spends else []
    form = AwardForm(request.POST or None, providers=choices)
    if request.method == "POST":
        if not spends:
            raise PermissionDenied("Only a councillor of the ward can spend its ward budget")
        if form.is_valid():
            try:
                ward_budgets.award(actor, council, budget, **form.cleaned_data)
                return redirect("money:ward-budget", council_slug=council.slug, ward_budget_id=budget.pk)
            except Refused as exc:
                show_refusal(form, exc)
    return _page(
        request,
        council,
        "ward_budget.html",
        budget.name,
        status=400 if form.errors else 200,
        budget=budget,
        balance=balances.balance(budget),
        spending=money_selectors.spending(budget),
        spends=spends,
        form=form,
        is_grant=money_selectors.is_grant,
    )


@council_page("council.view")
def contract_payments(request: HttpRequest, council: Council, contract_id: str) -> HttpResponse:
    """A contract's money: what is committed and paid, each movement, and paying it (checked against the
    ledger by `ledger.pay`)."""
    actor = actor_of(request)
    contract, balance, entries = contract_money.contract_money(actor, council, contract_id)
    form = PaymentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ledger.pay(actor, contract, **form.cleaned_data)
            return redirect("money:contract-payments", council_slug=council.slug, contract_id=contract.pk)
        except Refused as exc:
            show_refusal(form, exc)
    return _page(
        request,
        council,
        "payments.html",
        f"Payments: {contract.reference}",
        status=400 if form.errors else 200,
        contract=contract,
        balance=balance,
        entries=entries,
        form=form,
    )
