"""Funding against need, and the council's own grants as a 360Giving package. Reads only.

**Funding per head by deprivation.** Grants in 360Giving data name their beneficiaries' places. Each
grant's amount is placed on the council's LSOAs: a grant naming LSOAs is spread over them by population
(one LSOA: all of it); a grant naming only wards is spread over the LSOAs whose best-fit ward each is, by
population; a grant naming only the council (or nothing finer) is counted as "not placed" and left out
of the per-head figures. Only the share falling on the council's LSOAs counts. Then, per IMD 2019 decile
(of the LSOA) and per ward, the amount over the people (IoD 2019 mid-2015 population), and the deprived
LSOAs (deciles 1 and 2) that received less than a quarter of the council's amount per head, or nothing.
Grants are the platform's 360Giving data and the council's own recorded grants. Population and IMD are
read from places, never copied.

**The council's grants in 360Giving.** Each grant is `360G-<prefix>-<number>`, its recipient and funder
by org-id, its beneficiary by GSS code with the 360Giving geoCodeType (WD for a ward, LSOA).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from civichub.core.errors import NotFound
from civichub.core.models import Council
from civichub.funding.models import GivingSettings, Grant, PastGrant
from civichub.places import selectors as places

DEPRIVED_DECILES = (1, 2)
LITTLE = Decimal("0.25")  # "little": below this share of the council's amount per head
PENNY = Decimal("0.01")
LICENCE = "https://creativecommons.org/licenses/by/4.0/"
VERSION = "1.4"


def per_head(amount: Decimal, people: int) -> Decimal | None:
    return (amount / people).quantize(PENNY) if people else None


@dataclass
class Line:
    """The money and the people of a group of LSOAs (a decile, a ward)."""

    key: str
    name: str
    lsoas: int = 0
    population: int = 0
    amount: Decimal = Decimal(0)
    deprived_share: float | None = None  # wards: % of people in deciles 1-2

    @property
    def per_head(self) -> Decimal | None:
        return per_head(self.amount, self.population)

    @property
    def shown_amount(self) -> Decimal:
        return self.amount.quantize(PENNY)


@dataclass(frozen=True)
class ColdSpot:
    code: str
    name: str
    ward: str
    decile: int
    imd_rank: int
    population: int
    amount: Decimal
    per_head: Decimal | None


@dataclass
class FundingAgainstNeed:
    council: Council
    deciles: list[Line] = field(default_factory=list)
    wards: list[Line] = field(default_factory=list)
    cold_spots: list[ColdSpot] = field(default_factory=list)
    grants: int = 0
    spread_from_wards: int = 0
    not_placed: int = 0
    not_placed_amount: Decimal = Decimal(0)

    @property
    def population(self) -> int:
        return sum(line.population for line in self.deciles)

    @property
    def amount(self) -> Decimal:
        return sum((line.amount for line in self.deciles), Decimal(0)).quantize(PENNY)

    @property
    def per_head(self) -> Decimal | None:
        return per_head(self.amount, self.population)

    @property
    def little_below(self) -> Decimal:
        return ((self.per_head or Decimal(0)) * LITTLE).quantize(PENNY)

    def chart(self, lines: list[Line]) -> list[tuple[str, float, str, None]]:
        """(label, value, text, reference) rows for the bar chart macro."""
        return [
            (line.name, float(line.per_head or 0), f"£{line.per_head or 0} a head", None) for line in lines
        ]


def _grants_of(council: Council, ward_codes: list[str]) -> list[tuple[Decimal, list[str]]]:
    """(amount, place codes) of every grant whose beneficiaries are in the council: the 360Giving data
    (its LSOAs were stored with their council's code; wards are asked for one by one) and the council's
    own."""
    here = Q(place_codes__contains=f" {council.gss_code} ")
    for code in ward_codes:
        here |= Q(place_codes__contains=f" {code} ")
    past = PastGrant.objects.filter(here).values_list("amount", "place_codes")
    found = [(amount, codes.split()) for amount, codes in past]
    own = grants(council).values_list("amount", "beneficiary_code")
    return found + [(amount, [code]) for amount, code in own]


def funding_against_need(council: Council) -> FundingAgainstNeed:
    """Funding per head in each decile of deprivation and in each ward, and the deprived LSOAs that get
    little or none (see the module's note for the method)."""
    result = FundingAgainstNeed(council)
    lsoas = {lsoa.code: lsoa for lsoa in places.lsoas_in(council.gss_code)}
    ward_rows = list(places.wards_in(council.gss_code))
    ward_lsoas: dict[str, list[Any]] = defaultdict(list)
    for lsoa in lsoas.values():
        if lsoa.best_fit_ward_id:
            ward_lsoas[lsoa.best_fit_ward_id].append(lsoa)
    money: dict[str, Decimal] = defaultdict(Decimal)  # LSOA code -> amount placed on it
    grants = _grants_of(council, [w.gss_code for w in ward_rows])
    # LSOAs and wards of other councils named with ours: their people share the grant too.
    named = {code for _, codes in grants for code in codes if code not in lsoas}
    known = {lsoa.code: lsoa for lsoa in places.lsoas({c for c in named if c[:3] in ("E01", "W01")})}
    known.update(lsoas)
    result.grants = len(grants)
    for amount, codes in grants:
        spread: list[Any] = [known[c] for c in codes if c in known]
        if not spread:
            wards = [c for c in codes if c[:3] in ("E05", "W05", "S13") or c in ward_lsoas]
            spread = [lsoa for code in wards for lsoa in (ward_lsoas.get(code) or places.lsoas_of_ward(code))]
            result.spread_from_wards += bool(spread)
        people = sum(lsoa.population for lsoa in spread)
        if not spread or not people:
            result.not_placed += 1
            result.not_placed_amount += amount
            continue
        for lsoa in spread:
            if lsoa.code in lsoas:
                money[lsoa.code] += amount * lsoa.population / people
    deciles = {d: Line(str(d), f"Decile {d}") for d in range(1, 11)}
    for lsoa in lsoas.values():
        line = deciles[lsoa.imd_decile]
        line.lsoas += 1
        line.population += lsoa.population
        line.amount += money[lsoa.code]
    result.deciles = list(deciles.values())
    for ward in ward_rows:
        mine = ward_lsoas.get(ward.gss_code, [])
        people = sum(lsoa.population for lsoa in mine)
        deprived = sum(lsoa.population for lsoa in mine if lsoa.imd_decile in DEPRIVED_DECILES)
        result.wards.append(
            Line(
                ward.gss_code,
                ward.name or ward.gss_code,
                len(mine),
                people,
                sum((money[lsoa.code] for lsoa in mine), Decimal(0)),
                round(100 * deprived / people, 1) if people else None,
            )
        )
    little = result.per_head * LITTLE if result.per_head else Decimal(0)
    names = {w.gss_code: w.name or w.gss_code for w in ward_rows}
    spots = [
        ColdSpot(
            lsoa.code,
            lsoa.name,
            names.get(lsoa.best_fit_ward_id or "", ""),
            lsoa.imd_decile,
            lsoa.imd_rank,
            lsoa.population,
            money[lsoa.code].quantize(PENNY),
            per_head(money[lsoa.code], lsoa.population),
        )
        for lsoa in lsoas.values()
        if lsoa.imd_decile in DEPRIVED_DECILES
        and (money[lsoa.code] == 0 or (lsoa.population and money[lsoa.code] / lsoa.population < little))
    ]
    result.cold_spots = sorted(spots, key=lambda s: (s.amount, s.imd_rank))
    return result


# --- The council's own grants in 360Giving ----------------------------------------------------------


def grants(council: Council) -> QuerySet[Grant]:
    """The grants the council made and has not withdrawn, newest first: open data."""
    return (
        Grant.objects.for_council(council)
        .filter(withdrawn_on__isnull=True)
        .order_by("-award_date", "-number")
    )


def withdrawn_grants(council: Council) -> QuerySet[Grant]:
    """The grants the council withdrew, with why, last withdrawn first."""
    return (
        Grant.objects.for_council(council)
        .filter(withdrawn_on__isnull=False)
        .order_by("-withdrawn_on", "-number")
    )


def standing_grant(council: Council, grant_id: UUID | str) -> Grant:
    """One of the council's grants not withdrawn; another council's, a withdrawn one or none is a 404."""
    try:
        found = grants(council).filter(pk=grant_id).first()
    except (ValueError, ValidationError):
        found = None
    if found is None:
        raise NotFound.on("grant_id", f"{council.short_name} has no such grant")
    return found


@dataclass(frozen=True)
class Publishing:
    prefix: str
    org_id: str
    saved: bool


def council_org_id(council: Council) -> str:
    """The council's org-id from the register (GB-LAE-WGN for Wigan), else its GSS code's."""
    identifiers = {i.scheme: i.org_id for i in council.organisation.identifiers.all()}
    for scheme in ("GB-LAE", "GB-LAS", "GB-PLA", "GB-LANI", "GB-GSS"):
        if scheme in identifiers:
            return identifiers[scheme]
    return f"GB-GSS-{council.gss_code}"


def publishing(council: Council) -> Publishing:
    """How the council's grants are published: its own settings, or until it saves some, its slug as the
    prefix (360Giving assigns real prefixes: set it once registered) and its register org-id."""
    found = GivingSettings.objects.for_council(council).first()
    if found is not None:
        return Publishing(found.prefix, found.org_id, True)
    return Publishing(council.slug, council_org_id(council), False)


def identifier(grant: Grant, prefix: str) -> str:
    return f"360G-{prefix}-{grant.number}"


def as_360giving(grant: Grant, council: Council, how: Publishing) -> dict[str, Any]:
    amount = grant.amount
    location: dict[str, Any] = {
        "geoCode": grant.beneficiary_code,
        "geoCodeType": grant.beneficiary_kind,
        "countryCode": "GB",
    }
    if grant.beneficiary_name:
        location["name"] = grant.beneficiary_name
    found: dict[str, Any] = {
        "id": identifier(grant, how.prefix),
        "title": grant.title,
        "description": grant.description,
        "currency": "GBP",
        "amountAwarded": int(amount) if amount == amount.to_integral_value() else float(amount),
        "awardDate": grant.award_date.isoformat(),
        "recipientOrganization": [{"id": grant.recipient_org_id, "name": grant.recipient_name}],
        "fundingOrganization": [{"id": how.org_id, "name": council.name}],
        "beneficiaryLocation": [location],
        "dateModified": grant.updated_at.isoformat(timespec="seconds"),
    }
    if grant.programme:
        found["grantProgramme"] = [{"title": grant.programme}]
    return found


def package(council: Council, *, today: date | None = None) -> dict[str, Any]:
    """The council's grants as a 360Giving package (404 until it has made one: a package holds at least
    one grant)."""
    how = publishing(council)
    made = list(grants(council))
    if not made:
        raise NotFound.on(None, f"{council.short_name} has published no grants yet")
    issued = today or max(g.updated_at for g in made).date()
    return {
        "version": VERSION,
        "title": f"Grants made by {council.name}",
        "description": f"Grants made by {council.name}, in the 360Giving Data Standard, from civichub.",
        "identifier": f"360G-{how.prefix}-grants",
        "issued": issued.isoformat(),
        "publisher": {"name": council.name, "identifier": how.org_id},
        "license": LICENCE,
        "grants": [as_360giving(g, council, how) for g in made],
    }
