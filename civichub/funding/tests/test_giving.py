"""Funding against need: per head by IMD decile and ward, worked by hand on a few grants placed on real
Wigan LSOAs (a ward's grant spread over its LSOAs by population); and the council's own grants published
as a 360Giving package that validates against the package schema with a format checker."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from civichub.core.actors import Actor
from civichub.core.errors import NotFound, Refused
from civichub.core.models import Role
from civichub.funding import awards, giving
from civichub.funding.grants import package_validator
from civichub.funding.models import PastGrant
from civichub.places import selectors as places

SYSTEM = Actor.system("giving tests")
ABRAM, ASHTON = "E05000840", "E05000841"
# Real Wigan LSOAs (IoD 2019 population, decile): in Abram, 024B (1,719, 1), 024A (1,685, 1);
# in Ashton, 035A (1,837, 3) and 036A (1,626, 4). Abram has 15,446 people; Ashton 12,850.


def past(identifier: str, amount: str, codes: str) -> None:
    PastGrant.objects.create(
        identifier=identifier,
        title=identifier,
        amount=Decimal(amount),
        award_date=date(2020, 4, 1),
        funder_name="Test Foundation",
        place_codes=f" {codes} ",
    )


@pytest.fixture
def grants(wigan) -> None:
    # Stored as the import stores them: each LSOA with its best-fit ward and its council.
    past("360G-t-1", "10000", "E01006215 E05000840 E08000010")  # all to 024B
    past("360G-t-2", "15446", ABRAM)  # a ward's: £1 a head over Abram's LSOAs
    past("360G-t-3", "5000", "E08000010")  # the council only: not placed
    past("360G-t-4", "3463", "E01006220 E01006223 E05000841 E08000010")  # £1 a head over two LSOAs
    past("360G-t-5", "999", "E01008888 E05001172 E08000024")  # Sunderland's: not read here
    awards.record_grant(  # the council's own: £3,370 to 024A, £2 a head
        SYSTEM,
        wigan,
        {
            "title": "Play",
            "description": "Play sessions",
            "amount": "3370",
            "award_date": "2026-01-05",
            "recipient_name": "Abram Play CIC",
            "recipient_org_id": "GB-COH-01234567",
            "beneficiary_code": "E01006213",
        },
    )


def test_per_head_by_decile_and_ward_worked_by_hand(wigan, grants) -> None:
    found = giving.funding_against_need(wigan)
    assert (found.grants, found.spread_from_wards, found.not_placed) == (5, 1, 1)
    assert found.not_placed_amount == Decimal("5000")
    # 10,000 + 15,446 + 3,463 + 3,370 placed over Wigan's 321,839 people.
    assert found.amount == Decimal("32279.00") and found.population == 321839
    assert found.per_head == Decimal("0.10")
    bands = {b.decile: b.population for b in places.area_profile(wigan.gss_code).bands}
    deciles = {line.key: line for line in found.deciles}
    # Decile 1: 10,000 + Abram's £1 a head on 024B (1,719) and 024A (1,685) + the council's 3,370.
    assert deciles["1"].amount == Decimal("16774")
    assert deciles["1"].per_head == (Decimal(16774) / bands[1]).quantize(Decimal("0.01"))
    # Decile 2: Abram's 024D (2,146), 026B (1,455), 026E (1,107).
    assert deciles["2"].amount == Decimal("4708")
    # Decile 3: Abram's 024C (2,428) and Ashton's 035A (1,837); decile 4: 024E (1,251) and 036A (1,626).
    assert deciles["3"].amount == Decimal("4265") and deciles["4"].amount == Decimal("2877")
    assert sum(line.population for line in found.deciles) == sum(bands.values())
    wards = {line.key: line for line in found.wards}
    assert wards[ABRAM].amount == Decimal("28816") and wards[ABRAM].population == 15446
    assert wards[ABRAM].per_head == Decimal("1.87")  # 28,816 / 15,446
    assert wards[ASHTON].amount == Decimal("3463") and wards[ASHTON].per_head == Decimal("0.27")
    # Deprived LSOAs with less than a quarter of £0.10 a head: every one in deciles 1-2 but Abram's five.
    spots = {s.code for s in found.cold_spots}
    assert len(spots) == 33 + 32 - 5
    assert not spots & {"E01006215", "E01006213", "E01006218", "E01006214", "E01006329"}


def test_per_head_page_api_and_csv(wigan, grants, make_user, client_as) -> None:
    client = client_as(make_user(Role.ANALYST, wigan))
    page = client.get(f"/c/{wigan.slug}/funding/per-head/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "by population" in text and "<svg" in text and "£1.87" in text
    csv = client.get(f"/c/{wigan.slug}/funding/per-head/?format=csv").content.decode().splitlines()
    assert csv[0] == "level,code,name,lsoas,population,amount,per_head,imd_decile"
    assert any(row.startswith(f"ward,{ABRAM},Abram,9,15446,28816.00,1.87") for row in csv)
    api = client.get(f"/api/v1/c/{wigan.slug}/funding/per-head").json()
    assert api["amount"] == "32279.00" and len(api["deciles"]) == 10 and len(api["cold_spots"]) == 60


def test_the_councils_grants_are_a_valid_360giving_package(wigan, grants) -> None:
    awards.record_grant(
        SYSTEM,
        wigan,
        {
            "title": "Warm spaces",
            "description": "Winter warm spaces",
            "amount": "1250.50",
            "award_date": "2026-02-01",
            "recipient_name": "Ashton Trust",
            "recipient_org_id": "gb-chc-1234567",
            "beneficiary_code": ASHTON,
            "programme": "Community chest",
        },
    )
    package = giving.package(wigan)
    problems = [e.message for e in package_validator().iter_errors(package)]
    assert problems == []
    assert [g["id"] for g in package["grants"]] == ["360G-wigan-2", "360G-wigan-1"]
    warm = package["grants"][0]
    assert warm["recipientOrganization"] == [{"id": "GB-CHC-1234567", "name": "Ashton Trust"}]
    assert warm["beneficiaryLocation"][0] | {} == {
        "geoCode": ASHTON,
        "geoCodeType": "WD",
        "countryCode": "GB",
        "name": "Ashton",
    }
    assert warm["amountAwarded"] == 1250.5 and warm["grantProgramme"] == [{"title": "Community chest"}]
    assert package["grants"][1]["beneficiaryLocation"][0]["geoCodeType"] == "LSOA"
    assert warm["fundingOrganization"][0]["id"] == giving.council_org_id(wigan)
    # The council's prefix and org-id, once set, are used.
    awards.set_publishing(SYSTEM, wigan, prefix="360G-wiganmbc", org_id="GB-LAE-WGN")
    again = giving.package(wigan)
    assert again["grants"][0]["id"] == "360G-wiganmbc-2" and again["publisher"]["identifier"] == "GB-LAE-WGN"
    assert list(package_validator().iter_errors(again)) == []
    # The validator would catch a broken package (so the test above can fail).
    broken = json.loads(json.dumps(again))
    broken["grants"][0]["awardDate"] = "February"
    del broken["grants"][1]["recipientOrganization"]
    assert len(list(package_validator().iter_errors(broken))) >= 2


def test_no_grants_no_package(sunderland) -> None:
    with pytest.raises(NotFound):
        giving.package(sunderland)


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"beneficiary_code": "E05001172"}, "beneficiary_code"),  # Sunderland's ward
        ({"recipient_org_id": "Charity 123"}, "recipient_org_id"),
        ({"amount": "0"}, "amount"),
        ({"award_date": "last week"}, "award_date"),
        ({"description": ""}, "description"),
    ],
)
def test_bad_grants_are_refused_naming_the_field(wigan, raw, field) -> None:
    good = {
        "title": "T",
        "description": "D",
        "amount": "10",
        "award_date": "2026-01-01",
        "recipient_name": "R",
        "recipient_org_id": "GB-CHC-1",
        "beneficiary_code": ABRAM,
    }
    with pytest.raises(Refused) as refused:
        awards.record_grant(SYSTEM, wigan, good | raw)
    assert refused.value.field == field


def test_grant_pages_api_and_open_package(wigan, make_user, client_as, client) -> None:
    officer = client_as(make_user(Role.COMMISSIONER, wigan))
    assert client.get(f"/c/{wigan.slug}/funding/grants/360giving.json").status_code == 404
    made = officer.post(
        f"/c/{wigan.slug}/funding/grants/",
        {
            "title": "Litter picks",
            "description": "Kit",
            "amount": "300",
            "award_date": "2026-01-02",
            "recipient_name": "Friends of Abram",
            "recipient_org_id": "GB-CHC-7654321",
            "beneficiary_code": ABRAM,
        },
    )
    assert made.status_code == 302
    bad = officer.post(f"/c/{wigan.slug}/funding/grants/", {"title": "x"})
    assert bad.status_code == 400 and b"There is a problem" in bad.content
    listed = officer.get(f"/c/{wigan.slug}/funding/grants/")
    assert b"360G-wigan-1" in listed.content
    anyone = client.get(f"/c/{wigan.slug}/funding/grants/360giving.json")
    assert (
        anyone.status_code == 200 and list(package_validator().iter_errors(json.loads(anyone.content))) == []
    )
    api = client.get(f"/api/v1/c/{wigan.slug}/grants/360giving.json")
    assert api.status_code == 200 and api.json()["grants"][0]["id"] == "360G-wigan-1"
    posted = officer.post(
        f"/api/v1/c/{wigan.slug}/funding/grants",
        {
            "title": "T",
            "description": "D",
            "amount": "10",
            "award_date": "2026-01-01",
            "recipient_name": "R",
            "recipient_org_id": "GB-CHC-1",
            "beneficiary_code": "E01006213",
        },
        content_type="application/json",
    )
    assert posted.status_code == 201 and posted.json()["identifier"] == "360G-wigan-2"
    settings = officer.put(
        f"/api/v1/c/{wigan.slug}/funding/giving-settings",
        {"prefix": "wmbc", "org_id": "GB-LAE-WGN"},
        content_type="application/json",
    )
    assert settings.status_code == 200
    assert (
        officer.post(
            f"/c/{wigan.slug}/funding/grants/publishing/", {"giving_prefix": "bad prefix!", "org_id": "x"}
        ).status_code
        == 400
    )
    analyst = client_as(make_user(Role.ANALYST, wigan))
    assert analyst.post(
        f"/api/v1/c/{wigan.slug}/funding/grants", {}, content_type="application/json"
    ).status_code in (400, 403)
