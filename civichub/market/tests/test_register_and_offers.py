"""The provider register and offers: one registration for every council, only a provider's own staff
change its offer (officers rate, flag and comment but never edit it), every change is kept with who and
when, and bad input is refused naming its field, changing nothing."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied

from civichub.core.actors import Actor
from civichub.core.errors import Refused
from civichub.core.models import DomainEvent
from civichub.market import selectors, services
from civichub.market.models import Offer, OfferArea, OfferChange, ProviderNote, ProviderProfile
from civichub.market.tests.conftest import SYSTEM, WARD_A, WARD_B, offer


def test_a_provider_registers_once_for_every_council(market, wigan, sunderland) -> None:
    again = services.register_provider(
        SYSTEM, sunderland, name="Alpha Care (North)", kind="company", identifiers={"GB-COH": "00000001"}
    )
    assert again.organisation == market["alpha"]
    assert ProviderProfile.objects.filter(organisation=market["alpha"]).count() == 1
    assert DomainEvent.unscoped.filter(type="market.provider.registered").count() == 3


def test_staff_change_their_own_offer_and_the_history_keeps_who_and_when(market, wigan, home_care) -> None:
    staff = Actor(user=market["alpha_staff"], council=wigan)
    services.set_offer(staff, wigan, market["alpha"], home_care, offer(80, "21.50", [WARD_A], 2019))
    changed = OfferChange.objects.filter(offer=market["offers"]["alpha"], changed_by=staff.label)
    assert {c.field_name: (c.previous_value, c.new_value) for c in changed} == {
        "capacity": ("60", "80"),
        "price": ("20.00", "21.50"),
        "coverage": (f"{WARD_A} {WARD_B}", WARD_A),
    }
    assert OfferArea.objects.get(offer__organisation=market["alpha"]).capacity == 80
    assert DomainEvent.unscoped.filter(type="market.offer.changed").count() == 4


@pytest.mark.parametrize("who", ["beta_staff", "commissioner", "analyst"])
def test_no_one_else_changes_an_offer(market, wigan, home_care, who) -> None:
    actor = Actor(user=market[who], council=wigan)
    with pytest.raises(PermissionDenied):
        services.set_offer(actor, wigan, market["alpha"], home_care, offer(1, 1, [WARD_A], 2019))
    with pytest.raises(PermissionDenied):
        services.end_offer(actor, wigan, market["offers"]["alpha"])
    assert Offer.objects.get(pk=market["offers"]["alpha"].pk).capacity == 60


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"capacity": "-5"}, "capacity"),
        ({"capacity": "lots"}, "capacity"),
        ({"price": "£12.3x"}, "price"),
        ({"coverage": ["E05999998"]}, "coverage"),
        ({"coverage": ["nowhere"]}, "coverage"),
        ({"coverage": []}, "coverage"),
        ({"cqc_rating": "brilliant"}, "cqc_rating"),
        ({"started_on": "2099-01-01"}, "started_on"),
        ({"staff_posts": "2.5"}, "staff_posts"),
    ],
)
def test_bad_offers_are_refused_naming_the_field_and_change_nothing(
    market, wigan, home_care, changes, field
) -> None:
    staff = Actor(user=market["alpha_staff"], council=wigan)
    history = OfferChange.objects.count()
    with pytest.raises(Refused) as refused:
        services.set_offer(
            staff, wigan, market["alpha"], home_care, offer(60, 20, [WARD_A, WARD_B], 2019) | changes
        )
    assert field in [e.field for e in refused.value.errors]
    assert OfferChange.objects.count() == history


def test_officers_rate_flag_and_comment_and_it_stays_with_their_council(market, wigan, sunderland) -> None:
    officer = Actor(user=market["analyst"], council=wigan)
    services.add_note(officer, wigan, market["alpha"], kind="rating", rating="concerns")
    services.add_note(officer, wigan, market["alpha"], kind="flag", flag="at risk", text="Lost two managers")
    services.add_note(officer, wigan, market["alpha"], kind="comment", text="Visited in May")
    standing = selectors.standing(wigan, market["alpha"])
    assert standing.rating == "concerns" and standing.flags == {"at risk": "Lost two managers"}
    assert selectors.flagged(sunderland) == {}
    assert list(selectors.flagged(wigan)) == [market["alpha"].pk]
    services.add_note(officer, wigan, market["alpha"], kind="clear", flag="at risk")
    assert selectors.flagged(wigan) == {}
    assert DomainEvent.objects.for_council(wigan).filter(type="market.rating.changed").count() == 3
    assert Offer.objects.get(pk=market["offers"]["alpha"].pk).capacity == 60  # a note never touches the offer
    with pytest.raises(Refused) as refused:
        services.add_note(officer, wigan, market["alpha"], kind="flag", flag="at risk", text="")
    assert refused.value.field == "text"
    with pytest.raises(PermissionDenied):
        services.add_note(
            Actor(user=market["alpha_staff"], council=wigan), wigan, market["beta"], kind="comment", text="x"
        )
    assert ProviderNote.objects.for_council(wigan).count() == 4


def test_the_api_edits_only_the_callers_own_offer_and_names_bad_fields(client_as, market, wigan) -> None:
    url = f"/api/v1/c/{wigan.slug}/market/offers"
    body = offer(70, 19, [WARD_A], 2019) | {"category": "home-care-18"}
    staff, officer = client_as(market["alpha_staff"]), client_as(market["commissioner"])
    made = staff.put(url, json.dumps(body), content_type="application/json")
    assert made.status_code == 200, made.content
    assert made.json()["organisation_id"] == str(market["alpha"].pk) and made.json()["coverage"] == [WARD_A]
    assert officer.put(url, json.dumps(body), content_type="application/json").status_code == 403
    unknown = staff.put(url, json.dumps(body | {"category": "llama-care"}), content_type="application/json")
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["field"] == "category"
    negative = staff.put(url, json.dumps(body | {"capacity": "-1"}), content_type="application/json")
    assert negative.status_code == 400 and negative.json()["errors"][0]["field"] == "capacity"
    history = staff.get(f"/api/v1/c/{wigan.slug}/market/offers/{made.json()['id']}/history").json()
    assert {"capacity", "coverage", "price"} <= {c["field_name"] for c in history["items"]}
    seen = staff.get(url).json()
    assert [o["organisation_id"] for o in seen["items"]] == [str(market["alpha"].pk)]  # not its competitors'
    assert officer.get(url).json()["count"] == 3


def test_the_pages_let_staff_edit_and_officers_note(client_as, market, wigan) -> None:
    staff, officer = client_as(market["alpha_staff"]), client_as(market["commissioner"])
    page = f"/c/{wigan.slug}/market/your-offer/home-care-18/"
    assert 'value="60"' in staff.get(page).content.decode()
    assert officer.get(page).status_code == 403
    form = {
        "capacity": "-3",
        "price": "20",
        "coverage": WARD_A,
        "started_on": "2019-04-01",
        "cqc_rating": "good",
        "cqc_rated_on": "2024-01-10",
    }
    refused = staff.post(page, form)
    assert refused.status_code == 400 and "Cannot be negative" in refused.content.decode()
    assert staff.post(page, form | {"capacity": "65"}).status_code == 302
    provider = f"/c/{wigan.slug}/market/providers/{market['alpha'].pk}/"
    noted = officer.post(provider, {"form": "note", "kind": "flag", "flag": "at risk", "text": "Cash flow"})
    assert noted.status_code == 302
    assert "Cash flow" in officer.get(provider).content.decode()
    assert "Cash flow" not in staff.get(provider).content.decode()
    assert staff.post(provider, {"form": "note", "kind": "comment", "text": "x"}).status_code == 403


@pytest.mark.parametrize(
    ("identifiers", "field"),
    [({}, "identifiers"), ({"GB-XYZ": "1"}, "identifiers.GB-XYZ"), ({"GB-COH": " "}, "identifiers.GB-COH")],
)
def test_a_registration_needs_a_known_org_id(wigan, identifiers, field) -> None:
    with pytest.raises(Refused) as refused:
        services.register_provider(SYSTEM, wigan, name="New Care", kind="company", identifiers=identifiers)
    assert refused.value.field == field
    assert not ProviderProfile.objects.exists()


def test_a_council_is_not_registered_as_a_provider(wigan) -> None:
    with pytest.raises(Refused):
        services.register_provider(
            SYSTEM, wigan, name="Wigan", kind="company", identifiers={"GB-GSS": wigan.gss_code}
        )
    assert not ProviderProfile.objects.exists()
