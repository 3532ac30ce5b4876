"""The market's forms. They only carry what was typed: the services check it and refuse naming each field,
and `core.forms.show_refusal` puts each message on its field for the GOV.UK error summary."""

from __future__ import annotations

from typing import Any

from django import forms

from civichub.core.models import Organisation
from civichub.market.costs import lines_of
from civichub.market.models import CqcRating, MarketCategory, ProviderNote
from civichub.market.statements import SECTIONS


def text(label: str, *, required: bool = False, max_length: int = 200, **kwargs: Any) -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=max_length, **kwargs)


class OfferForm(forms.Form):
    capacity = text("Capacity", max_length=20)
    price = text("Standard price, in pounds", max_length=20)
    coverage = forms.CharField(
        label="Wards and LSOAs covered",
        required=False,
        max_length=6000,
        widget=forms.Textarea,
        help_text="GSS codes, separated by spaces or commas, in any council: like E05000840 E01006369",
    )
    started_on = text("In this market since", max_length=10, help_text="Like 2019-04-01")
    staff_posts = text("Staff posts", max_length=10)
    staff_vacancies = text("Vacant posts", max_length=10)
    cqc_rating = forms.ChoiceField(
        label="CQC rating", required=False, choices=[("", "Not regulated"), *CqcRating.choices]
    )
    cqc_rated_on = text("Date of the CQC rating", max_length=10, help_text="Like 2024-01-10")

    def __init__(self, *args: Any, category: MarketCategory, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["capacity"].label = f"Capacity, in {category.unit}"
        self.fields["price"].label = f"Standard price {category.price_unit}, in pounds"
        if not category.regulated:
            del self.fields["cqc_rating"], self.fields["cqc_rated_on"]


class ProfileForm(forms.Form):
    is_vcse = forms.BooleanField(label="A voluntary, community or social enterprise (VCSE)", required=False)
    is_sme = forms.BooleanField(label="A small or medium-sized enterprise (SME)", required=False)
    is_public_service_mutual = forms.BooleanField(label="A public service mutual", required=False)


class RegisterForm(ProfileForm):
    name = text("Name of the organisation", required=True, max_length=255)
    kind = forms.ChoiceField(
        label="What kind of organisation", choices=[c for c in Organisation.Kind.choices if c[0] != "council"]
    )
    scheme = forms.ChoiceField(
        label="Register it is on",
        choices=[
            ("GB-COH", "Companies House"),
            ("GB-CHC", "Charity Commission"),
            ("GB-NHS", "NHS (ODS code)"),
            ("GB-SC", "Scottish Charity Regulator"),
        ],
    )
    identifier = text("Its number on that register", required=True, max_length=64)


class NoteForm(forms.Form):
    kind = forms.ChoiceField(label="What are you recording?", choices=ProviderNote.Kind.choices)
    rating = forms.ChoiceField(
        label="Rating", required=False, choices=[("", "None"), *ProviderNote.Rating.choices]
    )
    flag = text("Flag", max_length=50, help_text="Like: at risk")
    text = forms.CharField(label="Reason or comment", required=False, max_length=2000, widget=forms.Textarea)


class ExerciseForm(forms.Form):
    category = forms.ChoiceField(label="Market category")
    title = text("Title", required=True)
    closes_on = text("Closes on", required=True, max_length=10, help_text="Like 2026-12-31")

    def __init__(self, *args: Any, categories: list[MarketCategory], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [(c.code, c.name) for c in categories if c.cost_template]  # type: ignore[attr-defined]


class ReturnForm(forms.Form):
    def __init__(self, *args: Any, template: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for line in lines_of(template):
            hint = "Minutes per contact hour" if line.unit == "minutes" else "In pounds and pence, like 12.40"
            self.fields[line.code] = text(line.label, max_length=20, help_text=hint)


class UploadForm(forms.Form):
    file = forms.FileField(label="CSV file of your return")


class StatementForm(forms.Form):
    title = text("Title", required=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in SECTIONS.items():
            self.fields[key] = forms.CharField(
                label=label, required=False, max_length=10_000, widget=forms.Textarea
            )


class CategoryForm(forms.Form):
    code = text(
        "Short code", required=True, max_length=50, help_text="Lower-case letters, digits and hyphens"
    )
    name = text("Name", required=True, max_length=100)
    unit = text("Capacity is counted in", required=True, max_length=50, help_text="Like: places per week")
    price_unit = text("A price is", required=True, max_length=50, help_text="Like: per place per day")
    need_basis = forms.ChoiceField(label="Need is counted against", choices=MarketCategory.NeedBasis.choices)
    need_per_thousand = text("Capacity needed per 1,000 of them", max_length=20)


class ThresholdForm(forms.Form):
    ward_share_threshold = text(
        "Ward share above which a provider is a risk (%)", required=True, max_length=10
    )
