from __future__ import annotations

from typing import Any

import pytest

from civichub.core.actors import Actor
from civichub.core.models import Council, Role, User
from civichub.people import samples
from civichub.places import selectors as places


@pytest.fixture(autouse=True)
def storage(tmp_path, settings) -> Any:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "storage")},
        },
    }


@pytest.fixture
def analyst(make_user, wigan: Council) -> User:
    return make_user(Role.ANALYST, wigan)


@pytest.fixture
def actor(analyst: User, wigan: Council) -> Actor:
    return Actor(user=analyst, council=wigan)


@pytest.fixture
def postcodes(wigan: Council) -> list[str]:
    # Spread over the borough (every 97th postcode), so people fall in many wards, most of them few.
    every = list(places.live_postcodes_in(wigan.gss_code).values_list("postcode", flat=True))
    return every[::97][:40]


@pytest.fixture
def sample(postcodes: list[str]) -> tuple[list[dict[str, str]], dict[str, int]]:
    return samples.people_records(postcodes, people=30)
