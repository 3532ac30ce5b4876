"""A small directory of three services in two councils, shared by the directory's tests."""

from __future__ import annotations

from datetime import date, time

import pytest

from civichub.core import services as core
from civichub.core.actors import Actor
from civichub.core.models import Organisation, OrganisationIdentifier, Role
from civichub.demo import directory as demo
from civichub.directory.details import ServiceDetails
from civichub.directory.services import add_service
from civichub.places.models import Postcode


@pytest.fixture
def directory(wigan, sunderland):
    actor = Actor.system("directory tests")
    terms = demo.taxonomy()
    org = Organisation.objects.create(name="Pemberton Care Ltd", kind="company")
    OrganisationIdentifier.objects.create(organisation=org, scheme="GB-COH", identifier="01234567")
    wn = Postcode.objects.get(compact="WN11AA")
    far = Postcode.objects.get(compact="SR11AA")
    made = {
        "youth": add_service(
            actor,
            wigan,
            org,
            ServiceDetails(
                "Youth club",
                "Games and advice for teenagers",
                minimum_age=11,
                maximum_age=18,
                terms=[terms[3]],
                schedules=[("MO,WE", time(17), time(20))],
                locations=[("Town Hall", "Library Street", wn)],
                ward_codes=["E05000861"],
                contacts=[("Sam Jones", "Youth worker", "sam@example.org")],
                commissioned_under="Youth services contract 2024",
            ),
        ),
        "lunch": add_service(
            actor,
            wigan,
            org,
            ServiceDetails(
                "Lunch club",
                "A hot meal and company for older people",
                minimum_age=60,
                terms=[terms[7]],
                schedules=[("TU,TH", time(11), time(14))],
                locations=[("Church Hall", "Market Place", wn)],
            ),
        ),
        "advice": add_service(
            actor,
            sunderland,
            org,
            ServiceDetails(
                "Debt advice",
                "Free, confidential debt advice",
                terms=[terms[5]],
                schedules=[("MO,TU,WE,TH,FR", time(9), time(17))],
                locations=[("Advice Centre", "High Street", far)],
            ),
        ),
    }
    return made


@pytest.fixture
def people(directory, wigan, make_user):
    """A commissioner, staff of the provider that runs the directory fixture's Wigan services, and staff
    of another provider."""
    provider = directory["youth"].organisation
    core.add_provider(
        Actor.system("test"), wigan, provider, services_summary="Youth work", since=date(2020, 1, 1)
    )
    return {
        "commissioner": make_user(Role.COMMISSIONER, wigan),
        "staff": make_user(Role.PROVIDER_STAFF, wigan, organisation=provider),
        "stranger": make_user(Role.PROVIDER_STAFF, wigan),
        "provider": provider,
    }
