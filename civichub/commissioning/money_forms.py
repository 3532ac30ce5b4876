"""Forms of the money pages. They carry only what was typed: the services check it and refuse naming
each field, and `core.forms.show_refusal` puts the message on its field."""

from __future__ import annotations

from django import forms


class BuyForm(forms.Form):
    provider_id = forms.ChoiceField(label="Provider", choices=())
    title = forms.CharField(label="What you are buying", max_length=300)
    amount = forms.CharField(label="Cost, in pounds", max_length=20)
    start_date = forms.CharField(label="Starts on", max_length=10, help_text="Like 2026-05-01")
    end_date = forms.CharField(label="Ends on", max_length=10, help_text="Like 2027-04-30")

    def __init__(self, *args: object, providers: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["provider_id"].choices = [("", "Choose a provider"), *providers]  # type: ignore[attr-defined]


class AwardForm(BuyForm):
    kind = forms.ChoiceField(
        label="Grant or small contract", choices=[("grant", "Grant"), ("contract", "Small contract")]
    )
    purpose = forms.CharField(label="What it is for", max_length=4000, required=False, widget=forms.Textarea)


class PaymentForm(forms.Form):
    amount = forms.CharField(label="Amount to pay, in pounds", max_length=20)
    description = forms.CharField(label="What it pays for", max_length=300, required=False)
    override_reason = forms.CharField(
        label="Override reason (only to pay beyond the commitment)",
        max_length=2000,
        required=False,
        widget=forms.Textarea,
        help_text="Only commissioners allowed to override a budget can; it is recorded",
    )
