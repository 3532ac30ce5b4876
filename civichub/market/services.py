"""Market services: the provider register's market profile, providers' offers (with their history and the
derived rows the figures are summed from), officers' notes on providers, councils' own categories and
settings. Each change is decided here (policy), audited and published in one transaction.

Cost exercises and returns are in `market.returns`, position statements in `market.statements`.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from civichub.core import audit, policy
from civichub.core import services as core
from civichub.core.actors import Actor
from civichub.core.errors import Conflict, FieldError, Refused
from civichub.core.models import Council, Organisation, OrganisationIdentifier
from civichub.core.outbox import publish
from civichub.core.text import clean_name, clean_text
from civichub.market.details import OfferDetails, check_offer, quantity
from civichub.market.models import (
    CqcRating,
    MarketCategory,
    MarketSettings,
    Offer,
    OfferArea,
    OfferChange,
    ProviderNote,
    ProviderProfile,
)
from civichub.market.selectors import offer_fields, require_own_organisation

GOOD_RATINGS = (CqcRating.GOOD, CqcRating.OUTSTANDING)


# --- The register -----------------------------------------------------------------------------------


@transaction.atomic
def register_provider(
    actor: Actor,
    council: Council,
    *,
    name: str,
    kind: str,
    identifiers: dict[str, str],
    is_vcse: bool = False,
    is_sme: bool = False,
    is_public_service_mutual: bool = False,
) -> ProviderProfile:
    """Put a provider on the market register, once for the whole platform: an organisation that already
    holds one of the identifiers is found, not duplicated (the kernel's register decides)."""
    if not actor.is_system:
        policy.require(actor, "market.providers.register", council)
    if kind not in Organisation.Kind.values or kind == Organisation.Kind.COUNCIL:
        raise Refused.on("kind", "Choose company, charity, NHS body, other public body or community group")
    if not identifiers:
        raise Refused.on(
            "identifiers", "Give at least one org-id identifier (Companies House, charity, NHS…)"
        )
    identifiers = {clean_text(k).upper(): clean_text(v).upper() for k, v in identifiers.items()}
    for scheme, number in identifiers.items():
        if scheme not in OrganisationIdentifier.Scheme.values:
            schemes = ", ".join(OrganisationIdentifier.Scheme.values)
            raise Refused.on(f"identifiers.{scheme[:20]}", f"Use an org-id scheme: {schemes}")
        if not number or len(number) > 64:
            raise Refused.on(
                f"identifiers.{scheme}", "Give its number on that register (up to 64 characters)"
            )
    organisation = core.register_organisation(actor, name=name, kind=kind, identifiers=identifiers)
    if organisation.kind == Organisation.Kind.COUNCIL:
        raise Refused.on("identifiers", f"{organisation.name} is a council on the platform, not a provider")
    profile = ProviderProfile.objects.filter(organisation=organisation).first()
    if profile is not None:
        return profile
    profile = ProviderProfile.objects.create(
        organisation=organisation,
        is_vcse=is_vcse,
        is_sme=is_sme,
        is_public_service_mutual=is_public_service_mutual,
    )
    _registered(actor, profile, "market.provider.registered")
    return profile


@transaction.atomic
def update_profile(
    actor: Actor,
    council: Council,
    organisation: Organisation,
    *,
    is_vcse: bool,
    is_sme: bool,
    is_public_service_mutual: bool,
) -> ProviderProfile:
    """A provider's own staff say whether it is a VCSE, an SME or a public service mutual."""
    require_own_organisation(actor, council, organisation, "market.offers.edit")
    profile, _ = ProviderProfile.objects.get_or_create(organisation=organisation)
    profile.is_vcse, profile.is_sme = is_vcse, is_sme
    profile.is_public_service_mutual = is_public_service_mutual
    profile.save()
    _registered(actor, profile, "market.provider.profile_changed")
    return profile


def _registered(actor: Actor, profile: ProviderProfile, action: str) -> None:
    flags = {
        "is_vcse": profile.is_vcse,
        "is_sme": profile.is_sme,
        "is_public_service_mutual": profile.is_public_service_mutual,
    }
    audit.record(actor, action, obj=profile, data=flags)
    publish(
        "market.provider.registered",
        council=None,
        subject=profile,
        data={"organisation_id": str(profile.organisation_id), "name": profile.organisation.name, **flags},
    )


# --- Offers -----------------------------------------------------------------------------------------


@transaction.atomic
def set_offer(
    actor: Actor, council: Council, organisation: Organisation, category: MarketCategory, raw: dict[str, Any]
) -> Offer:
    """Add or change a provider's offer in a category; every changed field is kept in its history."""
    require_own_organisation(actor, council, organisation, "market.offers.edit")
    details = check_offer(category, raw)
    offer = Offer.objects.select_for_update().filter(organisation=organisation, category=category).first()
    before = offer_fields(offer) if offer is not None else None
    action = OfferChange.Action.CREATE if offer is None else OfferChange.Action.UPDATE
    if offer is None:
        offer = Offer(organisation=organisation, category=category)
    elif offer.ended_on is not None:
        action, offer.ended_on = OfferChange.Action.UPDATE, None  # it comes back into the market
    for name in (
        "capacity",
        "price",
        "staff_posts",
        "staff_vacancies",
        "cqc_rating",
        "cqc_rated_on",
        "started_on",
    ):
        setattr(offer, name, getattr(details, name))
    after = details.describe() | {"ended_on": ""}
    changed = [(k, (before or {}).get(k, ""), v) for k, v in after.items() if (before or {}).get(k, "") != v]
    if not changed:
        return offer
    offer.save()
    _write_areas(offer, details)
    _history(actor, offer, action, changed)
    _offer_changed(actor, offer, [name for name, _, _ in changed])
    return offer


@transaction.atomic
def end_offer(actor: Actor, council: Council, offer: Offer) -> Offer:
    """The provider leaves this market: its offer stays (with its history) but counts no more."""
    require_own_organisation(actor, council, offer.organisation, "market.offers.edit")
    if offer.ended_on is not None:
        raise Conflict.on(None, "This offer has already left the market")
    offer.ended_on = timezone.localdate()
    offer.save(update_fields=["ended_on", "updated_at"])
    OfferArea.objects.filter(offer=offer).update(is_active=False, ended_year=offer.ended_on.year)
    _history(actor, offer, OfferChange.Action.END, [("ended_on", "", offer.ended_on.isoformat())])
    _offer_changed(actor, offer, ["ended_on"])
    return offer


def _area_rows(offer: Offer, details: OfferDetails) -> list[OfferArea]:
    """The derived rows of an offer: its capacity spread evenly over the places it covers."""
    share = details.capacity / len(details.coverage)
    good = details.cqc_rating in GOOD_RATINGS
    return [
        OfferArea(
            offer=offer,
            category_id=offer.category_id,
            organisation_id=offer.organisation_id,
            local_authority_code=place.local_authority_code,
            ward_code=place.ward_code,
            lsoa_code=place.lsoa_code,
            capacity=share,
            spend=share * details.price,
            is_active=offer.ended_on is None,
            is_good=good,
            price=details.price,
            started_year=details.started_on.year,
            ended_year=offer.ended_on.year if offer.ended_on else None,
        )
        for place in details.coverage
    ]


def _write_areas(offer: Offer, details: OfferDetails) -> None:
    OfferArea.objects.filter(offer=offer).delete()
    OfferArea.objects.bulk_create(_area_rows(offer, details))


def _history(actor: Actor, offer: Offer, action: str, changed: list[tuple[str, str, str]]) -> None:
    OfferChange.objects.bulk_create(
        OfferChange(
            offer=offer,
            organisation_id=offer.organisation_id,
            action=action,
            field_name=name,
            previous_value=previous,
            new_value=new,
            changed_by=actor.label,
        )
        for name, previous, new in changed
    )


def _offer_changed(actor: Actor, offer: Offer, fields: list[str]) -> None:
    audit.record(actor, "market.offer.changed", obj=offer, data={"fields": fields})
    publish(
        "market.offer.changed",
        council=None,
        subject=offer,
        data={
            "offer_id": str(offer.pk),
            "organisation_id": str(offer.organisation_id),
            "category": offer.category.code,
            "fields": fields,
        },
    )


# --- What a council's officers make of a provider ----------------------------------------------------


@transaction.atomic
def add_note(
    actor: Actor,
    council: Council,
    organisation: Organisation,
    *,
    kind: str,
    rating: str = "",
    flag: str = "",
    text: str = "",
) -> ProviderNote:
    """An officer rates a provider, raises or clears a flag (with its reason), or comments. The note stays
    with the council; it never changes the provider's own offer."""
    policy.require(actor, "market.providers.assess", council)
    text = clean_text(text, multiline=True)[:2000]
    if kind == ProviderNote.Kind.RATING:
        if rating not in ProviderNote.Rating.values:
            raise Refused.on("rating", f"Choose a rating: {', '.join(ProviderNote.Rating.labels)}")
    elif kind == ProviderNote.Kind.FLAG:
        flag = clean_name(flag or "at risk", field="flag", max_length=50, label="the flag")
        if not text:
            raise Refused.on("text", "Say why the provider is flagged")
    elif kind == ProviderNote.Kind.CLEAR:
        flag = clean_name(flag or "at risk", field="flag", max_length=50, label="the flag")
    elif kind == ProviderNote.Kind.COMMENT:
        if not text:
            raise Refused.on("text", "Enter the comment")
    else:
        raise Refused.on("kind", f"Choose one of {', '.join(ProviderNote.Kind.values)}")
    note = ProviderNote.objects.create(
        council=council,
        organisation=organisation,
        kind=kind,
        rating=rating if kind == ProviderNote.Kind.RATING else "",
        flag=flag if kind in (ProviderNote.Kind.FLAG, ProviderNote.Kind.CLEAR) else "",
        text=text,
        written_by=actor.user,
        written_by_label=actor.label,
    )
    audit.record(
        actor, f"market.note.{kind}", obj=note, council=council, data={"organisation": str(organisation.pk)}
    )
    if kind == ProviderNote.Kind.COMMENT:
        publish(
            "market.comment.added",
            council=council,
            subject=note,
            data={"note_id": str(note.pk), "organisation_id": str(organisation.pk)},
        )
    else:
        publish(
            "market.rating.changed",
            council=council,
            subject=note,
            data={
                "note_id": str(note.pk),
                "organisation_id": str(organisation.pk),
                "kind": kind,
                "rating": note.rating,
                "flag": note.flag,
            },
        )
    return note


# --- A council's categories and settings ------------------------------------------------------------


@transaction.atomic
def add_category(
    actor: Actor,
    council: Council,
    *,
    code: str,
    name: str,
    unit: str,
    price_unit: str,
    need_basis: str = MarketCategory.NeedBasis.EVERYONE,
    need_per_thousand: Any = 0,
    regulated: bool = False,
) -> MarketCategory:
    """A market category of the council's own, beside the platform's."""
    policy.require(actor, "market.manage", council)
    errors: list[FieldError] = []
    code = clean_text(code).lower()
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,49}", code):
        errors.append(FieldError("code", "Use lower-case letters, digits and hyphens, like 'day-care'"))
    if need_basis not in MarketCategory.NeedBasis.values:
        errors.append(FieldError("need_basis", f"Choose one of {', '.join(MarketCategory.NeedBasis.values)}"))
    need = quantity(need_per_thousand, "need_per_thousand", errors)
    if need > 1_000_000:
        errors.append(FieldError("need_per_thousand", "Must be 1,000,000 or less"))
    try:
        name = clean_name(name, max_length=100, label="the category's name")
        unit = clean_name(unit, field="unit", max_length=50, label="the unit capacity is counted in")
        price_unit = clean_name(price_unit, field="price_unit", max_length=50, label="what a price is per")
    except Refused as exc:
        errors.extend(exc.errors)
    if errors:
        raise Refused("; ".join(str(e) for e in errors), errors)
    taken = MarketCategory.objects.for_platform().filter(code=code).exists()
    if taken or MarketCategory.objects.for_council(council).filter(code=code).exists():
        raise Conflict.on("code", f"There is already a category '{code}'")
    category = MarketCategory.objects.create(
        council=council,
        code=code,
        name=name,
        unit=unit,
        price_unit=price_unit,
        need_basis=need_basis,
        need_per_thousand=need,
        regulated=regulated,
    )
    audit.record(actor, "market.category.added", obj=category, council=council, data={"code": code})
    publish(
        "market.category.added",
        council=council,
        subject=category,
        data={"category_id": str(category.pk), "code": code, "name": name, "unit": unit},
    )
    return category


@transaction.atomic
def set_ward_share_threshold(actor: Actor, council: Council, percent: Any) -> MarketSettings:
    """The share of a ward's capacity above which one provider's exit is a risk to that ward."""
    policy.require(actor, "market.manage", council)
    errors: list[FieldError] = []
    value = quantity(percent, "ward_share_threshold", errors)
    if not errors and not Decimal(1) <= value <= Decimal(100):
        errors.append(FieldError("ward_share_threshold", "Must be a percentage from 1 to 100"))
    if errors:
        raise Refused(str(errors[0]), errors)
    settings, _ = MarketSettings.objects.for_council(council).get_or_create(council=council)
    settings.ward_share_threshold = value
    settings.save()
    audit.record(
        actor, "market.settings.changed", obj=settings, council=council, data={"threshold": str(value)}
    )
    publish(
        "market.settings.changed",
        council=council,
        subject=settings,
        data={"ward_share_threshold": str(value)},
    )
    return settings
