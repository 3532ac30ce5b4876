from __future__ import annotations

from django import forms

from civichub.core.catalogue import CATALOGUE


class EndpointForm(forms.Form):
    url = forms.CharField(
        label="Endpoint URL",
        max_length=500,
        error_messages={
            "required": "Enter the URL that should receive the events",
            "max_length": "The URL must be 500 characters or fewer",
        },
    )
    description = forms.CharField(label="Description", max_length=200, required=False)
    event_types = forms.MultipleChoiceField(
        label="Events to send",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[],
        error_messages={"invalid_choice": "Choose events from the list"},
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["event_types"].choices = [  # type: ignore[attr-defined]
            (t.name, t.name) for t in sorted(CATALOGUE.values(), key=lambda t: t.name) if t.tenant
        ]


class RetentionForm(forms.Form):
    """One field per kind of record the platform prunes, in days. The service checks the numbers (whole
    days, within the bounds) so that the page and the API refuse alike."""

    def __init__(self, *args: object, kinds: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for kind in kinds:
            self.fields[kind] = forms.CharField(required=False)
