from __future__ import annotations

from datetime import date

import pytest

from civichub.core.models import Council, CouncilProvider, Organisation
from civichub.core.tenancy import TenantScopeRequired


@pytest.fixture
def providers(wigan: Council, sunderland: Council) -> tuple[CouncilProvider, CouncilProvider]:
    org = Organisation.objects.create(name="Shared Care Ltd", kind="company")
    return (
        CouncilProvider.objects.create(council=wigan, organisation=org, since=date(2020, 1, 1)),
        CouncilProvider.objects.create(council=sunderland, organisation=org, since=date(2021, 1, 1)),
    )


@pytest.mark.parametrize(
    "operation",
    [
        lambda qs: list(qs),
        lambda qs: qs.count(),
        lambda qs: qs.exists(),
        lambda qs: qs.first(),
        lambda qs: qs.get(status="active"),
        lambda qs: list(qs.values("id")),
        lambda qs: qs.aggregate(),
        lambda qs: qs.update(status="ended"),
        lambda qs: qs.delete(),
        lambda qs: list(qs.iterator()),
        lambda qs: qs.in_bulk(),
    ],
)
def test_a_query_of_council_data_without_a_council_is_refused(providers, operation) -> None:
    with pytest.raises(TenantScopeRequired):
        operation(CouncilProvider.objects.all())


def test_an_or_with_a_council_is_not_a_scope(providers, wigan) -> None:
    from django.db.models import Q

    with pytest.raises(TenantScopeRequired):
        list(CouncilProvider.objects.filter(Q(council=wigan) | Q(status="active")))


def test_a_scoped_query_sees_only_its_councils_rows(providers, wigan, sunderland) -> None:
    wigan_rows = list(CouncilProvider.objects.for_council(wigan))
    assert wigan_rows == [providers[0]]
    assert CouncilProvider.objects.for_council(sunderland).get() == providers[1]
    assert CouncilProvider.objects.for_council(wigan).filter(pk=providers[1].pk).first() is None
    both = CouncilProvider.objects.for_councils([wigan, sunderland]).order_by("since")
    assert list(both) == list(providers)


@pytest.mark.parametrize(
    "careless",
    [
        lambda w, s: CouncilProvider.objects.filter(council=w),
        lambda w, s: CouncilProvider.objects.filter(council__in=Council.objects.all()),
        lambda w, s: CouncilProvider.objects.filter(council__in=[w, s]),
        lambda w, s: CouncilProvider.objects.for_council(w) | CouncilProvider.objects.all(),
        lambda w, s: CouncilProvider.objects.for_councils(Council.objects.all()),
    ],
)
def test_only_an_explicit_scope_counts(providers, wigan, sunderland, careless) -> None:
    """A hand-written filter on council is not a scope: `council__in=<every council>` is one too."""
    with pytest.raises(TenantScopeRequired):
        list(careless(wigan, sunderland))


def test_platform_rows_need_their_own_scope(wigan) -> None:
    from civichub.core.jobs import Job

    platform_job = Job.objects.create(kind="test")
    council_job = Job.objects.create(kind="test", council=wigan)
    with pytest.raises(TenantScopeRequired):
        list(Job.objects.all())
    assert platform_job in Job.objects.for_platform() and council_job not in Job.objects.for_platform()
    assert list(Job.objects.for_council(wigan)) == [council_job]
    with pytest.raises(TenantScopeRequired):
        CouncilProvider.objects.for_platform()


def test_a_council_sees_the_platforms_rows_beside_its_own_and_no_one_elses(wigan, sunderland) -> None:
    from civichub.core.jobs import Job

    platform_job = Job.objects.create(kind="scope-test")
    wigan_job = Job.objects.create(kind="scope-test", council=wigan)
    Job.objects.create(kind="scope-test", council=sunderland)
    seen = Job.objects.for_council_and_platform(wigan).filter(kind="scope-test")
    assert set(seen) == {platform_job, wigan_job}
    with pytest.raises(TenantScopeRequired):
        CouncilProvider.objects.for_council_and_platform(wigan)  # its rows always belong to a council


def test_one_organisation_works_for_several_councils(providers) -> None:
    from civichub.core.selectors import councils_served_by

    org = providers[0].organisation
    assert [c.short_name for c in councils_served_by(org)] == ["Sunderland", "Wigan"]
    # Reaching council data from the shared organisation still needs a council.
    with pytest.raises(TenantScopeRequired):
        org.councils_served.count()
