"""Commissioning's pages: what each person sees of a procurement's bids, refusals in the error summary,
and a contract's open book and history."""

from __future__ import annotations

import re

from django.urls import reverse

from civichub.commissioning import selectors
from civichub.commissioning.models import Procurement
from civichub.commissioning.services import contracts, evaluation
from civichub.commissioning.tests.conftest import pass_deadline, start
from civichub.core.models import Role


def url(name: str, procurement: Procurement | None = None, **kwargs: object) -> str:
    if procurement is not None:
        kwargs["procurement_id"] = procurement.pk
    return reverse(f"commissioning:{name}", kwargs={"council_slug": "wigan", **kwargs})


def test_the_procurement_page_by_role_and_deadline(client_as, people, tendering) -> None:
    lot = selectors.lots(tendering).get()
    page = url("procurement", tendering)
    north, south, officer = (client_as(people[w].user) for w in ("north", "south", "officer"))
    sent = north.post(
        page, {"form": "bid", "lot_id": str(lot.pk), "price": "1200", "response": "Daily visits by North"}
    )
    assert sent.status_code == 302
    assert "Daily visits by North" not in officer.get(page).content.decode()
    assert "1 received so far" in officer.get(page).content.decode()
    assert "North Care Ltd has not bid" not in north.get(page).content.decode()
    assert "South Care CIC has not bid" in south.get(page).content.decode()
    pass_deadline(tendering)
    opened = officer.get(page).content.decode()
    assert "Daily visits by North" in opened and "Record the score" in opened
    assert "Daily visits by North" not in south.get(page).content.decode()
    late = south.post(page, {"form": "bid", "lot_id": str(lot.pk), "price": "1", "response": "Late"})
    assert late.status_code == 400 and "The deadline for bids passed" in late.content.decode()


def test_a_refused_commission_is_shown_in_the_error_summary(client_as, people) -> None:
    response = client_as(people["officer"].user).post(url("index"), {"title": "", "purpose": "x"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body and "Enter a title" in body


def test_a_providers_staff_cannot_post_to_a_contract(client_as, people, commission) -> None:
    procurement = start(
        people, commission, reference="P-1", procedure="framework_call_off", framework_reference="F"
    )
    evaluation.call_off(people["officer"], procurement, people["north_org"].pk, "1000")
    made = contracts.make_contract(
        people["officer"],
        procurement,
        selectors.lots(procurement).get().pk,
        {
            "start_date": "2026-04-01",
            "end_date": "2027-03-31",
            "cost_lines": [{"kind": "staff", "amount": "900"}],
        },
    )
    page = url("contract", contract_id=made.pk)
    assert client_as(people["north"].user).post(page, {"form": "vary"}).status_code == 403
    # The other provider sees the total, not the lines; the contract's own provider sees the lines.
    assert "Staff" not in client_as(people["south"].user).get(page).content.decode()
    assert "Staff" in client_as(people["north"].user).get(page).content.decode()
    officer = client_as(people["officer"].user)
    refused = officer.post(page, {"form": "vary", "reason": "", "cost_change": "10", "agreed_by": "x"})
    assert refused.status_code == 400 and "Enter the reason for the change" in refused.content.decode()
    assert (
        officer.post(
            page, {"form": "vary", "reason": "More", "cost_change": "10", "agreed_by": "x"}
        ).status_code
        == 302
    )
    history = officer.get(url("history", contract_id=made.pk)).content.decode()
    assert "Made at award" in history and "More" in history


def test_the_index_links_each_role_only_to_pages_it_may_open(client_as, people, commission, make_user, wigan):
    """Every person who may see commissioning follows every link of its index without a refusal: provider
    staff and caseworkers are not sent to the dashboard or the ward budgets, which would refuse them."""
    readers = {
        "commissioner": people["officer"].user,
        "analyst": people["analyst"].user,
        "provider staff": people["north"].user,
        "councillor": make_user(Role.COUNCILLOR, wigan),
        "caseworker": make_user(Role.CASEWORKER, wigan),
    }
    dashboard = reverse("money:dashboard", kwargs={"council_slug": "wigan"})
    for who, user in readers.items():
        client = client_as(user)
        index = client.get(url("index"))
        assert index.status_code == 200, who
        main = index.content.decode().split("<main", 1)[1]  # the page's own links, not the breadcrumbs
        links = set(re.findall(r'href="(/c/wigan/[^"#?]*)"', main))
        assert links, who
        for link in sorted(links):
            assert client.get(link).status_code == 200, (who, link)
        assert (dashboard in links) == (who in ("commissioner", "analyst", "councillor")), who
