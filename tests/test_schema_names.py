"""django-ninja names each schema of the OpenAPI document by its class name alone, so two contexts' schemas
of the same name become one component and one context's answers are checked against the other's shape
(the fuzz test found a contract's versions read as a record's). Names must be unique across the API."""

from __future__ import annotations

from collections import defaultdict

from ninja import Schema

from civichub.api import api


def _subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= _subclasses(sub)
    return found


def test_every_schema_of_the_api_has_its_own_name() -> None:
    api.get_openapi_schema()  # imports every router's schemas
    modules: dict[str, set[str]] = defaultdict(set)
    for schema in _subclasses(Schema):
        if schema.__module__.startswith("civichub."):
            modules[schema.__name__].add(schema.__module__)
    assert {name: where for name, where in modules.items() if len(where) > 1} == {}
