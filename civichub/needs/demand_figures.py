"""The demand figures: value and failure demand by month (with the failure share's XmR chart), its top
causes, and the share by service and by provider organisation, narrowed to a service, a provider and a
span of months. Read from the monthly counts (`ContactCount`), which the contacts' writer keeps, so the
page costs the same over a thousand contacts or a million. Counts, not personal data: not audited."""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q, Sum

from civichub.core.errors import Refused
from civichub.core.models import Council, Organisation
from civichub.core.text import clean_text
from civichub.needs.models import Contact, ContactCount
from civichub.needs.xmr import XmR, xmr

FAILURE = Contact.Kind.FAILURE
OWN = "own"  # the provider filter for contacts naming no provider: the council's own services


@dataclass(frozen=True)
class Month:
    month: str
    contacts: int
    failure: int

    @property
    def share(self) -> float:
        return _share(self.failure, self.contacts)


@dataclass(frozen=True)
class Share:
    """One service's or provider's contacts in the span: how many, how many failure, the top cause."""

    key: str  # the service's name, or the provider's id ("own" for none)
    name: str
    org_id: str
    contacts: int
    failure: int
    top_cause: str

    @property
    def share(self) -> float:
        return _share(self.failure, self.contacts)


@dataclass(frozen=True)
class Filters:
    service: str = ""
    provider: str = ""  # an organisation's id, "own", or "" for every provider
    start: str = ""  # YYYY-MM, inclusive
    end: str = ""

    @property
    def any(self) -> bool:
        return bool(self.service or self.provider or self.start or self.end)


@dataclass(frozen=True)
class Demand:
    service: str
    services: list[Share]
    months: list[Month]
    causes: list[tuple[str, int, float]]  # (cause, contacts, share of failure demand %)
    chart: XmR | None  # the XmR chart of the monthly failure share
    providers: list[Share] = field(default_factory=list)
    filters: Filters = Filters()
    provider_name: str = ""
    held: bool = False  # whether the council has any contacts at all (for the empty states)

    @property
    def contacts(self) -> int:
        return sum(m.contacts for m in self.months)

    @property
    def failure(self) -> int:
        return sum(m.failure for m in self.months)


def _share(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _month(text: str, field_name: str) -> date | None:
    text = clean_text(text)[:7]
    if not text:
        return None
    try:
        return date.fromisoformat(f"{text}-01")
    except ValueError:
        raise Refused.on(field_name, f"'{text}' is not a month: give it like 2025-04") from None


def filters_of(service: str = "", provider: str = "", start: str = "", end: str = "") -> Filters:
    """Filters from what a page or API caller sent, refusing a provider or month that is not one."""
    provider = clean_text(provider)[:40]
    if provider and provider != OWN:
        try:
            provider = str(uuid.UUID(provider))
        except ValueError:
            raise Refused.on("provider", "Choose a provider from the list") from None
    first, last = _month(start, "start"), _month(end, "end")
    if first and last and first > last:
        raise Refused.on("end", "The last month must be the same as or after the first")
    return Filters(
        clean_text(service)[:200],
        provider,
        first.strftime("%Y-%m") if first else "",
        last.strftime("%Y-%m") if last else "",
    )


def _shares(groups: dict[str, Counter[str]], names: dict[str, tuple[str, str]]) -> list[Share]:
    shares = []
    for key, counts in groups.items():
        total = counts.pop("__all__", 0)
        failure = counts.pop("__failure__", 0)
        top = counts.most_common(1)[0][0] if counts else ""
        name, org_id = names.get(key, (key, ""))
        shares.append(Share(key, name, org_id, total, failure, top))
    return sorted(shares, key=lambda s: (s.name.lower(), s.key))


def demand(council: Council, filters: Filters | str = "") -> Demand:
    """Failure demand by month (with its XmR chart) and its top causes for what the filters select, and
    each service's (within the provider filter) and each provider's (within the service filter) share.
    Four GROUP BYs over the monthly counts, summed in the database."""
    if isinstance(filters, str):
        filters = Filters(service=clean_text(filters)[:200])
    counts = ContactCount.objects.for_council(council)
    held = counts.exists()
    if filters.start:
        counts = counts.filter(month__gte=date.fromisoformat(f"{filters.start}-01"))
    if filters.end:
        counts = counts.filter(month__lte=date.fromisoformat(f"{filters.end}-01"))
    by_service = Q(service=filters.service) if filters.service else Q()
    by_provider = Q()
    if filters.provider == OWN:
        by_provider = Q(provider__isnull=True)
    elif filters.provider:
        by_provider = Q(provider_id=filters.provider)
    chosen = counts.filter(by_service & by_provider)
    found = [
        Month(r["month"].strftime("%Y-%m"), r["n"], r["f"] or 0)
        for r in chosen.values("month")
        .annotate(n=Sum("contacts"), f=Sum("contacts", filter=Q(kind=FAILURE)))
        .order_by("month")
    ]
    total_failure = sum(m.failure for m in found)
    top = chosen.filter(kind=FAILURE).values("cause").annotate(n=Sum("contacts")).order_by("-n", "cause")
    services: dict[str, Counter[str]] = defaultdict(Counter)
    for r in (
        counts.filter(by_provider).values("service", "kind", "cause").annotate(n=Sum("contacts")).order_by()
    ):
        _add(services[r["service"]], r["n"], r["n"] if r["kind"] == FAILURE else 0, r["cause"])
    providers: dict[str, Counter[str]] = defaultdict(Counter)
    for r in (
        counts.filter(by_service)
        .values("provider_id", "kind", "cause")
        .annotate(n=Sum("contacts"))
        .order_by()
    ):
        key = str(r["provider_id"]) if r["provider_id"] else OWN
        _add(providers[key], r["n"], r["n"] if r["kind"] == FAILURE else 0, r["cause"])
    ids = [p for p in providers if p != OWN]
    if filters.provider and filters.provider != OWN:
        ids.append(filters.provider)
    names = _provider_names(ids)
    return Demand(
        service=filters.service,
        services=_shares(services, {}),
        months=found,
        causes=[(r["cause"], r["n"], _share(r["n"], total_failure)) for r in top[:10]],
        chart=xmr([(m.month, m.share) for m in found], floor=0),
        providers=_shares(providers, names),
        filters=filters,
        provider_name=names.get(filters.provider, ("", ""))[0] if filters.provider else "",
        held=held,
    )


def _summed(counts: Any, by: str) -> Any:
    return counts.values(by, "kind", "cause").annotate(n=Sum("contacts")).order_by()


def _add(counter: Counter[str], n: int, failure: int, cause: str) -> None:
    counter["__all__"] += n
    if failure:
        counter["__failure__"] += failure
        counter[cause] += failure


def _provider_names(ids: list[str]) -> dict[str, tuple[str, str]]:
    """{provider id: (name, first org-id)}, and the council's own services under "own"."""
    names = {OWN: ("The council's own services", "")}
    for organisation in Organisation.objects.filter(pk__in=ids).prefetch_related("identifiers"):
        identifiers = sorted(i.org_id for i in organisation.identifiers.all())
        names[str(organisation.pk)] = (organisation.name, identifiers[0] if identifiers else "")
    return names
