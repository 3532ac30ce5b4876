from __future__ import annotations

from typing import Any

import pytest

from civichub.core.actors import Actor
from civichub.core.models import Council, Role, User
from civichub.records import samples
from civichub.records.services import documents, retention


@pytest.fixture(autouse=True)
def storage(tmp_path, settings) -> Any:
    """Each test keeps its files in its own folder, so what a test stores (or destroys) is its own."""
    # Django's test signals reset default_storage when STORAGES changes.
    location = tmp_path / "storage"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location)},
        },
    }
    return location


@pytest.fixture
def records_manager(make_user, wigan: Council) -> User:
    return make_user(Role.RECORDS_MANAGER, wigan)


@pytest.fixture
def commissioner(make_user, wigan: Council) -> User:
    return make_user(Role.COMMISSIONER, wigan)


@pytest.fixture
def manager(records_manager: User, wigan: Council) -> Actor:
    return Actor(user=records_manager, council=wigan)


@pytest.fixture
def schedule(manager: Actor, wigan: Council) -> None:
    retention.seed_schedule(manager, wigan)


@pytest.fixture
def add(manager: Actor, wigan: Council, schedule: None) -> Any:
    """add(title, text, **fields): a PDF document in Wigan's records, added by its records manager."""

    def make(title: str, text: str = "", **fields: Any) -> Any:
        return documents.add_document(
            manager,
            wigan,
            title=title,
            record_class=fields.pop("record_class", "CORR"),
            file_name=fields.pop("file_name", "letter.pdf"),
            content=fields.pop("content") if "content" in fields else samples.pdf(text or title),
            **fields,
        )

    return make
