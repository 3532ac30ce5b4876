"""The parties of a release: every organisation it names, once, with its roles and org-id identifiers.

A party's id is its first org-id (`GB-LAE-WGN`, `GB-COH-01234567`), so the same organisation has the
same id in every release and every council's package; an organisation with no identifier on the
register is named by its platform id. A person never appears: a resident with a personal budget or a
councillor with a ward budget commissions through the council, which is the buyer of record.
"""

from __future__ import annotations

from typing import Any

PLATFORM_SCHEME = "CIVICHUB"  # for organisations the public registers do not (yet) know


def party_id(organisation: Any) -> str:
    identifiers = sorted(organisation.identifiers.all(), key=lambda i: (i.scheme != "GB-LAE", i.scheme))
    return identifiers[0].org_id if identifiers else f"{PLATFORM_SCHEME}-{organisation.pk}"


class Parties:
    def __init__(self, council: Any) -> None:
        self.council = council
        self._found: dict[str, dict[str, Any]] = {}

    def add(self, organisation: Any, role: str) -> dict[str, str]:
        key = party_id(organisation)
        party = self._found.get(key)
        if party is None:
            identifiers = sorted(
                organisation.identifiers.all(), key=lambda i: (i.scheme != "GB-LAE", i.scheme)
            )
            party = {"id": key, "name": organisation.name, "roles": []}
            if identifiers:
                first, *others = identifiers
                party["identifier"] = {
                    "scheme": first.scheme,
                    "id": first.identifier,
                    "legalName": organisation.name,
                }
                if others:
                    party["additionalIdentifiers"] = [
                        {"scheme": i.scheme, "id": i.identifier, "legalName": organisation.name}
                        for i in others
                    ]
            else:
                party["identifier"] = {"scheme": PLATFORM_SCHEME, "id": str(organisation.pk)}
            if organisation.postcode:
                party["address"] = {"postalCode": organisation.postcode, "countryName": "United Kingdom"}
            if organisation.website:
                party["contactPoint"] = {"url": organisation.website}
            self._found[key] = party
        if role not in party["roles"]:
            party["roles"].append(role)
        return {"id": key, "name": organisation.name}

    def buyer(self, commission: Any) -> dict[str, str]:
        """The commissioner organisation, or the council when a person commissions (never the person)."""
        organisation = getattr(commission, "commissioner_organisation", None) if commission else None
        if organisation is None:
            organisation = self.council.organisation
        reference = self.add(organisation, "buyer")
        if organisation.pk != self.council.organisation_id:
            # Another body commissioning on a council's platform: the council runs the procurement.
            self.add(self.council.organisation, "procuringEntity")
        else:
            self.add(organisation, "procuringEntity")
        return reference

    def supplier(self, organisation: Any) -> dict[str, str]:
        return self.add(organisation, "supplier")

    def as_list(self) -> list[dict[str, Any]]:
        return list(self._found.values())
