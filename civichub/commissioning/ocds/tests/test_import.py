"""The ocds_releases import: an exported package, imported into another council, round-trips; a
re-import changes nothing; bad releases are named by index and JSON path and nothing is imported."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civichub.commissioning.models import Commission, Contract, ContractVersion, Procurement, Stage
from civichub.commissioning.ocds.importing import check
from civichub.commissioning.ocds.tests import lifecycle
from civichub.core.actors import Actor
from civichub.core.importing import ErrorCollector, ImportRejected
from civichub.core.importing.runner import run_now
from civichub.core.models import Organisation, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def exported(client, wigan) -> dict[str, Any]:
    w = lifecycle.world(wigan)
    lifecycle.to_end(w, lifecycle.to_contract(w, "WGN-1"))
    lifecycle.to_contract(w, "WGN-2")
    lifecycle.direct_award(w, "WGN-3")  # awarded, in its standstill: no contract yet
    response = client.get(f"/api/v1/c/{wigan.slug}/ocds/releases/download")
    return json.loads(b"".join(response.streaming_content))


def _import(council: Any, user: Any, package: dict[str, Any], key: str = "") -> Any:
    content = json.dumps(package).encode()
    run, _ = run_now(
        Actor(user=user, council=council),
        council,
        "ocds_releases",
        file_name="p.json",
        content=content,
        idempotency_key=key,
    )
    return run


def _register(council: Any) -> list[tuple[Any, ...]]:
    return sorted(
        (
            c.reference,
            c.ocid,
            c.title,
            c.value,
            c.start_date,
            c.end_date,
            c.status,
            sorted(i.org_id for i in c.provider.identifiers.all()),
        )
        for c in Contract.objects.for_council(council).select_related("provider")
    )


def test_an_exported_package_round_trips_into_another_council(exported, wigan, sunderland, make_user) -> None:
    commissioner = make_user(Role.COMMISSIONER, sunderland)
    organisations = Organisation.objects.count()
    run = _import(sunderland, commissioner, exported)
    assert run.created == 2
    theirs, ours = _register(wigan), _register(sunderland)
    assert ours == theirs  # the same contracts, values, dates, status and suppliers (by org-id)
    assert Organisation.objects.count() == organisations  # the suppliers were found by their org-ids
    imported = Contract.objects.for_council(sunderland).get(reference="WGN-1")
    assert imported.origin == Contract.Origin.IMPORTED
    assert imported.commission.commissioner_organisation == wigan.organisation
    assert Commission.objects.for_council(sunderland).count() == 2


def test_a_re_import_changes_nothing(exported, sunderland, make_user) -> None:
    commissioner = make_user(Role.COMMISSIONER, sunderland)
    _import(sunderland, commissioner, exported)
    before = _register(sunderland)
    again = _import(sunderland, commissioner, exported, key="second time")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert _register(sunderland) == before
    assert Commission.objects.for_council(sunderland).count() == 2


def test_imported_contracts_have_a_procurement_shell_of_the_platforms_own(
    exported, wigan, sunderland, make_user
) -> None:
    """Each imported process gets a procurement at the contract stage with an ocid naming the importing
    council (an ocid is unique on the whole platform), found again by its source ocid on re-import; its
    contracts keep the source ocid and have their first version, like any contract made here."""
    commissioner = make_user(Role.COMMISSIONER, sunderland)
    _import(sunderland, commissioner, exported)
    imported = Contract.objects.for_council(sunderland).select_related("procurement").get(reference="WGN-1")
    source = Contract.objects.for_council(wigan).get(reference="WGN-1")
    shell = imported.procurement
    assert shell is not None and shell.council == sunderland and shell.stage == Stage.CONTRACT
    assert imported.ocid == source.ocid == shell.reference  # the source ocid, kept
    assert shell.ocid != source.ocid and sunderland.gss_code in shell.ocid
    assert ContractVersion.objects.for_council(sunderland).filter(contract=imported, number=1).exists()
    shells = Procurement.objects.for_council(sunderland).count()
    assert shells == 2
    _import(sunderland, commissioner, exported, key="second time")
    assert Procurement.objects.for_council(sunderland).count() == shells


def test_a_contracts_finder_style_package_with_awards_only(sunderland, make_user) -> None:
    """Contracts Finder publishes awards with suppliers and contract periods, and no contracts."""
    commissioner = make_user(Role.COMMISSIONER, sunderland)
    package = {
        "uri": "https://www.contractsfinder.service.gov.uk/Published/Notices/OCDS/Search",
        "version": "1.1",
        "releases": [
            {
                "ocid": "ocds-b5fd17-0000aaaa",
                "id": "ocds-b5fd17-0000aaaa-1",
                "date": "2025-05-01T09:00:00Z",
                "tag": ["award"],
                "initiationType": "tender",
                "buyer": {"id": "GB-LAE-SND", "name": "Sunderland City Council"},
                "parties": [
                    {
                        "id": "GB-LAE-SND",
                        "name": "Sunderland City Council",
                        "roles": ["buyer"],
                        "identifier": {"scheme": "GB-LAE", "id": "SND"},
                    },
                    {
                        "id": "GB-CHC-1099999",
                        "name": "Wearside Carers Trust",
                        "roles": ["supplier"],
                        "identifier": {"scheme": "GB-CHC", "id": "1099999"},
                        "address": {"postalCode": "SR1 1AA"},
                    },
                    {
                        "id": "GB-SRS-123",
                        "name": "Small Steps CIC",
                        "roles": ["supplier"],
                        "identifier": {"scheme": "GB-SRS", "id": "123"},
                    },
                ],
                "tender": {"id": "T1", "title": "Carers' support"},
                "awards": [
                    {
                        "id": "A1",
                        "status": "active",
                        "value": {"amount": 120000, "currency": "GBP"},
                        "suppliers": [{"id": "GB-CHC-1099999", "name": "Wearside Carers Trust"}],
                        "contractPeriod": {
                            "startDate": "2025-06-01T00:00:00Z",
                            "endDate": "2027-05-31T23:59:59Z",
                        },
                    },
                    {
                        "id": "A2",
                        "status": "active",
                        "value": {"amount": 8000.5, "currency": "GBP"},
                        "suppliers": [{"id": "GB-SRS-123", "name": "Small Steps CIC"}],
                        "date": "2025-05-01T09:00:00Z",
                    },
                ],
            }
        ],
    }
    run = _import(sunderland, commissioner, package)
    assert run.created == 2
    carers = Contract.objects.for_council(sunderland).get(reference="A1")
    assert (carers.value, str(carers.start_date), str(carers.end_date)) == (
        120000,
        "2025-06-01",
        "2027-05-31",
    )
    assert [i.org_id for i in carers.provider.identifiers.all()] == ["GB-CHC-1099999"]
    assert carers.provider.kind == "charity"
    steps = Contract.objects.for_council(sunderland).get(reference="A2")
    assert steps.provider.name == "Small Steps CIC" and str(steps.value) == "8000.50"
    assert carers.ocid == steps.ocid == "ocds-b5fd17-0000aaaa"
    # Again, under another key: the organisation without an identifier we hold is not added twice.
    organisations = Organisation.objects.count()
    assert _import(sunderland, commissioner, package, key="again").unchanged == 2
    assert Organisation.objects.count() == organisations


def test_bad_releases_are_named_and_nothing_is_imported(exported, sunderland, make_user) -> None:
    commissioner = make_user(Role.COMMISSIONER, sunderland)
    bad = copy.deepcopy(exported)
    del bad["releases"][0]["id"]
    bad["releases"][1]["tag"] = ["tenderish"]
    award = next(i for i, r in enumerate(bad["releases"]) if r.get("awards"))
    bad["releases"][award]["awards"][0]["value"]["amount"] = "a lot"
    with pytest.raises(ImportRejected) as refused:
        _import(sunderland, commissioner, bad)
    fields = {(e.line, e.field) for e in refused.value.rows}
    assert (1, "releases[0].id") in fields
    assert (2, "releases[1].tag[0]") in fields
    assert (award + 1, f"releases[{award}].awards[0].value.amount") in fields
    assert not Contract.objects.for_council(sunderland).exists()
    assert not Commission.objects.for_council(sunderland).exists()


def test_the_command_line_runs_the_import(exported, sunderland, tmp_path: Path, capsys) -> None:
    path = tmp_path / "package.json"
    path.write_text(json.dumps(exported))
    call_command("imports", "run", "ocds_releases", sunderland.slug, str(path), "--no-progress")
    assert Contract.objects.for_council(sunderland).count() == 2


@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_fuzzed_releases_are_refused_by_path_or_checked(exported, data) -> None:
    """Any value anywhere in a release: every problem is named by its release's index and a path, and
    nothing raises."""
    package = copy.deepcopy(exported)
    index = data.draw(st.integers(0, len(package["releases"]) - 1))
    node: Any = package["releases"][index]
    path = f"releases[{index}]"
    while True:
        keys = (
            list(node) if isinstance(node, dict) else list(range(len(node))) if isinstance(node, list) else []
        )
        if not keys:
            break
        key = data.draw(st.sampled_from(keys))
        if not isinstance(node[key], dict | list) or data.draw(st.booleans()):
            node[key] = data.draw(
                st.one_of(
                    st.none(),
                    st.booleans(),
                    st.integers(),
                    st.floats(),
                    st.text(max_size=5),
                    st.just([]),
                    st.just({}),
                )
            )
            break
        node, path = node[key], path + (f"[{key}]" if isinstance(key, int) else f".{key}")
    errors = ErrorCollector("p.json", unit="record")
    rows = list(enumerate(package["releases"], start=1))
    check(None, rows, errors)
    for error in errors.errors:
        assert error.field and error.field.startswith("releases["), error
        assert error.line is not None and error.field.startswith(f"releases[{error.line - 1}]"), error
