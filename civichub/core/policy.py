"""Who may do what: the one place permissions are decided.

Services call `require()` before they read or write, so a permission holds whichever door (page,
API, command) the request came through. Views may call `allows()` to decide what to show.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from civichub.core.models import Membership, Role

if TYPE_CHECKING:
    from civichub.core.actors import Actor
    from civichub.core.models import Council, User

OFFICERS = frozenset({Role.COMMISSIONER, Role.ANALYST, Role.RECORDS_MANAGER, Role.CASEWORKER})
EVERY_COUNCIL_ROLE = OFFICERS | {Role.COUNCILLOR, Role.PROVIDER_STAFF, Role.RESIDENT}

# permission -> the council roles that hold it. Platform administrators hold every permission.
PERMISSIONS: dict[str, frozenset[Role]] = {
    "council.view": frozenset(EVERY_COUNCIL_ROLE),
    "council.areas.view": OFFICERS | {Role.COUNCILLOR},
    "council.providers.view": OFFICERS | {Role.COUNCILLOR},
    "council.providers.manage": frozenset({Role.COMMISSIONER}),
    "council.people_with_access.view": frozenset({Role.COMMISSIONER, Role.RECORDS_MANAGER}),
    # Whether the council's officers must sign in with a second factor.
    "council.security.manage": frozenset({Role.COMMISSIONER}),
    # Publishing (and approving providers' proposals) is the council's; providers propose.
    "directory.services.publish": frozenset({Role.COMMISSIONER}),
    "directory.services.propose": frozenset({Role.COMMISSIONER, Role.PROVIDER_STAFF}),
    "directory.services.view": OFFICERS | {Role.PROVIDER_STAFF},
    "directory.reports.handle": OFFICERS | {Role.PROVIDER_STAFF},
    "integration.events.view": OFFICERS | {Role.PROVIDER_STAFF},
    "integration.webhooks.manage": frozenset({Role.COMMISSIONER, Role.PROVIDER_STAFF}),
    "integration.imports.run": frozenset({Role.COMMISSIONER}),
    # How long the council's events, delivery logs, jobs and imports are kept: the council's own choice.
    "council.retention.manage": frozenset({Role.COMMISSIONER}),
    # The market: officers read a council's markets and note what they make of a provider; only a
    # provider's own staff change its offers (the service checks whose); commissioners run cost exercises
    # and publish statements; providers see the aggregates of exercises, never another's return.
    "market.view": OFFICERS | {Role.COUNCILLOR, Role.PROVIDER_STAFF},
    "market.figures.view": OFFICERS | {Role.COUNCILLOR},
    "market.providers.register": frozenset({Role.COMMISSIONER}),
    "market.providers.assess": OFFICERS,
    "market.offers.edit": frozenset({Role.PROVIDER_STAFF}),
    "market.manage": frozenset({Role.COMMISSIONER}),
    "market.returns.submit": frozenset({Role.PROVIDER_STAFF}),
    "market.returns.view": OFFICERS,
    # Needs: officers and councillors read the taxonomy, indicators and profiles of places; analysts and
    # commissioners extend the taxonomy and import indicators.
    "needs.view": OFFICERS | {Role.COUNCILLOR},
    "needs.manage": frozenset({Role.COMMISSIONER, Role.ANALYST}),
    "needs.indicators.import": frozenset({Role.COMMISSIONER, Role.ANALYST}),
    # A person's assessed needs are personal data: caseworkers record them; they and commissioners read
    # them (each read audited); everyone else sees counts, small ones suppressed.
    "needs.people.record": frozenset({Role.CASEWORKER}),
    "needs.people.view": frozenset({Role.CASEWORKER, Role.COMMISSIONER}),
    "needs.counts.exact": OFFICERS,
    "needs.contacts.record": OFFICERS,
    # Funding: the catalogue is for everyone who might bid (providers and VCSE staff too); commissioners
    # and analysts add the council's own opportunities.
    "funding.view": EVERY_COUNCIL_ROLE - {Role.RESIDENT},
    "funding.manage": frozenset({Role.COMMISSIONER, Role.ANALYST}),
    # Bids: each pipeline is its organisation's. Officers keep the council's own (the service narrows
    # them to it); a VCSE organisation's staff keep theirs, and see no one else's.
    "funding.bids.view": OFFICERS | {Role.PROVIDER_STAFF},
    "funding.bids.manage": frozenset({Role.COMMISSIONER, Role.ANALYST, Role.PROVIDER_STAFF}),
    # Saved funding needs (whose matches are recorded) and the grants the council makes are the council's.
    "funding.needs.manage": frozenset({Role.COMMISSIONER, Role.ANALYST}),
    "funding.grants.manage": frozenset({Role.COMMISSIONER}),
    # Records: documents, decisions, retention and requests (civichub/records). OFFICIAL documents are
    # for the council's officers and councillors; OFFICIAL-SENSITIVE ones only for those who manage
    # records and commissioning, and every read of one is audited.
    "records.documents.view": OFFICERS | {Role.COUNCILLOR},
    "records.sensitive.view": frozenset({Role.RECORDS_MANAGER, Role.COMMISSIONER}),
    "records.documents.manage": frozenset({Role.RECORDS_MANAGER, Role.COMMISSIONER}),
    "records.decisions.manage": frozenset({Role.RECORDS_MANAGER, Role.COMMISSIONER}),
    # The retention schedule, legal holds and proposing disposal are the records manager's; approving a
    # disposal needs a second, different person who holds this (the records manager's or a commissioner).
    "records.retention.view": frozenset({Role.RECORDS_MANAGER, Role.COMMISSIONER}),
    "records.retention.manage": frozenset({Role.RECORDS_MANAGER}),
    "records.disposal.approve": frozenset({Role.RECORDS_MANAGER, Role.COMMISSIONER}),
    "records.requests.manage": frozenset({Role.RECORDS_MANAGER}),
    # Commissioning (civichub/commissioning): commissioners run commissions, procurements and contracts;
    # provider staff bid and report on their own contracts (the services check whose). Bids are sealed
    # by time as well as by permission: no permission opens a bid before its deadline.
    "commissioning.view": OFFICERS | {Role.COUNCILLOR, Role.PROVIDER_STAFF},
    "commissioning.manage": frozenset({Role.COMMISSIONER}),
    "commissioning.bids.submit": frozenset({Role.PROVIDER_STAFF}),
    "commissioning.bids.evaluate": frozenset({Role.COMMISSIONER}),
    "commissioning.contracts.report": frozenset({Role.COMMISSIONER, Role.PROVIDER_STAFF}),
    "commissioning.costs.view": frozenset({Role.COMMISSIONER}),
    # The money (civichub/commissioning/ledger.py): commissioners set budgets up and commit them; taking a
    # budget below zero needs this as well, and a reason, and is audited. A personal budget is spent by
    # its holder or an appointee and a ward budget by the ward's councillors: the services check who.
    "commissioning.budgets.manage": frozenset({Role.COMMISSIONER}),
    "commissioning.override_budget": frozenset({Role.COMMISSIONER}),
    "commissioning.dashboard.view": frozenset({Role.COMMISSIONER, Role.ANALYST, Role.COUNCILLOR}),
    # People (civichub/people): source records and golden records are personal data. Analysts and
    # commissioners load records, run linkage, review pairs and merge; caseworkers read a person's records
    # (each read audited with its purpose); the records manager produces subject access exports;
    # counts are for officers and councillors, small ones suppressed outside the officers.
    "people.view": OFFICERS | {Role.COUNCILLOR},
    "people.counts.exact": OFFICERS,
    "people.records.load": frozenset({Role.COMMISSIONER, Role.ANALYST}),
    "people.records.view": frozenset({Role.COMMISSIONER, Role.ANALYST, Role.CASEWORKER}),
    "people.linkage.run": frozenset({Role.COMMISSIONER, Role.ANALYST}),
    "people.review.decide": frozenset({Role.COMMISSIONER, Role.ANALYST}),
    "people.merge": frozenset({Role.COMMISSIONER, Role.ANALYST}),
    "people.sar.produce": frozenset({Role.RECORDS_MANAGER, Role.COMMISSIONER}),
    "people.agreements.manage": frozenset({Role.COMMISSIONER}),
    "platform.manage": frozenset(),
}


def roles_in(user: User, council: Council | None) -> set[Role]:
    """The roles a user holds in a council (platform administrator counts everywhere)."""
    if not user.is_authenticated or not user.is_active:
        return set()
    roles: set[Role] = set()
    for membership in Membership.objects.filter(user=user).only("role", "council_id"):
        if membership.role == Role.PLATFORM_ADMIN:
            roles.add(Role.PLATFORM_ADMIN)
        elif council is not None and membership.council_id == council.pk:
            roles.add(Role(membership.role))
    return roles


def allows(user: User, permission: str, council: Council | None = None) -> bool:
    if permission not in PERMISSIONS:
        raise KeyError(f"Unknown permission {permission!r}")
    roles = roles_in(user, council)
    return Role.PLATFORM_ADMIN in roles or bool(roles & PERMISSIONS[permission])


def require(actor: Actor, permission: str, council: Council | None = None) -> None:
    """Raise PermissionDenied unless the actor may do this. System jobs run with the platform's authority."""
    if actor.is_system:
        return
    assert actor.user is not None
    if not allows(actor.user, permission, council if council is not None else actor.council):
        raise PermissionDenied(f"You do not have permission for {permission}.")
