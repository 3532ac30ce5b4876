"""The funding page and API with ranked search, saved searches on the web and in the API, the API's
open reads, and the form to add an opportunity by hand."""

from __future__ import annotations

from civichub.core.actors import Actor
from civichub.core.models import Role
from civichub.funding import services
from civichub.funding.models import Opportunity, SavedSearch

SYSTEM = Actor.system("funding page tests")


def add(council, name: str, summary: str = "", **more: str) -> Opportunity:
    return services.add_opportunity(
        SYSTEM, council, {"grantName": name, "grantFunder": "Trust", "grantShortDescription": summary} | more
    )


def test_the_page_ranks_pages_and_says_when_nothing_matches(wigan, make_user, client_as) -> None:
    add(None, "Community kitchens", "Cooking for allotment growers")
    add(None, "Allotment fund", "Plots")
    for n in range(55):  # past one page of 50
        add(None, f"Allotment grant {n:02}", "More allotment plots for allotment holders")
    client = client_as(make_user(Role.CASEWORKER, wigan))
    page = client.get(f"/c/{wigan.slug}/funding/?q=allotment")
    text = page.content.decode()
    assert page.status_code == 200
    assert "57 opportunities, best match first." in text
    assert "Community kitchens" not in text, "the summary hit ranks last, on the second page"
    second = client.get(f"/c/{wigan.slug}/funding/?q=allotment&page=2").content.decode()
    assert "Community kitchens" in second
    empty = client.get(f"/c/{wigan.slug}/funding/?q=%22NEAR(zebra*").content.decode()
    assert 'data-testid="no-matches"' in empty and "Save this search" in empty
    csv = client.get(f"/c/{wigan.slug}/funding/?q=kitchens&format=csv")
    assert b"Community kitchens" in csv.content


def test_the_api_reads_are_open_data_and_adding_needs_a_token(wigan, sunderland, client) -> None:
    add(None, "Allotment fund", "Plots")
    add(None, "Food banks", "Surplus from allotment holders")
    add(sunderland, "Sunderland allotments", "Plots")
    found = client.get(f"/api/v1/c/{wigan.slug}/funding/opportunities?q=allotment").json()
    assert [o["grantName"] for o in found["items"]] == ["Allotment fund", "Food banks"]
    assert found["count"] == 2
    one = client.get(f"/api/v1/c/{wigan.slug}/funding/opportunities/{found['items'][0]['id']}")
    assert one.status_code == 200
    theirs = Opportunity.objects.for_council(sunderland).get()
    assert client.get(f"/api/v1/c/{wigan.slug}/funding/opportunities/{theirs.pk}").status_code == 404
    assert client.get(f"/api/v1/c/{wigan.slug}/funding/past-grants/{wigan.gss_code}").status_code == 200
    assert client.get(f"/api/v1/c/{wigan.slug}/funding/opportunities?q=%22&theme=x").status_code == 400
    posted = client.post(
        f"/api/v1/c/{wigan.slug}/funding/opportunities",
        {"grantName": "x", "grantFunder": "y"},
        content_type="application/json",
    )
    assert posted.status_code == 401


def test_the_catalogue_pages_are_open_data_and_the_councils_own_work_needs_sign_in(wigan, client) -> None:
    found = add(None, "Allotment fund", "Plots for allotment holders")
    page = client.get(f"/c/{wigan.slug}/funding/?q=allotment").content.decode()
    assert "Allotment fund" in page and 'data-testid="sign-in-for-more"' in page
    assert "Save this search" not in page and 'data-testid="funding-links"' not in page
    assert client.get(f"/c/{wigan.slug}/funding/?q=allotment&format=csv").status_code == 200
    assert client.get(f"/c/{wigan.slug}/funding/{found.pk}/").status_code == 200
    assert client.get(f"/c/{wigan.slug}/funding/past-grants/{wigan.gss_code}/").status_code == 200
    assert client.get("/c/no-such-council/funding/").status_code == 404
    for signed_in_only in ("saved-searches/", "bids/", "match/", "add/", "grants/"):
        response = client.get(f"/c/{wigan.slug}/funding/{signed_in_only}")
        assert response.status_code == 302 and response["Location"].startswith("/sign-in/?next=")


def test_saved_searches_on_the_web(wigan, make_user, client_as) -> None:
    person = make_user(Role.CASEWORKER, wigan)
    client = client_as(person)
    listing = f"/c/{wigan.slug}/funding/saved-searches/"
    assert 'data-testid="no-saved-searches"' in client.get(listing).content.decode()
    saved = client.post(listing, {"q": "allotment", "theme": "housing", "open": "yes", "name": "Plots"})
    assert saved.status_code == 302
    mine = SavedSearch.objects.for_council(wigan).get()
    assert (mine.q, mine.theme, mine.open_now, mine.owner) == ("allotment", "housing", True, person)
    text = client.get(listing).content.decode()
    assert "Plots" in text and "the words “allotment”" in text
    refused = client.post(listing, {"q": "", "name": "x" * 101})
    assert refused.status_code == 400 and "100 characters" in refused.content.decode()
    refused = client.post(listing, {"q": "", "name": "Nothing"})
    assert refused.status_code == 400 and "choose a need" in refused.content.decode()
    other = client_as(make_user(Role.CASEWORKER, wigan))
    assert "Plots" not in other.get(listing).content.decode()
    assert other.post(f"{listing}{mine.pk}/delete/").status_code == 404
    assert client.post(f"{listing}{mine.pk}/delete/").status_code == 302
    assert not SavedSearch.objects.for_council(wigan).exists()


def test_saved_searches_in_the_api(wigan, make_user, client_as) -> None:
    client = client_as(make_user(Role.ANALYST, wigan))
    base = f"/api/v1/c/{wigan.slug}/funding/saved-searches"
    made = client.post(base, {"q": "food banks", "area": "E05000840"}, content_type="application/json")
    assert made.status_code == 201, made.content
    assert made.json()["name"] == "food banks"
    assert client.get(base).json()["count"] == 1
    bad = client.post(base, {"area": "nowhere"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "area"
    assert client.delete(f"{base}/{made.json()['id']}").status_code == 204
    assert client.delete(f"{base}/{made.json()['id']}").status_code == 404
    assert client.get(base).json()["count"] == 0


def test_adding_an_opportunity_by_hand(wigan, make_user, client_as) -> None:
    form = f"/c/{wigan.slug}/funding/add/"
    assert client_as(make_user(Role.CASEWORKER, wigan)).get(form).status_code == 403
    client = client_as(make_user(Role.COMMISSIONER, wigan))
    assert client.get(form).status_code == 200
    refused = client.post(
        form,
        {
            "grantName": "",
            "grantFunder": "Wigan Council",
            "grantMinimumAward": "lots",
            "grantApplicationOpenDate": "2026-05-01",
            "grantApplicationCloseDate": "2026-04-01",
        },
    )
    text = refused.content.decode()
    assert refused.status_code == 400
    assert "There is a problem" in text
    for field in ("grantName", "grantMinimumAward", "grantApplicationCloseDate"):
        assert f'href="#id_{field}"' in text
    assert "Give the grant&#39;s name" in text or "Give the grant's name" in text
    made = client.post(
        form,
        {
            "grantName": "Wigan warm homes",
            "grantFunder": "Wigan Council",
            "grantShortDescription": "Insulation",
            "themes": ["housing"],
            "grantApplicantType": ["charity", "cic"],
            "grantLocation": "E05000840; Wigan",
            "grantMaximumAward": "5,000",
            "grantApplicationCloseDate": "2026-06-30",
        },
    )
    assert made.status_code == 302
    own = Opportunity.objects.for_council(wigan).get()
    assert own.theme_list == ["housing"] and own.applicant_type_list == ["charity", "cic"]
    assert own.area_list == ["E05000840"] and own.locations == "Wigan"
    assert made["Location"] == f"/c/{wigan.slug}/funding/{own.pk}/"
