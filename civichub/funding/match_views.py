"""The matching page (a need in a place -> the open opportunities ranked, with the reason for each part
of the score), saving it as a funding need, and the saved needs with their recorded matches. The GET
only reads; saving is a POST that the service decides."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from civichub.core import policy
from civichub.core.access import actor_of, council_page, user_of
from civichub.core.errors import NotFound, Refused
from civichub.core.forms import show_refusal
from civichub.core.models import Council
from civichub.funding import funding_needs, matching
from civichub.funding.forms import AskForm
from civichub.funding.models import ApplicantType, FundingMatch, FundingNeed
from civichub.needs import selectors as needs

SHOWN = 50


def _raw(data: Any) -> dict[str, Any]:
    return {
        "needs": data.getlist("needs")[:20],
        "areas": data.get("areas", "")[:1000],
        "most_deprived": data.get("most_deprived", "")[:3],
        "applicant_type": data.get("applicant_type", "")[:30],
        "amount": data.get("amount", "")[:20],
        "name": data.get("name", "")[:200],
    }


@council_page("funding.view")
def match(request: HttpRequest, council: Council) -> HttpResponse:
    names = needs.category_names(council)
    data = request.POST if request.method == "POST" else request.GET
    form = AskForm(data if data.get("needs") or request.method == "POST" else None, needs=names)
    fits: matching.Ranking | None = None
    spots: list[matching.Place] = []
    if form.is_bound:
        try:
            ask = matching.ask_of(council, _raw(data))
            spots = matching.places_of(council, ask)
            fits = matching.rank(council, ask)
            if request.method == "POST":
                saved = funding_needs.save_need(actor_of(request), council, _raw(data))
                return redirect("funding:need", council_slug=council.slug, need_id=saved.pk)
        except Refused as exc:
            form.is_valid()
            show_refusal(form, exc)
    return render(
        request,
        "funding/match.html",
        {
            "title": "Match funding to a need",
            "section": "council",
            "council": council,
            "form": form,
            "fits": fits[:SHOWN] if fits is not None else [],
            "found": len(fits) if fits is not None else None,
            "spots": spots,
            "names": names,
            "can_save": policy.allows(user_of(request), "funding.needs.manage", council),
            "saved": FundingNeed.objects.for_council(council).order_by("name"),
        },
        status=400 if form.errors else 200,
    )


@council_page("funding.view")
def need(request: HttpRequest, council: Council, need_id: str) -> HttpResponse:
    found = FundingNeed.objects.for_council(council).filter(pk=need_id).first()
    if found is None:
        raise NotFound.on("need_id", "No such saved funding need here")
    return render(
        request,
        "funding/need.html",
        {
            "title": found.name,
            "section": "council",
            "council": council,
            "need": found,
            "matches": FundingMatch.objects.for_council(council)
            .filter(need=found)
            .select_related("opportunity")
            .order_by("-score", "found_at"),
            "names": needs.category_names(council),
            "applicant_names": dict(ApplicantType.choices),
        },
    )
