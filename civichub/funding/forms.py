"""Funding's forms (bids, a need in a place, the council's grants). They only carry what was typed: the
services check it and refuse naming each field, and `core.forms.show_refusal` puts each message on its
field for the GOV.UK error summary."""

from __future__ import annotations

from typing import Any

from django import forms

from civichub.funding.models import ApplicantType, Bid


def text(label: str, *, required: bool = False, max_length: int = 200, **kwargs: Any) -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=max_length, **kwargs)


class BidForm(forms.Form):
    opportunity_id = forms.ChoiceField(label="Opportunity from the catalogue", required=False)
    funder = text("Or: the funder, for one not in the catalogue", max_length=200)
    programme = text("And its programme", max_length=300)
    owner_id = forms.ChoiceField(label="Owner")
    amount_sought = text("Amount sought, in pounds", required=True, max_length=20)
    need_codes = forms.MultipleChoiceField(
        label="Needs it would meet", required=False, widget=forms.CheckboxSelectMultiple
    )
    commission_refs = text(
        "Commissions it would fund", max_length=600, help_text="References, separated by commas"
    )
    due_on = text("Bid due by", max_length=10, help_text="Like 2026-03-31")
    notes = forms.CharField(label="Notes", required=False, max_length=5000, widget=forms.Textarea)

    def __init__(
        self,
        *args: Any,
        opportunities: list[tuple[str, str]],
        people: list[tuple[str, str]],
        needs: dict[str, str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["opportunity_id"].choices = [("", "Not in the catalogue"), *opportunities]  # type: ignore[attr-defined]
        self.fields["owner_id"].choices = people  # type: ignore[attr-defined]
        self.fields["need_codes"].choices = list(needs.items())  # type: ignore[attr-defined]


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="New status", choices=Bid.Status.choices)
    amount_won = text("Amount won, in pounds (when won)", max_length=20)
    on = text("On", max_length=10, help_text="Like 2026-03-31 (today if empty)")


class AskForm(forms.Form):
    """A need in a place (GET: ranked matches; POST with a name: saved)."""

    needs = forms.MultipleChoiceField(label="Needs", widget=forms.CheckboxSelectMultiple)
    areas = text(
        "Wards or LSOAs", max_length=1000, help_text="GSS codes separated by spaces or commas, like E05000840"
    )
    most_deprived = text("Or: the most deprived wards, how many", max_length=3, help_text="Like 3")
    applicant_type = forms.ChoiceField(
        label="Who would apply", choices=[("", "Not given"), *ApplicantType.choices], required=False
    )
    amount = text("Amount sought, in pounds", max_length=20)
    name = text("Name, to save this need", max_length=200)

    def __init__(self, *args: Any, needs: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["needs"].choices = list(needs.items())  # type: ignore[attr-defined]


class GrantForm(forms.Form):
    title = text("Title", required=True, max_length=300)
    description = forms.CharField(label="What it is for", max_length=5000, widget=forms.Textarea)
    amount = text("Amount, in pounds", required=True, max_length=20)
    award_date = text("Awarded on", required=True, max_length=10, help_text="Like 2026-04-01")
    recipient_name = text("Recipient organisation", required=True, max_length=255)
    recipient_org_id = text(
        "Recipient's org-id",
        required=True,
        max_length=100,
        help_text="Like GB-CHC-1234567 or GB-COH-01234567",
    )
    beneficiary_code = text(
        "Ward or LSOA it benefits", required=True, max_length=12, help_text="A GSS code, like E05000841"
    )
    programme = text("Grant programme", max_length=300)


class PublishingForm(forms.Form):
    giving_prefix = text(
        "360Giving prefix", required=True, max_length=60, help_text="As 360Giving registered it"
    )
    org_id = text("The council's org-id", required=True, max_length=100, help_text="Like GB-LAE-WGN")
