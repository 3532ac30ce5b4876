"""The funding pages added with ranked search: a person's saved searches (save, list, delete) and the form
to add an opportunity of the council's own by hand. Thin: selectors read, services decide and refuse."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from civichub.core import policy
from civichub.core.access import actor_of, council_page, user_of
from civichub.core.errors import NotFound, Refused
from civichub.core.forms import show_refusal
from civichub.core.models import Council
from civichub.funding import alerts, selectors, services
from civichub.funding.models import ApplicantType
from civichub.needs import selectors as needs


def search_of(data: object) -> selectors.Search:
    """The search a query string (or a saving form) asks for, cut to the lengths the fields keep."""
    get = data.get  # type: ignore[attr-defined]
    return selectors.Search(
        q=get("q", "")[:200],
        open_now=get("open") == "yes",
        theme=get("theme", "")[:50],
        applicant_type=get("applicant_type", "")[:30],
        area=get("area", "")[:20],
    )


def may_add(request: HttpRequest, council: Council) -> bool:
    """Whether the person may add opportunities here (nobody who is not signed in: the page is open)."""
    return request.user.is_authenticated and policy.allows(user_of(request), "funding.manage", council)


class SaveSearchForm(forms.Form):
    name = forms.CharField(
        label="Name this search",
        max_length=100,
        required=False,
        help_text="So you can tell it apart in your list and in the emails, like 'Food projects'",
        error_messages={"max_length": "Keep the name to 100 characters"},
    )


@council_page("funding.view")
def saved_searches(request: HttpRequest, council: Council) -> HttpResponse:
    """The person's saved searches here; POST saves the search in the form (from the funding page)."""
    form = SaveSearchForm(request.POST if request.method == "POST" else None)
    found = search_of(request.POST) if request.method == "POST" else selectors.Search()
    if request.method == "POST" and form.is_valid():
        try:
            alerts.save_search(actor_of(request), council, form.cleaned_data["name"], found)
            return redirect("funding:saved-searches", council_slug=council.slug)
        except Refused as refused:
            show_refusal(form, refusal=refused)
    return render(
        request,
        "funding/saved_searches.html",
        {
            "title": "Your saved funding searches",
            "section": "council",
            "council": council,
            "form": form,
            "found": found,
            "saved": selectors.saved_searches(council, user_of(request)),
            "themes": needs.category_names(council),
            "applicant_names": dict(ApplicantType.choices),
        },
        status=400 if form.errors else 200,
    )


@council_page("funding.view")
def delete_saved_search(request: HttpRequest, council: Council, saved_search_id: str) -> HttpResponse:
    if request.method != "POST":
        # A GET shows nothing and changes nothing: the list page holds the delete buttons.
        found = selectors.saved_searches(council, user_of(request)).filter(pk=saved_search_id)
        if not found.exists():
            raise NotFound.on("saved_search_id", "You have no such saved search here")
        return redirect("funding:saved-searches", council_slug=council.slug)
    alerts.delete_search(actor_of(request), council, saved_search_id)
    return redirect("funding:saved-searches", council_slug=council.slug)


class OpportunityForm(forms.Form):
    """Find a Grant's fields, each checked by the one check the API and the import use (details.py)."""

    grantName = forms.CharField(label="Name of the grant", required=False, max_length=300)
    grantFunder = forms.CharField(label="Funder", required=False, max_length=200)
    grantShortDescription = forms.CharField(
        label="Summary", required=False, max_length=2000, widget=forms.Textarea
    )
    grantApplicantType = forms.MultipleChoiceField(
        label="Who may apply", required=False, choices=ApplicantType.choices
    )
    grantLocation = forms.CharField(
        label="Where",
        required=False,
        max_length=4000,
        help_text="GSS codes of wards, LSOAs or councils, or places in words, separated by semicolons",
    )
    grantMinimumAward = forms.CharField(label="Smallest award, in pounds", required=False, max_length=20)
    grantMaximumAward = forms.CharField(label="Largest award, in pounds", required=False, max_length=20)
    grantTotalAwardAmount = forms.CharField(label="Total pot, in pounds", required=False, max_length=20)
    grantApplicationOpenDate = forms.CharField(
        label="Opens on", required=False, max_length=30, help_text="For example, 2026-04-01"
    )
    grantApplicationCloseDate = forms.CharField(
        label="Closes on",
        required=False,
        max_length=30,
        help_text="For example, 2026-06-30. Leave empty if it is open until further notice",
    )
    grantWebpageUrl = forms.CharField(label="The funder's web page", required=False, max_length=500)
    themes = forms.MultipleChoiceField(label="Needs it meets", required=False, choices=())


@council_page("funding.view")
def add_opportunity(request: HttpRequest, council: Council) -> HttpResponse:
    """The form to add an opportunity of the council's own, for those who manage its funding."""
    if not may_add(request, council):
        raise PermissionDenied("Only the council's commissioners and analysts add opportunities")
    themes = needs.category_names(council)
    form = OpportunityForm(request.POST if request.method == "POST" else None)
    form.fields["themes"].choices = list(themes.items())  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        try:
            made = services.add_opportunity(actor_of(request), council, form.cleaned_data)
            return redirect("funding:opportunity", council_slug=council.slug, opportunity_id=made.pk)
        except Refused as refused:
            show_refusal(form, refused)
    return render(
        request,
        "funding/add_opportunity.html",
        {
            "title": "Add a funding opportunity",
            "section": "council",
            "council": council,
            "form": form,
        },
        status=400 if form.errors else 200,
    )
