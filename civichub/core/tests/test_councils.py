"""`civichub councils add` brings any UK council on from the register, and says clearly when it cannot."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from civichub.core.models import Council, OrganisationIdentifier


def test_add_a_council_by_gss_code(db) -> None:
    out = StringIO()
    call_command("councils", "add", "e07000087", stdout=out)
    fareham = Council.objects.get(gss_code="E07000087")
    assert (fareham.name, fareham.slug, fareham.region) == (
        "Fareham Borough Council",
        "fareham",
        "South East",
    )
    assert {i.org_id for i in OrganisationIdentifier.objects.filter(organisation=fareham.organisation)} == {
        "GB-GSS-E07000087",
        "GB-LAE-FAR",
    }
    assert "Added Fareham Borough Council (E07000087) at /c/fareham/" in out.getvalue()


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("E99999999", "No UK local authority has the GSS code 'E99999999'"),
        ("E08000010", "is already on the platform"),
        ("E07000048", "ceased on"),  # Christchurch, merged into BCP in 2019
    ],
)
def test_a_council_that_cannot_be_added_is_explained(db, code, message) -> None:
    councils = Council.objects.count()
    with pytest.raises(CommandError, match=message):
        call_command("councils", "add", code)
    assert Council.objects.count() == councils
