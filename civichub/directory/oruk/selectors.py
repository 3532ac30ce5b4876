"""Reading the public directory by id, for /openreferral/ and the finder's service page.

Reads only: a service's ORUK document is stored when the service is added or changed (in that
transaction); one missing (a service stored before documents existed) is rendered for the reply and
left for `civichub directory reindex` to store, so a GET never writes.
"""

from __future__ import annotations

import json
import uuid

from django.db.models import QuerySet
from django.http import Http404

from civichub.core.models import Council, Organisation
from civichub.directory.models import Service as ServiceRow
from civichub.directory.models import ServiceAtLocation, Taxonomy, TaxonomyTerm
from civichub.directory.oruk import representation
from civichub.directory.oruk.search import published_services
from civichub.directory.selectors import service_for_document, with_everything


def _uuid_or_404(value: str, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise Http404(f"No {what} has that id") from None


def service(service_id: str) -> ServiceRow:
    """One published service with everything about it, for the service page."""
    return with_everything(published_services(), _uuid_or_404(service_id, "service"))


def service_document(service_id: str) -> str:
    """A published service's ORUK document (JSON text): the stored one, or rendered if none is stored."""
    key = _uuid_or_404(service_id, "service")
    row = published_services().filter(pk=key).values_list("oruk_document", flat=True).first()
    if row is None:
        raise Http404("No service has that id")
    return row or render(key)


def render(service_id: uuid.UUID) -> str:
    """A service's ORUK document as it would be stored (compact JSON)."""
    return json.dumps(representation.service_full(service_for_document(service_id)), separators=(",", ":"))


def council_documents(council: Council) -> list[str]:
    """Every published service of a council as its ORUK document (JSON text), by name."""
    rows = (
        ServiceRow.objects.for_council(council)
        .filter(is_published=True)
        .order_by("name", "id")
        .values_list("pk", "oruk_document")
    )
    return [document or render(pk) for pk, document in rows]


def service_at_location(sal_id: str) -> ServiceAtLocation:
    key = _uuid_or_404(sal_id, "service at location")
    found = (
        ServiceAtLocation.unscoped.filter(pk=key, service__in=published_services())
        .select_related("location", "service__organisation", "service__council")
        .first()
    )
    if found is None:
        raise Http404("No service at location has that id")
    return found


def organisations_with_services() -> QuerySet[Organisation]:
    """Organisations that run at least one published service."""
    return (
        Organisation.objects.filter(pk__in=published_services().values("organisation_id"))
        .prefetch_related("identifiers")
        .order_by("name")
    )


def organisation(org_id: str) -> tuple[Organisation, list[ServiceRow]]:
    key = _uuid_or_404(org_id, "organization")
    found = organisations_with_services().filter(pk=key).first()
    if found is None:
        raise Http404("No organization has that id")
    services = list(
        published_services().filter(organisation=found).select_related("organisation").order_by("name")
    )
    return found, services


def taxonomies() -> QuerySet[Taxonomy]:
    return Taxonomy.objects.order_by("name")


def taxonomy_terms(taxonomy_id: uuid.UUID | None = None) -> QuerySet[TaxonomyTerm]:
    terms = TaxonomyTerm.objects.select_related("taxonomy").order_by("name", "id")
    return terms.filter(taxonomy_id=taxonomy_id) if taxonomy_id else terms


def taxonomy(taxonomy_id: str) -> Taxonomy:
    found = Taxonomy.objects.filter(pk=_uuid_or_404(taxonomy_id, "taxonomy")).first()
    if found is None:
        raise Http404("No taxonomy has that id")
    return found


def taxonomy_term(term_id: str) -> TaxonomyTerm:
    found = (
        TaxonomyTerm.objects.select_related("taxonomy")
        .filter(pk=_uuid_or_404(term_id, "taxonomy term"))
        .first()
    )
    if found is None:
        raise Http404("No taxonomy term has that id")
    return found
