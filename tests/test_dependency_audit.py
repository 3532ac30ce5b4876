"""scripts/audit-dependencies (run by `make lint`) fails on a real finding, skips loudly when the advisory
service cannot be reached, and honours an ignore only until its review date. Fed the tools' own report
shapes (pip-audit's `-f json`, npm audit's report version 2), so no network is needed."""

from __future__ import annotations

import datetime as dt
import importlib.machinery
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "audit-dependencies"
TODAY = dt.date(2026, 11, 24)


@pytest.fixture(scope="module")
def script() -> ModuleType:
    loader = importlib.machinery.SourceFileLoader("audit_dependencies", str(SCRIPT))
    spec = importlib.util.spec_from_loader("audit_dependencies", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["audit_dependencies"] = module  # dataclasses look their module up
    loader.exec_module(module)
    return module


def pip_report(*dependencies: dict[str, object]) -> str:
    return json.dumps({"dependencies": list(dependencies), "fixes": []})


CLEAN = {"name": "django", "version": "5.2.19", "vulns": []}
VULNERABLE = {
    "name": "jinja2",
    "version": "3.1.0",
    "vulns": [
        {"id": "PYSEC-2024-1", "aliases": ["CVE-2024-0001", "GHSA-aaaa-bbbb-cccc"], "fix_versions": ["3.1.5"]}
    ],
}
NPM_CLEAN = json.dumps({"auditReportVersion": 2, "vulnerabilities": {}, "metadata": {}})
NPM_VULNERABLE = json.dumps(
    {
        "auditReportVersion": 2,
        "vulnerabilities": {
            "sass": {
                "name": "sass",
                "severity": "high",
                "range": "<1.94.0",
                "via": [
                    {
                        "source": 1099,
                        "title": "ReDoS",
                        "url": "https://github.com/advisories/GHSA-xxxx-yyyy-zzzz",
                    }
                ],
                "fixAvailable": {"name": "sass", "version": "1.94.0"},
            },
            "parent": {"name": "parent", "range": "*", "via": ["sass"], "fixAvailable": True},
        },
    }
)


def test_a_clean_audit_passes(script) -> None:
    verdicts = [script.judge_pip_audit(pip_report(CLEAN), "", 0), script.judge_npm_audit(NPM_CLEAN, "", 0)]
    status, lines = script.decide(verdicts, [], TODAY, strict=False)
    assert status == 0
    assert lines == ["ok pip-audit: no known vulnerabilities", "ok npm audit: no known vulnerabilities"]


def test_a_real_vulnerability_fails_the_build(script) -> None:
    verdicts = [
        script.judge_pip_audit(pip_report(CLEAN, VULNERABLE), "", 1),
        script.judge_npm_audit(NPM_VULNERABLE, "", 1),
    ]
    status, lines = script.decide(verdicts, [], TODAY, strict=False)
    assert status == 1
    assert (
        "FAIL pip-audit: jinja2 3.1.0: PYSEC-2024-1, CVE-2024-0001, GHSA-aaaa-bbbb-cccc (fixed in 3.1.5)"
        in lines
    )
    assert "FAIL npm audit: sass <1.94.0: GHSA-xxxx-yyyy-zzzz, npm:1099 (fixed in sass 1.94.0)" in lines
    assert not any("parent" in line for line in lines), (
        "a package vulnerable only through another is not repeated"
    )


@pytest.mark.parametrize(
    ("pip", "npm"),
    [
        # A mirror without PyPI's JSON API knows no package at all; npm's registry refuses the bulk endpoint.
        (
            (
                pip_report(
                    {"name": "django", "skip_reason": "Dependency not found on PyPI and could not be audited"}
                ),
                "",
                0,
            ),
            (
                json.dumps({"message": "405 Method Not Allowed - POST …/advisories/bulk", "statusCode": 405}),
                "",
                1,
            ),
        ),
        # No network at all.
        (
            ("", "requests.exceptions.ConnectionError: Failed to resolve 'pypi.org'", 1),
            ("", "npm error code ENOTFOUND", 1),
        ),
    ],
)
def test_an_unreachable_advisory_service_is_skipped_with_a_message(script, pip, npm) -> None:
    verdicts = [script.judge_pip_audit(*pip), script.judge_npm_audit(*npm)]
    status, lines = script.decide(verdicts, [], TODAY, strict=False)
    assert status == 0
    assert [line.split(":")[0] for line in lines] == ["SKIP pip-audit", "SKIP npm audit"]
    assert all("Run `make lint` where the advisory service can be reached" in line for line in lines)
    assert script.decide(verdicts, [], TODAY, strict=True)[0] == 1, "--strict makes a skip fail"


def test_a_tool_that_fails_for_another_reason_is_not_a_skip(script) -> None:
    with pytest.raises(SystemExit, match="pip-audit failed"):
        script.judge_pip_audit("", "error: invalid requirement", 2)


def test_an_ignore_holds_until_its_review_date_and_an_unneeded_one_is_reported(script, tmp_path) -> None:
    ignores_file = tmp_path / "ignore.toml"
    ignores_file.write_text(
        """
        [[ignore]]
        id = "CVE-2024-0001"
        package = "jinja2"
        reason = "No fix we can take yet; civichub does not use the affected path."
        review_by = 2026-12-31

        [[ignore]]
        id = "GHSA-gone-gone-gone"
        package = "old"
        reason = "Was fixed."
        review_by = 2026-12-31
        """.replace("        ", "")
    )
    ignores = script.load_ignores(ignores_file)
    verdicts = [
        script.judge_pip_audit(pip_report(VULNERABLE), "", 1),
        script.judge_npm_audit(NPM_CLEAN, "", 0),
    ]

    status, lines = script.decide(verdicts, ignores, TODAY, strict=False)
    assert status == 0
    assert any(line.startswith("ignored pip-audit: jinja2 3.1.0") for line in lines)
    assert "note: the ignore of GHSA-gone-gone-gone (old) matched nothing: remove it" in lines

    status, lines = script.decide(verdicts, ignores, dt.date(2027, 1, 1), strict=False)
    assert status == 1
    assert any(
        line.startswith("FAIL ignore of CVE-2024-0001 (jinja2) passed its review date") for line in lines
    )
    assert any(line.startswith("FAIL pip-audit: jinja2") for line in lines)


def test_an_ignore_without_a_reason_or_date_is_refused(script, tmp_path) -> None:
    ignores_file = tmp_path / "ignore.toml"
    ignores_file.write_text('[[ignore]]\nid = "CVE-1"\npackage = "x"\n')
    with pytest.raises(SystemExit, match="lacks reason, review_by"):
        script.load_ignores(ignores_file)


def test_the_projects_ignore_list_reads(script) -> None:
    assert all(ignore.reason for ignore in script.load_ignores())
