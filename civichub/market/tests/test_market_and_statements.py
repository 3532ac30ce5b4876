"""The market page and API (council-wide and per ward, every table as CSV), and position statements:
drafted from live figures, reworded, published with frozen figures as a public page, versions kept.
And no market page or GET of the market's API writes anything."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLResolver, get_resolver, reverse

from civichub.api import api
from civichub.core.actors import Actor
from civichub.market import services, statements
from civichub.market.models import MarketStatement, OfferArea
from civichub.market.tests.conftest import WARD_A, WARD_B

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


def test_the_market_api_council_wide_and_for_a_ward(client_as, market, wigan) -> None:
    officer = client_as(market["commissioner"])
    whole = officer.get(f"/api/v1/c/{wigan.slug}/markets/home-care-18").json()
    assert whole["capacity"]["providers"] == 3 and round(whole["capacity"]["hhi"], 2) == 5013.85
    assert "CC2/OFT1254" in whole["thresholds_source"]
    assert [n["council"] for n in whole["neighbours"]] == ["Sunderland"]
    assert "providers" not in whole["neighbours"][0] or whole["neighbours"][0]["providers"] == 1
    ward = officer.get(f"/api/v1/c/{wigan.slug}/markets/home-care-18?ward={WARD_B}").json()
    assert ward["ward"] == WARD_B and ward["capacity"]["total"] == 35
    bad = officer.get(f"/api/v1/c/{wigan.slug}/markets/home-care-18?ward=E05001172")  # Sunderland's
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "ward"
    assert officer.get(f"/api/v1/c/{wigan.slug}/markets/llama-care").status_code == 404
    assert (
        client_as(market["alpha_staff"]).get(f"/api/v1/c/{wigan.slug}/markets/home-care-18").status_code
        == 403
    )


def test_the_market_page_draws_each_table_and_downloads_it(client_as, market, wigan) -> None:
    officer = client_as(market["commissioner"])
    page = officer.get(f"/c/{wigan.slug}/markets/home-care-18/").content.decode()
    assert "highly concentrated" in page and "<svg" in page and "style=" not in page
    for which in ("providers", "wards", "years", "risks", "flagged", "neighbours"):
        response = officer.get(f"/c/{wigan.slug}/markets/home-care-18/?download={which}")
        assert response["Content-Type"].startswith("text/csv"), which
    rows = list(
        csv.reader(
            io.StringIO(officer.get(f"/c/{wigan.slug}/markets/home-care-18/?download=risks").content.decode())
        )
    )
    assert sorted(r[0] for r in rows[1:]) == [WARD_A, WARD_A, WARD_B]
    assert officer.get(f"/c/{wigan.slug}/markets/home-care-18/?ward={WARD_A}").status_code == 200
    assert officer.get(f"/c/{wigan.slug}/markets/home-care-18/?ward=nonsense").status_code == 302


def test_a_statement_is_drafted_reworded_published_and_kept(client, client_as, market, wigan) -> None:
    officer = Actor(user=market["commissioner"], council=wigan)
    draft = statements.draft_statement(officer, wigan, market["offers"]["alpha"].category)
    assert "3 providers offer 95 hours per week" in draft.sections["supply"]
    with pytest.raises(statements.Refused) as refused:
        statements.publish_statement(officer, draft)
    assert refused.value.field == "sections.intentions"
    statements.edit_statement(
        officer, draft, title="Home care in Wigan", sections={"intentions": "Commission by outcome."}
    )
    published = statements.publish_statement(officer, draft)
    assert published.figures["providers"] == 3 and published.figures["as_at"]
    # Later changes to the market leave the published figures as they were.
    services.end_offer(Actor.system("test"), wigan, market["offers"]["beta"])
    public = client.get(f"/market-statements/{published.pk}/")
    assert public.status_code == 200 and "Commission by outcome." in public.content.decode()
    assert client.get(f"/api/v1/market-statements/{published.pk}").json()["figures"]["providers"] == 3
    with pytest.raises(statements.Conflict):
        statements.edit_statement(officer, published, title="x", sections={})
    second = statements.draft_statement(officer, wigan, published.category)
    assert second.version == 2 and second.sections["intentions"] == "Commission by outcome."
    assert second.figures["providers"] == 2
    assert MarketStatement.objects.for_council(wigan).count() == 2
    assert client.get(f"/market-statements/{second.pk}/").status_code == 404  # a draft is not public
    pages = client_as(market["commissioner"])
    assert (
        pages.post(f"/c/{wigan.slug}/markets/home-care-18/statements/").status_code == 409
    )  # one draft at a time


def market_pages():
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and pattern.namespace == "market":
            yield from pattern.url_patterns


def test_no_market_page_or_api_get_writes(client, client_as, market, wigan) -> None:
    officer = Actor(user=market["commissioner"], council=wigan)
    from civichub.market import returns

    exercise = returns.open_exercise(
        officer, wigan, market["offers"]["alpha"].category, title="x", closes_on="2099-01-01"
    )
    statement = statements.draft_statement(officer, wigan, exercise.category)
    statements.edit_statement(officer, statement, title="x", sections={"intentions": "y"})
    statements.publish_statement(officer, statement)
    samples = {
        "council_slug": wigan.slug,
        "category": "home-care-18",
        "organisation_id": market["alpha"].pk,
        "offer_id": market["offers"]["alpha"].pk,
        "exercise_id": exercise.pk,
        "statement_id": statement.pk,
        "return_id": "00000000-0000-0000-0000-000000000000",
    }
    asked = 0
    for who in (client, client_as(market["commissioner"]), client_as(market["alpha_staff"])):
        for pattern in market_pages():
            names = re.findall(r"<(?:\w+:)?(\w+)>", str(pattern.pattern))
            url = reverse(f"market:{pattern.name}", kwargs={k: samples[k] for k in names})
            for suffix in ("", "?format=csv", "?download=providers", f"?ward={WARD_A}"):
                with CaptureQueriesContext(connection) as captured:
                    status = who.get(url + suffix).status_code
                assert status < 500, url
                assert not [q for q in captured.captured_queries if WRITE.match(q["sql"])], (
                    f"GET {url}{suffix} wrote"
                )
                asked += 1
        for path, methods in api.get_openapi_schema()["paths"].items():
            if "get" in methods and "market" in methods["get"].get("tags", []):
                url = re.sub(r"{(\w+)}", lambda m: str(samples[m.group(1)]), path)
                with CaptureQueriesContext(connection) as captured:
                    assert who.get(url).status_code < 500, url
                assert not [q for q in captured.captured_queries if WRITE.match(q["sql"])], f"GET {url} wrote"
                asked += 1
    assert asked > 100
    assert OfferArea.objects.count() == 5


def test_the_register_page_and_api(client_as, market, wigan) -> None:
    officer = client_as(market["commissioner"])
    made = officer.post(
        f"/api/v1/c/{wigan.slug}/market/providers",
        json.dumps(
            {
                "name": "Epsilon Mutual",
                "kind": "company",
                "identifiers": {"GB-COH": "09999999"},
                "is_public_service_mutual": True,
            }
        ),
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["is_public_service_mutual"] is True
    listed = officer.get(f"/api/v1/c/{wigan.slug}/market/providers").json()
    assert {p["name"] for p in listed["items"]} >= {"Alpha Care Ltd", "Beta Homecare Ltd"}
    assert "Alpha Care Ltd" in officer.get(f"/c/{wigan.slug}/market/providers/").content.decode()
    assert officer.get(f"/c/{wigan.slug}/market/providers/?format=csv")["Content-Type"].startswith("text/csv")


def test_the_markets_api_schemas_do_not_shadow_anothers() -> None:
    """The OpenAPI names components by class: two schemas of one name would describe one route wrongly."""
    schema = api.get_openapi_schema()
    names = set(schema["components"]["schemas"])
    for name in ("MarketProviderOut", "WardSupplyOut", "ProviderOut"):
        assert name in names
    assert "ward" not in schema["components"]["schemas"]["ProviderOut"]["properties"]
    assert "is_vcse" not in schema["components"]["schemas"]["ProviderOut"]["properties"]
