"""Matching a need in a place to open opportunities, with a reason for each part of the score, on a small
hand-built catalogue; saving a funding need records matches as they appear, each once, with its event."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from civichub.core.actors import Actor
from civichub.core.errors import Refused
from civichub.core.models import Role
from civichub.core.outbox import DomainEvent
from civichub.funding import funding_needs, matching, services
from civichub.funding.models import FundingMatch
from civichub.places import selectors as places

SYSTEM = Actor.system("matching tests")
ABRAM, ASHTON = "E05000840", "E05000841"  # Wigan wards
ABRAM_LSOA = "E01006215"  # Wigan 024B, in Abram


def add(name: str, **fields: str) -> object:
    return services.add_opportunity(SYSTEM, None, {"grantName": name, "grantFunder": "Test Trust"} | fields)


@pytest.fixture
def catalogue(wigan) -> dict[str, object]:
    today = timezone.localdate()
    day = lambda n: (today + timedelta(days=n)).isoformat()  # noqa: E731
    return {
        "A": add(
            "Abram youth fund",
            themes="young-people",
            grantApplicantType="charity",
            grantLocation=ABRAM,
            grantMinimumAward="1000",
            grantMaximumAward="25000",
            grantApplicationCloseDate=day(40),
        ),
        "B": add(
            "Wigan youth small grants",
            themes="young-people",
            grantApplicantType="charity; cic",
            grantLocation="E08000010",
            grantMaximumAward="5000",
            grantApplicationCloseDate=day(12),
        ),
        "C": add(
            "National youth fund", themes="young-people", grantApplicantType="cic", grantLocation="National"
        ),
        "D": add(
            "England community chest",
            grantApplicantType="charity",
            grantLocation="E92000001",
            grantMinimumAward="10000",
            grantMaximumAward="50000",
            grantTotalAwardAmount="1000000",
            grantApplicationCloseDate=day(30),
        ),
        "E": add("Housing only", themes="housing", grantApplicantType="charity"),
        "F": add("Closed youth", themes="young-people", grantApplicationCloseDate=day(-1)),
        "G": add(
            "Sunderland youth", themes="young-people", grantApplicantType="charity", grantLocation="E08000024"
        ),
    }


def ask(wigan, **raw: object) -> matching.Ask:
    return matching.ask_of(
        wigan,
        {"needs": ["young-people"], "areas": ABRAM, "applicant_type": "charity", "amount": "20000"} | raw,
    )


def test_the_ranking_and_every_reason_on_a_hand_built_catalogue(catalogue, wigan) -> None:
    fits = matching.rank(wigan, ask(wigan))
    names = [f.opportunity.programme for f in fits]
    # E is themed only for housing, F is closed: left out. Unblocked first (A 100, D 65), then the rest.
    assert names == [
        "Abram youth fund",
        "England community chest",
        "Wigan youth small grants",
        "Sunderland youth",
        "National youth fund",
    ]
    by = {f.opportunity.programme: f for f in fits}
    reasons = lambda name: [(r.points, r.text, r.ok) for r in by[name].reasons]  # noqa: E731
    assert reasons("Abram youth fund") == [
        (40, "Funds Young people", True),
        (20, "Charities may apply", True),
        (20, "Covers Abram ward", True),
        (10, "£20,000 is within its awards of £1,000 to £25,000", True),
        (10, "Closes in 40 days", True),
    ]
    assert by["Abram youth fund"].score == 100 and by["Abram youth fund"].is_match
    assert reasons("Wigan youth small grants") == [
        (40, "Funds Young people", True),
        (20, "Charities may apply", True),
        (18, "Covers all of Wigan", True),
        (0, "Maximum £5,000 is below the £20,000 sought", False),
        (6, "Closes in 12 days: little time to apply", True),
    ]
    assert by["Wigan youth small grants"].score == 84 and by["Wigan youth small grants"].blocked
    assert reasons("National youth fund")[1:4] == [
        (0, "Charities may not apply (it is for community interest companies)", False),
        (12, "Names no area, so open anywhere", True),
        (6, "Gives no award limits: check with the funder", True),
    ]
    assert reasons("England community chest") == [
        (10, "Names no particular need: read what it funds", True),
        (20, "Charities may apply", True),
        (15, "Open across England", True),
        (10, "£20,000 is within its awards of £10,000 to £50,000", True),
        (10, "Closes in 30 days", True),
    ]
    assert reasons("Sunderland youth")[2] == (0, "Does not cover Abram ward", False)


def test_places_in_part_an_lsoa_by_its_ward_and_the_amount_against_the_pot(catalogue, wigan) -> None:
    both = matching.rank(wigan, ask(wigan, areas=f"{ABRAM} {ASHTON}"))
    abram = next(f for f in both if f.opportunity.programme == "Abram youth fund")
    assert abram.reasons[2].text == "Covers Abram ward but not Ashton ward" and abram.reasons[2].points == 10
    lsoa = matching.rank(wigan, ask(wigan, areas=ABRAM_LSOA))
    abram = next(f for f in lsoa if f.opportunity.programme == "Abram youth fund")
    assert abram.reasons[2].text == "Covers Wigan 024B" and abram.reasons[2].points == 20
    big = matching.rank(wigan, ask(wigan, amount="2000000"))
    chest = next(f for f in big if f.opportunity.programme == "England community chest")
    assert chest.reasons[3].text == "Maximum £50,000 is below the £2,000,000 sought"
    whole = matching.rank(wigan, ask(wigan, areas=""))
    assert whole[0].reasons[2].text in ("Covers all of Wigan", "Open across England")


def test_the_most_deprived_wards_are_those_of_the_lowest_mean_imd_rank(wigan) -> None:
    wards = matching.most_deprived_wards(wigan, 3)
    means = {}
    for ward in places.wards_in(wigan.gss_code):
        lsoas = list(places.lsoas_of_ward(ward.gss_code))
        if lsoas:
            means[ward.gss_code] = sum(x.imd_rank * x.population for x in lsoas) / sum(
                x.population for x in lsoas
            )
    assert wards == sorted(means, key=means.get)[:3]  # type: ignore[arg-type]
    spots = matching.places_of(wigan, ask(wigan, areas="", most_deprived="3"))
    assert [s.code for s in spots] == wards and all(s.name.endswith(" ward") for s in spots)


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"needs": []}, "needs"),
        ({"needs": ["no-such-need"]}, "needs"),
        ({"areas": "E05001172"}, "areas"),  # a Sunderland ward, not Wigan's
        ({"most_deprived": "99", "areas": ""}, "most_deprived"),
        ({"most_deprived": "2"}, "most_deprived"),  # and named places too
        ({"applicant_type": "wizard"}, "applicant_type"),
        ({"amount": "lots"}, "amount"),
    ],
)
def test_a_bad_ask_is_refused_naming_the_field(wigan, raw, field) -> None:
    with pytest.raises(Refused) as refused:
        ask(wigan, **raw)
    assert refused.value.field == field


def test_a_saved_need_records_matches_as_they_appear_once_each(catalogue, wigan, make_user) -> None:
    officer = Actor(user=make_user(Role.COMMISSIONER, wigan), council=wigan)
    need = funding_needs.save_need(
        officer,
        wigan,
        {
            "name": "Youth work in Abram",
            "needs": "young-people",
            "areas": ABRAM,
            "applicant_type": "charity",
            "amount": "20000",
        },
    )
    recorded = FundingMatch.objects.for_council(wigan).filter(need=need)
    programmes = sorted(m.opportunity.programme for m in recorded)
    assert programmes == ["Abram youth fund", "England community chest"]
    assert recorded.get(opportunity=catalogue["A"]).reasons[2]["text"] == "Covers Abram ward"
    found = DomainEvent.objects.for_council(wigan).filter(type="funding.match.found")
    assert found.all().count() == 2
    # A new opportunity that fits is recorded when it is added (and told); changing it records nothing new.
    fresh = add(
        "Abram holiday activities", themes="young-people", grantApplicantType="charity", grantLocation=ABRAM
    )
    assert recorded.all().count() == 3 and found.all().count() == 3
    assert found.order_by("-seq").first().data["opportunity_id"] == str(fresh.pk)  # type: ignore[attr-defined]
    add(
        "Abram holiday activities",
        themes="young-people",
        grantApplicantType="charity",
        grantLocation=ABRAM,
        grantShortDescription="Now with a summary",
    )
    assert recorded.all().count() == 3 and found.all().count() == 3
    # One that does not fit (for CICs only) is not recorded.
    add("Abram CIC fund", themes="young-people", grantApplicantType="cic", grantLocation=ABRAM)
    assert recorded.all().count() == 3
    # Recording again finds nothing new: one match per need and opportunity.
    assert funding_needs.record_matches(SYSTEM, wigan, need) == []
    assert Decimal(str(need.amount)) == Decimal("20000.00")


def test_matching_pages_and_api(catalogue, wigan, make_user, client_as) -> None:
    officer = make_user(Role.COMMISSIONER, wigan)
    client = client_as(officer)
    query = f"needs=young-people&areas={ABRAM}&applicant_type=charity&amount=20000"
    url = f"/c/{wigan.slug}/funding/match/?{query}"
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    reasons = ("Covers Abram ward", "Charities may apply", "Closes in 12 days", "Maximum £5,000 is below")
    for reason in reasons:
        assert reason in text
    order = [text.index(name) for name in ("Abram youth fund", "England community chest", "Sunderland youth")]
    assert order == sorted(order)
    assert client.get(f"/c/{wigan.slug}/funding/match/?needs=young-people&areas=nonsense").status_code == 400
    before = FundingMatch.objects.for_council(wigan).count()
    assert before == 0  # the GET recorded nothing
    api = client.get(f"/api/v1/c/{wigan.slug}/funding/matches?{query}").json()
    assert api["count"] == 5 and api["items"][0]["score"] == 100
    area = {"part": "area", "points": 20, "of": 20, "text": "Covers Abram ward", "ok": True}
    assert api["items"][0]["reasons"][2] == area
    saved = client.post(
        f"/c/{wigan.slug}/funding/match/",
        {
            "needs": "young-people",
            "areas": ABRAM,
            "applicant_type": "charity",
            "amount": "20000",
            "name": "Abram youth",
        },
    )
    assert saved.status_code == 302
    shown = client.get(saved["Location"])
    assert shown.status_code == 200 and b"Abram youth fund" in shown.content
    made = client.post(
        f"/api/v1/c/{wigan.slug}/funding/needs",
        {"name": "Most deprived", "needs": ["young-people"], "most_deprived": 3, "applicant_type": "charity"},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["most_deprived"] == 3
    one = client.get(f"/api/v1/c/{wigan.slug}/funding/needs/{made.json()['id']}").json()
    assert one["matches"] == made.json()["matches"]
    # Providers may match, but not save the council's needs.
    provider = client_as(make_user(Role.PROVIDER_STAFF, wigan))
    assert provider.get(url).status_code == 200
    refused = provider.post(
        f"/api/v1/c/{wigan.slug}/funding/needs",
        {"name": "x", "needs": ["young-people"], "applicant_type": "charity"},
        content_type="application/json",
    )
    assert refused.status_code == 403
