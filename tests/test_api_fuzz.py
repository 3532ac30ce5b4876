"""Schemathesis against the real server: every operation of our own /api/v1 OpenAPI, and every operation of
the official ORUK OpenAPI against /openreferral, with no server error and no answer that breaks the schema.

The server is gunicorn (civichub.serving) on its own SQLite file holding the demo: the real geography of
Wigan and Sunderland and their synthetic providers and services, plus one of each thing the demo does not
make (a webhook endpoint with deliveries, an import, a resident's report). The caller is Wigan's
commissioner with a personal API token. Path parameters are the real slug and ids where the path is not
what is under test, so operations are exercised past their 404s, and generated otherwise.

Each operation gets schemathesis's coverage cases (every parameter at and past its bounds, every wrong
type, missing and duplicated parameters, wrong methods and content types), a number too big for the
database in each unbounded numeric parameter, and then generated requests, valid and invalid. The run is
bounded and reproducible: a fixed number of generated examples per operation, derandomised (the same
examples every run), no example database and no shrinking. A failure names the operation, the request
(as a curl command) and each problem.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests
import schemathesis
from django.conf import settings
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.failures import FailureGroup

from civichub.serving import gunicorn

pytestmark = pytest.mark.fuzz

# Per operation: enough to reach past validation into the services, few enough that both specs run in
# about two minutes on two busy cores.
EXAMPLES_PER_OPERATION = 25
ORUK_SPEC = Path(settings.SHARED_DIR) / "standards" / "oruk" / "openapi30.json"
ORUK_SCHEMA_DIR = ORUK_SPEC.parent / "schema"
ORUK_PUBLISHED = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/"
# Nothing is delivered in this test (the fuzz server runs no dispatcher), but registering an endpoint
# resolves its host: fuzzed URLs get this public address in place of their host, so no name is looked up.
WEBHOOK_HOST = "192.0.32.10"

# gunicorn answers a request line or headers past its limits itself, before the platform sees them.
GUNICORN_LIMITS = {414, 431}

# Operations known to fail for a cause outside this change, each with that cause. Remove an entry when
# its fix lands: the test fails while an entry is here and its operation passes, so none goes stale.
KNOWN_FAILURES: dict[str, str] = {}


def seed() -> None:
    """In a subprocess on the server's database: Wigan's commissioner's API tokens, one of each thing the
    demo does not make, and the real ids to use as path parameters, printed as JSON."""
    import django

    django.setup()
    from civichub.commissioning.models import Budget, Lot
    from civichub.commissioning.services import contracts, evaluation
    from civichub.commissioning.services import procurement as procuring
    from civichub.core import services
    from civichub.core.actors import Actor
    from civichub.core.importing.runner import start_import
    from civichub.core.models import Council, CouncilProvider, User
    from civichub.directory import reports
    from civichub.directory.models import (
        ChangeRequest,
        ReportCategory,
        Responsibility,
        Service,
        ServiceAtLocation,
        Taxonomy,
        TaxonomyTerm,
    )
    from civichub.funding.models import Opportunity
    from civichub.integration import dispatcher
    from civichub.integration import services as integration
    from civichub.integration.models import WebhookDelivery
    from civichub.market.models import CostExercise, MarketStatement, Offer
    from civichub.places.models import Lsoa, Postcode, Ward
    from civichub.records.models import (
        Decision,
        DisposalRun,
        Document,
        ForwardPlanEntry,
        InformationRequest,
        LegalHold,
    )

    wigan = Council.objects.get(slug="wigan")
    commissioner = User.objects.get(username="wigan.commissioner")
    actor = Actor(user=commissioner, council=wigan)
    _, token = services.create_api_token(actor, "schemathesis")
    spare, _ = services.create_api_token(actor, "schemathesis may revoke this one")
    endpoint = integration.register_endpoint(
        actor, wigan, url=f"https://{WEBHOOK_HOST}/civichub", event_types=[], description="fuzz"
    )
    report = reports.submit(
        str(ReportCategory.objects.order_by("name").first().pk),  # type: ignore[union-attr]
        "WN5 0AA",
        "A deep pothole outside number 12",
    )
    services.create_api_token(Actor(user=commissioner), "an event after the endpoint")
    dispatcher.fan_out()
    run, _ = start_import(
        actor,
        wigan,
        "providers",
        file_name="providers.csv",
        content=b"name,kind,services,since\nWigan Fuzz Care Ltd,company,Home care,2024-01-02\n",
    )
    # The same rows every run (the demo's ids are random, its names are not), and rows with the most to
    # show: published services with taxonomy terms, so their ORUK documents have attributes. The API's
    # fuzzing may change its service and the one of its change request, so ORUK's is another.
    provider = CouncilProvider.objects.for_council(wigan).order_by("organisation__name").first()
    change = ChangeRequest.objects.for_council(wigan).order_by("created_at").first()
    shown = (
        Service.objects.for_council(wigan)
        .filter(is_published=True, taxonomy_terms__isnull=False)
        .exclude(pk=change.service_id)  # type: ignore[union-attr]
        .distinct()
        .order_by("name", "description")
    )
    service, oruk_service = shown[0], shown[1]
    service_at_location = ServiceAtLocation.objects.for_council(wigan).filter(service=oruk_service).first()
    postcode = Postcode.objects.filter(postcode__startswith="WN").order_by("postcode").first()
    # Commissioning: a commission, a call-off from a framework and its contract with an outcome (the demo's
    # own procurements are at every stage; these are the same every run).
    commission = procuring.create_commission(actor, wigan, {"title": "Fuzz care", "purpose": "Living well"})
    procurement = procuring.start_procurement(
        actor,
        commission,
        {
            "reference": "FUZZ-1",
            "title": "Care",
            "procedure": "framework_call_off",
            "framework_reference": "F",
        },
    )
    evaluation.call_off(actor, procurement, provider.organisation_id, "1000")  # type: ignore[union-attr]
    lot = Lot.objects.for_council(wigan).get(procurement=procurement)
    contract = contracts.make_contract(
        actor, procurement, lot.pk, {"start_date": "2026-01-01", "end_date": "2027-12-31"}
    )
    outcome = contracts.add_outcome(
        actor, contract, {"measure": "x", "baseline": "1", "target": "2", "unit": "%"}
    )
    ids = {
        "token": token,
        "council_slug": "wigan",
        "organisation_id": str(provider.organisation_id),  # type: ignore[union-attr]
        "provider_id": str(provider.pk),  # type: ignore[union-attr]
        "token_id": str(spare.pk),
        "postcode": postcode.postcode.replace(" ", ""),  # type: ignore[union-attr]
        "lsoa_code": Lsoa.objects.filter(local_authority_id=wigan.gss_code).order_by("code")[0].code,
        "ward_code": Ward.objects.filter(local_authority_id=wigan.gss_code).order_by("gss_code")[0].gss_code,
        "endpoint_id": str(endpoint.pk),
        "delivery_id": str(WebhookDelivery.objects.for_council(wigan).filter(endpoint=endpoint).first().pk),  # type: ignore[union-attr]
        "run_id": str(run.pk),
        "reference": report.reference,
        "service_id": str(service.pk),
        "change_id": str(change.pk),  # type: ignore[union-attr]
        "responsibility_id": str(
            Responsibility.objects.for_council(wigan).order_by("category__name").first().pk  # type: ignore[union-attr]
        ),
        # The market: the demo's offers, Wigan's home care exercise and its published statement.
        "category": "home-care-18",
        "offer_id": str(
            Offer.objects.filter(areas__local_authority_code=wigan.gss_code)
            .order_by("organisation__name")
            .first()
            .pk  # type: ignore[union-attr]
        ),
        "exercise_id": str(CostExercise.objects.for_council(wigan).order_by("created_at").first().pk),  # type: ignore[union-attr]
        "statement_id": str(MarketStatement.objects.for_council(wigan).order_by("version").first().pk),  # type: ignore[union-attr]
        # Funding: one of the demo's opportunities the council sees.
        "opportunity_id": str(
            Opportunity.objects.for_council_and_platform(wigan).order_by("programme").first().pk
        ),  # type: ignore[union-attr]
        # The demo's records: a document with content, a published decision, a forward plan entry, a hold,
        # the completed disposal run and an FOI request.
        "document_id": str(
            Document.objects.for_council(wigan)
            .filter(kind="document", disposed_at__isnull=True)
            .order_by("title")
            .first()
            .pk  # type: ignore[union-attr]
        ),
        "number": 1,
        "decision_id": str(Decision.objects.for_council(wigan).order_by("reference").first().pk),  # type: ignore[union-attr]
        "entry_id": str(ForwardPlanEntry.objects.for_council(wigan).order_by("reference").first().pk),  # type: ignore[union-attr]
        "hold_id": str(LegalHold.objects.for_council(wigan).order_by("title").first().pk),  # type: ignore[union-attr]
        "disposal_id": str(DisposalRun.objects.for_council(wigan).order_by("reference").first().pk),  # type: ignore[union-attr]
        "request_id": str(InformationRequest.objects.for_council(wigan).order_by("reference").first().pk),  # type: ignore[union-attr]
        # The money (the demo's commissioning): a budget line.
        "budget_id": str(
            Budget.objects.for_council(wigan).filter(kind="council").order_by("name").first().pk
        ),  # type: ignore[union-attr]
        "commission_id": str(commission.pk),
        "procurement_id": str(procurement.pk),
        "contract_id": str(contract.pk),
        "outcome_id": str(outcome.pk),
        "oruk": {
            "services": str(oruk_service.pk),
            "service_at_locations": str(service_at_location.pk),  # type: ignore[union-attr]
            "taxonomies": str(Taxonomy.objects.order_by("name").first().pk),  # type: ignore[union-attr]
            "taxonomy_terms": str(TaxonomyTerm.objects.order_by("name", "code").first().pk),  # type: ignore[union-attr]
        },
    }
    print(json.dumps(ids))


@dataclass(frozen=True)
class FuzzServer:
    url: str
    ids: dict[str, Any]

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.ids['token']}"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FuzzServer]:
    """The platform as `make demo` runs it, on its own SQLite file and a free port, with the demo loaded."""
    var = tmp_path_factory.mktemp("var")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "civichub.settings",
        "CIVICHUB_VAR_DIR": str(var),
        "CIVICHUB_DATABASE_URL": f"sqlite:///{var / 'fuzz.sqlite3'}",
    }
    env.pop("CIVICHUB_DEBUG", None)
    cli = [sys.executable, "-m", "civichub.cli"]
    for args in (["migrate", "-v0"], ["demo", "--no-progress"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([*cli, *args], env=env, check=True, capture_output=True)
    seeded = subprocess.run(
        [sys.executable, "-c", "from tests.test_api_fuzz import seed; seed()"],
        env=env,
        cwd=settings.BASE_DIR,
        check=True,
        capture_output=True,
        text=True,
    )
    ids = json.loads(seeded.stdout.strip().splitlines()[-1])
    with gunicorn(env) as url:
        yield FuzzServer(url, ids)


# ---- the fuzzing ---------------------------------------------------------------------------------------


@dataclass
class Findings:
    """What went wrong, per operation: each distinct problem once, with the request that showed it."""

    examples: int = 0
    operations: list[str] = field(default_factory=list)
    problems: dict[str, dict[str, str]] = field(default_factory=dict)

    def add(self, operation: str, key: str, text: str) -> None:
        self.problems.setdefault(operation, {}).setdefault(key, text)

    def report(self, known: dict[str, str]) -> str:
        lines = []
        for operation, problems in sorted(self.problems.items()):
            if operation in known:
                continue
            lines.append(f"=== {operation}: {len(problems)} distinct problem(s)")
            lines.extend(problems.values())
        fixed = sorted((set(known) & set(self.operations)) - set(self.problems))
        if fixed:
            lines.append(f"=== Passing now, so remove from KNOWN_FAILURES: {', '.join(fixed)}")
        return "\n".join(lines)


Check = Callable[..., Any]


def fuzz(
    schema: Any,
    *,
    base_url: str,
    headers: dict[str, str],
    real_path_parameters: Callable[[Any], dict[str, str]],
    checks: list[Check],
) -> Findings:
    """Send every operation of `schema` its coverage cases (each parameter at and past its bounds, each
    wrong type) and then generated requests, valid and invalid, with generated and real path parameters;
    collect each distinct failure of `checks`."""
    findings = Findings()
    session = requests.Session()
    modes = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]

    def send(label: str, case: Any) -> None:
        findings.examples += 1
        # On the case rather than the call, so the curl of a failure shows the request was authorised.
        case.headers = {**(case.headers or {}), **headers}
        try:
            response = case.call(base_url=base_url, session=session)
        except requests.RequestException as exc:
            findings.add(label, type(exc).__name__, f"--- {case.as_curl_command()}\n    {exc!r}")
            return
        if response.status_code in GUNICORN_LIMITS:
            return
        try:
            case.validate_response(response, checks=checks)
        except FailureGroup as group:
            for failure in group.exceptions:
                findings.add(label, f"{failure.title}|{failure.code}", _describe(case, failure, base_url))

    for result in schema.get_all_operations():
        operation = result.ok()
        label = operation.label
        findings.operations.append(label)
        real = real_path_parameters(operation)

        generation = schema.config.generation_for(operation=operation)
        for case in schema.iter_coverage_cases(
            operation, generation_modes=modes, generation_config=generation
        ):
            if real and case.meta.phase.data.parameter_location != "path":
                case.path_parameters = {**case.path_parameters, **real}
            send(label, case)

        for case in _past_any_machine_number(operation, real):
            send(label, case)

        strategies = [operation.as_strategy(mode) for mode in modes]
        if real:
            strategies += [operation.as_strategy(mode, path_parameters=real) for mode in modes]

        _generate(st.one_of(strategies), functools.partial(send, label))
    return findings


def _generate(strategy: Any, send: Callable[[Any], None]) -> None:
    """Send the examples of `strategy`: the same ones every run, none saved between runs, none shrunk."""

    @hypothesis_settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def generated(case: Any) -> None:
        send(case)

    generated()


def _past_any_machine_number(operation: Any, real: dict[str, str]) -> Iterator[Any]:
    """A number too big for the database in each unbounded numeric query parameter: the coverage cases
    go past a declared maximum, but where none is declared only luck would find the overflow."""
    for parameter in operation.query:
        schema = parameter.definition.get("schema", {})
        if schema.get("type") in ("integer", "number") and "maximum" not in schema:
            huge = "1" + "0" * 20 if schema["type"] == "integer" else "1e400"
            yield operation.Case(path_parameters=real or None, query={parameter.name: huge})


def _describe(case: Any, failure: Any, base_url: str) -> str:
    message = str(failure.message).strip().replace("\n", "\n    ")
    return f"--- {failure.title}\n    {case.as_curl_command(base_url=base_url)}\n    {message}"


def _no_new_failures(findings: Findings, minimum_operations: int) -> None:
    assert len(findings.operations) >= minimum_operations, findings.operations
    report = findings.report(KNOWN_FAILURES)
    print(f"{len(findings.operations)} operations, {findings.examples} examples")
    assert not report, "\n" + report


# ---- our own API --------------------------------------------------------------------------------------


def _api_path_parameters(server: FuzzServer) -> Callable[[Any], dict[str, str]]:
    def real(operation: Any) -> dict[str, str]:
        values = dict(server.ids)
        values["code"] = values["lsoa_code"] if "/lsoas/" in operation.path else values["ward_code"]
        names = [p.name for p in operation.path_parameters]
        return {name: values[name] for name in names if name in values}

    return real


def map_body(context: Any, body: Any) -> Any:
    """Registering a webhook endpoint resolves its host: give fuzzed URLs a literal address instead."""
    if (
        context.operation.path.endswith("/webhooks")
        and isinstance(body, dict)
        and isinstance(body.get("url"), str)
    ):
        try:
            parts = urlsplit(body["url"])
            if parts.hostname:
                body = {**body, "url": urlunsplit(parts._replace(netloc=WEBHOOK_HOST))}
        except ValueError:
            pass
    return body


def test_every_operation_of_our_api_answers_within_its_schema(server: FuzzServer) -> None:
    schema = schemathesis.openapi.from_url(f"{server.url}/api/v1/openapi.json")
    schema.hook(map_body)
    findings = fuzz(
        schema,
        base_url=server.url,
        headers=server.headers,
        real_path_parameters=_api_path_parameters(server),
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
    _no_new_failures(findings, minimum_operations=40)


# ---- the official ORUK API ----------------------------------------------------------------------------


def oruk_schema() -> Any:
    """The official ORUK OpenAPI with its published $refs pointed at the same files in ../shared."""
    text = ORUK_SPEC.read_text().replace(ORUK_PUBLISHED, ORUK_SCHEMA_DIR.as_uri() + "/")
    assert '"$ref":"http' not in text.replace(" ", ""), "a $ref would be fetched"
    spec = json.loads(text)
    # The standard types start_time and end_time as "time", which is no JSON Schema type: what it means
    # is a string in time format.
    for parameter in spec["components"]["parameters"].values():
        if parameter["schema"].get("type") == "time":
            parameter["schema"] = {"type": "string", "format": "time"}
    # The standard's /service_at_locations/{id} documents compiled/service.json, though its description
    # and operationId (getServiceAtLocationWithNestedDataById) say a service at a location. We answer a
    # service at a location (README: "Known deviations"), so check the answer against that schema.
    answer = spec["paths"]["/service_at_locations/{id}"]["get"]["responses"]["200"]["content"]
    answer["application/json"]["schema"]["$ref"] = (
        ORUK_SCHEMA_DIR / "compiled" / "service_at_location.json"
    ).as_uri()
    return schemathesis.openapi.from_dict(spec)


def oruk_status_code_conformance(ctx: Any, response: Any, case: Any) -> bool | None:
    """The ORUK OpenAPI documents only its 200s, so an unknown id (404) or a query the server cannot
    answer (400) is allowed; any other status must be documented."""
    if 400 <= response.status_code < 500:
        return None
    return status_code_conformance(ctx, response, case)


def _oruk_path_parameters(server: FuzzServer) -> Callable[[Any], dict[str, str]]:
    def real(operation: Any) -> dict[str, str]:
        collection = operation.path.strip("/").split("/")[0]
        return {"id": server.ids["oruk"][collection]} if "{id}" in operation.path else {}

    return real


def test_every_operation_of_the_oruk_api_answers_within_the_standard(server: FuzzServer) -> None:
    findings = fuzz(
        oruk_schema(),
        base_url=f"{server.url}/openreferral",
        headers={},
        real_path_parameters=_oruk_path_parameters(server),
        checks=[
            not_a_server_error,
            oruk_status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
    _no_new_failures(findings, minimum_operations=9)
