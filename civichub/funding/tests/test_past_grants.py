"""Past grants: the real 360Giving file imports through the pipeline, each grant validated against the
standard with a format checker; a grant that does not validate refuses the file naming its record and
field; grants are read by the place of their beneficiaries."""

from __future__ import annotations

import gzip
import json

import pytest
from django.conf import settings

from civichub.core import services
from civichub.core.actors import Actor
from civichub.core.importing import ImportRejected
from civichub.core.importing.runner import run_now
from civichub.funding import selectors
from civichub.funding.models import PastGrant
from civichub.places import selectors as places

SYSTEM = Actor.system("past grants tests")
FILE = settings.SHARED_DIR / "data" / "360giving" / "360giving_covid19_grants_2020-05-07.json.gz"


def real() -> bytes:
    return gzip.decompress(FILE.read_bytes())


def test_the_real_grants_import_and_are_read_by_place(db: None) -> None:
    # County Durham's community foundation gave grants naming LSOAs of County Durham (none in the file
    # names a Wigan or Sunderland place).
    durham = services.add_council(SYSTEM, "E06000047")
    run, _ = run_now(SYSTEM, None, "grants_360giving", file_name="360.json", content=real())
    assert run.created == PastGrant.objects.count() == 607
    # Date-only award dates validate (the format checker's point): every grant has its date.
    assert not PastGrant.objects.filter(award_date__isnull=True).exists()
    held = set(places.lsoas_in(durham.gss_code).values_list("code", flat=True))
    here = [g for g in PastGrant.objects.exclude(place_codes="") if held & set(g.place_codes.split())]
    assert len(here) > 40
    _, whole, totals = selectors.past_grants(durham, durham.gss_code)
    assert set(here) <= set(whole) and sum(t.grants for t in totals) == whole.count()
    lsoa = next(code for g in here for code in g.place_codes.split() if code in held)
    _, found, _ = selectors.past_grants(durham, lsoa)
    assert found.exists() and set(found) <= set(whole)


def test_a_grant_that_does_not_validate_refuses_the_file(db: None) -> None:
    grants = json.loads(real())["grants"][:3]
    grants[1]["awardDate"] = "the spring"
    del grants[2]["title"]
    with pytest.raises(ImportRejected) as refused:
        run_now(
            SYSTEM,
            None,
            "grants_360giving",
            file_name="bad.json",
            content=json.dumps({"grants": grants}).encode(),
        )
    assert [(e.line, e.field) for e in refused.value.rows][:1] == [(2, "awardDate")]
    assert any(e.line == 3 and "title" in e.message for e in refused.value.rows)
    assert not PastGrant.objects.exists()
