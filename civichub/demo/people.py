"""Demo people for each council: a few hundred synthetic residents held by two or three systems (council
tax, adult social care, housing), with the slips real systems make, a move or two and some twins, placed
on the council's real postcodes; loaded through the people import and linked by a full run, so the
review queue holds the pairs the model was unsure of.

Everything goes through the people services as the council's commissioner, so it is audited and
published like real work."""

from __future__ import annotations

from datetime import date, timedelta

from civichub.core.actors import Actor
from civichub.core.importing.runner import run_now
from civichub.core.models import Council, User
from civichub.people import samples
from civichub.people.services import agreements, linkage
from civichub.places import selectors as places

PEOPLE_PER_COUNCIL = 300


def _share_with_sunderland(actor: Actor, wigan: Council) -> None:
    """Wigan shares names, dates of birth and postcodes with Sunderland for linkage, for a year: the
    residents who moved between the two are found in Sunderland's run (by reference only)."""
    sunderland = Council.objects.filter(gss_code="E08000024").first()
    if sunderland is None:
        return
    today = date.today()
    agreements.record_agreement(
        actor,
        wigan,
        partner=sunderland,
        fields=["first_name", "surname", "date_of_birth", "postcode"],
        purpose="linkage",
        starts_on=today,
        ends_on=today + timedelta(days=365),
        reference="DSA-WIG-SUN-2026",
    )


def load(seed: int = 2026) -> int:
    """Load and link each demo council's source records (once). Returns how many records were added."""
    made = 0
    for council in Council.objects.filter(gss_code__in=["E08000010", "E08000024"]).order_by("gss_code"):
        user = User.objects.filter(username=f"{council.slug}.commissioner").first()
        if user is None:
            continue
        actor = Actor(user=user, council=council)
        every = list(places.live_postcodes_in(council.gss_code).values_list("postcode", flat=True))
        postcodes = every[:: max(len(every) // 200, 1)][:200]
        rows, _ = samples.people_records(postcodes, people=PEOPLE_PER_COUNCIL, seed=seed, twins=True)
        run, is_new = run_now(
            actor, council, "people", file_name="demo-people.csv", content=samples.as_csv(rows)
        )
        if not is_new:
            continue  # loaded before
        if council.slug == "wigan":
            _share_with_sunderland(actor, council)
        linkage.run_now(actor, council)
        made += run.created
    return made
