"""Open Referral UK (HSDS 3.0 UK profile) representations of the directory.

Plain dictionaries shaped as the schemas in ../shared/standards/oruk/schema/compiled/ require; the
tests validate every response against them.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from civichub.core.models import Organisation
from civichub.directory.models import Location, Service, ServiceAtLocation, Taxonomy, TaxonomyTerm

HSDS_VERSION = "3.0"
PROFILE = "https://openreferraluk.org"


def _present(values: dict[str, Any]) -> dict[str, Any]:
    # The schemas type optional fields as plain strings or numbers: absent, never null.
    return {k: v for k, v in values.items() if v is not None}


def _time(value: Any) -> str:
    return value.strftime("%H:%M")


def _stamp(value: datetime) -> str:
    return value.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def organization(org: Organisation) -> dict[str, Any]:
    return {
        **organization_summary(org),
        "organization_identifiers": [
            {
                "id": str(i.id),
                "organization_id": str(org.id),
                "identifier_scheme": i.scheme,
                "identifier_type": i.get_scheme_display(),
                "identifier": i.identifier,
            }
            for i in org.identifiers.all()
        ],
    }


def taxonomy(t: Taxonomy) -> dict[str, Any]:
    return _present(
        {
            "id": str(t.id),
            "name": t.name,
            "description": t.description,
            "uri": t.uri or None,
            "version": t.version or None,
        }
    )


def taxonomy_term(term: TaxonomyTerm) -> dict[str, Any]:
    return _present(
        {
            "id": str(term.id),
            "code": term.code or None,
            "name": term.name,
            "description": term.description or term.name,
            "parent_id": str(term.parent_id) if term.parent_id else None,
            "taxonomy": term.taxonomy.name,
            "taxonomy_id": str(term.taxonomy_id),
        }
    )


def service_summary(service: Service) -> dict[str, Any]:
    """A service's one-to-one fields, as /services lists them."""
    return _present(
        {
            "id": str(service.id),
            "organization_id": str(service.organisation_id),
            "name": service.name,
            "description": service.description or None,
            "url": service.url or None,
            "email": service.email or None,
            "status": service.status,
            "fees": service.fees_description or None,
            "minimum_age": service.minimum_age,
            "maximum_age": service.maximum_age,
            "alert": service.alert or None,
            "last_modified": _stamp(service.updated_at),
            "organization": organization(service.organisation),
        }
    )


def location(loc: Location, region: str) -> dict[str, Any]:
    return _present(
        {
            "id": str(loc.id),
            "location_type": "physical",
            "name": loc.name,
            "description": loc.description or None,
            "latitude": loc.latitude,
            "longitude": loc.longitude,
            "addresses": [
                {
                    "id": str(loc.id),
                    "location_id": str(loc.id),
                    "address_1": loc.address_1,
                    "city": loc.city,
                    "state_province": region,
                    "postal_code": loc.postcode,
                    "country": "GB",
                    "address_type": "physical",
                }
            ],
        }
    )


def service_full(service: Service) -> dict[str, Any]:
    """A service with everything about it nested, as /services/{id} returns it."""
    sid = str(service.id)
    region = service.council.region
    return {
        **service_summary(service),
        "schedules": [
            _present(
                {
                    "id": str(s.id),
                    "service_id": sid,
                    "freq": "WEEKLY",
                    "byday": s.byday,
                    "opens_at": _time(s.opens_at),
                    "closes_at": _time(s.closes_at),
                    "description": s.description or None,
                }
            )
            for s in service.schedules.all()
        ],
        "service_areas": [
            {
                "id": str(a.id),
                "service_id": sid,
                "name": a.name,
                "extent_type": "ward" if a.ward_code else ("lsoa" if a.lsoa_code else "local_authority"),
                "extent": a.ward_code or a.lsoa_code or service.council.gss_code,
            }
            for a in service.service_areas.all()
        ],
        "service_at_locations": [
            {
                "id": str(sal.id),
                "service_id": sid,
                "location_id": str(sal.location_id),
                "location": location(sal.location, region),
            }
            for sal in service.service_at_locations.all()
        ],
        "cost_options": [
            _present(
                {
                    "id": str(c.id),
                    "service_id": sid,
                    "option": c.option,
                    "amount": float(c.amount) if isinstance(c.amount, Decimal) else c.amount,
                    "amount_description": c.amount_description or None,
                }
            )
            for c in service.cost_options.all()
        ],
        "contacts": [
            _present({"id": str(c.id), "service_id": sid, "name": c.name, "title": c.title or None})
            for c in service.contacts.all()
        ],
        "attributes": [
            {
                # The standard asks for a uuid: one made from the service and term is stable across renders.
                "id": str(uuid.uuid5(service.id, f"attribute:{t.id}")),
                "link_id": sid,
                "link_type": "service",
                "taxonomy_term_id": str(t.id),
                "taxonomy_term": taxonomy_term(t),
            }
            for t in service.taxonomy_terms.all()
        ],
        "languages": [],
        "funding": [
            {
                "id": str(uuid.uuid5(service.id, "funding")),
                "service_id": sid,
                "source": f"{service.council.name}: {service.commissioned_under}",
            }
        ]
        if service.commissioned_under
        else [],
    }


def page(items: list[dict[str, Any]], total: int, number: int, size: int) -> dict[str, Any]:
    pages = max(1, -(-total // size))
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": number,
        "size": len(items),
        "first_page": number == 1,
        "last_page": number >= pages,
        "empty": not items,
        "contents": items,
    }


def organization_summary(org: Organisation) -> dict[str, Any]:
    return _present(
        {
            "id": str(org.id),
            "name": org.name,
            "description": org.get_kind_display(),
            "website": org.website or None,
        }
    )


def organization_full(org: Organisation, services: list[Service]) -> dict[str, Any]:
    return {**organization(org), "services": [service_summary(s) for s in services]}


def service_at_location(sal: ServiceAtLocation) -> dict[str, Any]:
    return {
        "id": str(sal.id),
        "service_id": str(sal.service_id),
        "location_id": str(sal.location_id),
        "location": location(sal.location, sal.service.council.region),
        "service": service_summary(sal.service),
    }
