"""Shared test set-up: the real geography is loaded once per run into the test database.

Loading the real files (every LSOA in England, the WN and SR postcodes, ward names) through the real importers
takes a few seconds and means every test runs on the same places a council would.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from civichub.core import services
from civichub.core.actors import Actor
from civichub.core.models import Council, Membership, Organisation, Role, User
from civichub.places import services as places

SYSTEM = Actor.system("tests")
DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On PostgreSQL, run only the tests that touch the database.

    `make test` runs the suite twice, once per database, to prove our queries on both. A test that never
    opens a connection (the linkage engine on DuckDB, Spark, the calendar, parsers) would prove the same
    thing twice at the cost of minutes, so the second run leaves it out. Tests declare the database the
    way pytest-django asks them to (a `db` fixture or a `django_db` mark); one that forgot could not
    reach the database in either run. Tests that reach the database server by their own means (backup
    and restore, the dispatcher killed mid-delivery) carry the `database_server` mark.
    """
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return
    keep, leave = [], []
    for item in items:
        uses_database = (
            item.get_closest_marker("django_db") or item.get_closest_marker("database_server")
        ) or DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
        (keep if uses_database else leave).append(item)
    if leave:
        config.hook.pytest_deselected(items=leave)
        items[:] = keep


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock():
        places.import_geography(SYSTEM, ["WN", "SR"])
        for gss in ("E08000010", "E08000024"):
            services.add_council(SYSTEM, gss)


@pytest.fixture
def wigan(db: None) -> Council:
    return Council.objects.get(gss_code="E08000010")


@pytest.fixture
def sunderland(db: None) -> Council:
    return Council.objects.get(gss_code="E08000024")


MakeUser = Callable[..., User]


@pytest.fixture
def make_user(db: None) -> MakeUser:
    """make_user(role, council, organisation=None, ward_code='') -> a user holding that role."""
    counter = {"n": 0}

    def make(role: Role, council: Council | None = None, **membership: object) -> User:
        counter["n"] += 1
        user = User.objects.create_user(
            username=f"{role.value}-{counter['n']}",
            password="a-long-test-password",
            first_name="Test",
            last_name=role.label,
            email=f"{role.value}{counter['n']}@example.org",
        )
        if role == Role.PROVIDER_STAFF and "organisation" not in membership:
            membership["organisation"] = Organisation.objects.create(name="Test Care Ltd", kind="company")
        Membership.objects.create(user=user, role=role, council=council, **membership)
        return user

    return make


@pytest.fixture
def client_as(db: None) -> Callable[[User], Client]:
    def signed_in(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return signed_in
