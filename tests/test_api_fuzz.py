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
from tests.demo_platform import demo_platform
from tests.fuzz_seed import WEBHOOK_HOST

# Under pytest-xdist the fuzzing stays on one worker, with its one seeded server.
pytestmark = [pytest.mark.fuzz, pytest.mark.xdist_group("fuzz")]

# Per operation: enough to reach past validation into the services, few enough that both specs run in
# about two minutes on two busy cores.
EXAMPLES_PER_OPERATION = 25
ORUK_SPEC = Path(settings.SHARED_DIR) / "standards" / "oruk" / "openapi30.json"
ORUK_SCHEMA_DIR = ORUK_SPEC.parent / "schema"
ORUK_PUBLISHED = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/"

# gunicorn answers a request line or headers past its limits itself, before the platform sees them.
GUNICORN_LIMITS = {414, 431}

# Operations known to fail for a cause outside this change, each with that cause. Remove an entry when
# its fix lands: the test fails while an entry is here and its operation passes, so none goes stale.
KNOWN_FAILURES: dict[str, str] = {}


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
    env = demo_platform(tmp_path_factory, "fuzz")
    seeded = subprocess.run(
        [sys.executable, "-c", "from tests.fuzz_seed import seed; seed()"],
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
    # Fetched here with a generous deadline rather than by schemathesis, whose default gives up after
    # 10 s: building the schema of every route is slow on a loaded machine, and that is not a finding.
    spec = requests.get(f"{server.url}/api/v1/openapi.json", headers=server.headers, timeout=600)
    spec.raise_for_status()
    schema = schemathesis.openapi.from_dict(spec.json())
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
