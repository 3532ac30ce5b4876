"""The service form providers and officers fill in: everything a service says, in rows of fields that
work without JavaScript (a few spare rows for opening times, places, costs and contacts)."""

from __future__ import annotations

from typing import Any

from django import forms

from civichub.core.errors import FieldError, Refused
from civichub.core.forms import show_refusal
from civichub.directory.details import DAYS, ServiceDetails, located
from civichub.directory.selectors import taxonomy_terms

DAY_CHOICES = list(zip(DAYS, ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], strict=True))
# (prefix, the row's fields); rows are numbered from 1 and a form shows the filled ones plus a spare.
ROWS = {
    "schedule": ("days", "opens", "closes"),
    "location": ("name", "street", "postcode"),
    "cost": ("option", "amount"),
    "contact": ("name", "title", "email"),
}
SPARE_ROWS = 2
# What the directory's services call a field -> what this form calls it.
FORM_FIELDS = {"ward_codes": "wards", "terms": "categories"}


def _text(label: str, max_length: int = 255, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=False,
        error_messages={"max_length": f"{label} must be {max_length} characters or fewer"},
        **kwargs,
    )


def _age(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=130,
        error_messages={
            "invalid": f"{label} must be a whole number of years",
            "min_value": f"{label} must be 0 or more",
            "max_value": f"{label} must be 130 or less",
        },
    )


class ServiceForm(forms.Form):
    organisation = forms.ChoiceField(
        label="Provider", required=False, error_messages={"invalid_choice": "Choose a provider from the list"}
    )
    name = forms.CharField(
        label="Name",
        max_length=255,
        error_messages={
            "required": "Enter the service's name",
            "max_length": "Keep the name to 255 characters",
        },
    )
    description = forms.CharField(
        label="What the service does",
        max_length=5000,
        widget=forms.Textarea,
        error_messages={
            "required": "Say what the service does",
            "max_length": "Keep the description to 5,000 characters",
        },
    )
    minimum_age = _age("Minimum age")
    maximum_age = _age("Maximum age")
    fees = _text("Fees", 1000)
    url = forms.URLField(
        label="Website",
        required=False,
        assume_scheme="https",
        error_messages={"invalid": "Enter a web address, like https://example.org"},
    )
    email = forms.EmailField(
        label="Email",
        required=False,
        error_messages={"invalid": "Enter an email address, like name@example.org"},
    )
    commissioned_under = _text("Council contract or grant")
    categories = forms.MultipleChoiceField(
        label="Categories",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose categories from the list"},
    )
    wards = forms.MultipleChoiceField(
        label="Wards it serves",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose wards from the list"},
    )

    def __init__(
        self,
        *args: Any,
        wards: list[tuple[str, str]],
        organisations: list[tuple[str, str]] | None = None,
        rows: dict[str, int] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.terms = {str(t.pk): t for t in taxonomy_terms()}
        self.fields["categories"].choices = [(pk, t.name) for pk, t in self.terms.items()]  # type: ignore[attr-defined]
        self.fields["wards"].choices = wards  # type: ignore[attr-defined]
        if organisations is None:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].choices = [("", "Choose"), *organisations]  # type: ignore[attr-defined]
            self.fields["organisation"].required = True
            self.fields["organisation"].error_messages["required"] = "Choose the provider that runs it"
        filled = rows or {}
        self.rows: dict[str, list[int]] = {}
        for prefix, parts in ROWS.items():
            count = filled.get(prefix, 0) + SPARE_ROWS
            if self.data:
                # Keep every row the person sent, however many.
                count = max(
                    count, *(int(k.split("_")[1]) for k in self.data if k.startswith(f"{prefix}_")), 0
                )
            self.rows[prefix] = list(range(1, count + 1))
            for n in self.rows[prefix]:
                for part in parts:
                    self.fields[f"{prefix}_{n}_{part}"] = self._row_field(prefix, part, n)

    @staticmethod
    def _row_field(prefix: str, part: str, n: int) -> forms.Field:
        if part == "days":
            return forms.MultipleChoiceField(
                label="Days",
                required=False,
                choices=DAY_CHOICES,
                widget=forms.CheckboxSelectMultiple,
                error_messages={"invalid_choice": "Choose days from the list"},
            )
        if part in ("opens", "closes"):
            return forms.TimeField(
                label="Opens" if part == "opens" else "Closes",
                required=False,
                error_messages={"invalid": f"Opening time {n}: enter a time like 09:30"},
            )
        if part == "amount":
            return forms.DecimalField(
                label="Amount (£)",
                required=False,
                min_value=0,
                max_digits=10,
                decimal_places=2,
                error_messages={
                    "invalid": f"Cost {n}: enter an amount like 5.00",
                    "min_value": "Cost cannot be negative",
                },
            )
        if part == "email":
            return forms.EmailField(
                label="Email",
                required=False,
                error_messages={"invalid": f"Contact {n}: enter an email address"},
            )
        return _text(part.capitalize() if part != "street" else "Street address")

    @classmethod
    def initial_from(cls, details: ServiceDetails) -> tuple[dict[str, Any], dict[str, int]]:
        """The form's initial values for a service as it is now, and how many rows of each it fills."""
        initial: dict[str, Any] = {
            "name": details.name,
            "description": details.description,
            "minimum_age": details.minimum_age,
            "maximum_age": details.maximum_age,
            "fees": details.fees,
            "url": details.url,
            "email": details.email,
            "categories": [str(t.pk) for t in details.terms],
            "wards": list(details.ward_codes),
            "commissioned_under": details.commissioned_under,
        }
        for n, (byday, opens, closes) in enumerate(details.schedules, start=1):
            initial |= {
                f"schedule_{n}_days": byday.split(","),
                f"schedule_{n}_opens": f"{opens:%H:%M}",
                f"schedule_{n}_closes": f"{closes:%H:%M}",
            }
        for n, (name, street, place) in enumerate(details.locations, start=1):
            initial |= {
                f"location_{n}_name": name,
                f"location_{n}_street": street,
                f"location_{n}_postcode": place.postcode,
            }
        for n, (option, amount) in enumerate(details.cost_options, start=1):
            initial |= {f"cost_{n}_option": option, f"cost_{n}_amount": amount}
        for n, (name, title, email) in enumerate(details.contacts, start=1):
            initial |= {f"contact_{n}_name": name, f"contact_{n}_title": title, f"contact_{n}_email": email}
        rows = {
            "schedule": len(details.schedules),
            "location": len(details.locations),
            "cost": len(details.cost_options),
            "contact": len(details.contacts),
        }
        return initial, rows

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        minimum, maximum = data.get("minimum_age"), data.get("maximum_age")
        if minimum is not None and maximum is not None and minimum > maximum:
            self.add_error("maximum_age", "The maximum age must not be less than the minimum age")
        self.schedules = []
        for n in self.rows["schedule"]:
            days, opens, closes = (data.get(f"schedule_{n}_{p}") for p in ROWS["schedule"])
            if not (days or opens or closes):
                continue
            if not days:
                self.add_error(f"schedule_{n}_days", f"Opening time {n}: choose the days it opens")
            elif opens is None or closes is None:
                self.add_error(f"schedule_{n}_opens", f"Opening time {n}: enter when it opens and closes")
            elif opens >= closes:
                self.add_error(f"schedule_{n}_closes", f"Opening time {n}: it must close after it opens")
            else:
                self.schedules.append((",".join(d for d in DAYS if d in days), opens, closes))
        self.locations = []
        for n in self.rows["location"]:
            name, street, postcode = (data.get(f"location_{n}_{p}", "").strip() for p in ROWS["location"])
            if not (name or street or postcode):
                continue
            if not postcode:
                self.add_error(f"location_{n}_postcode", f"Place {n}: enter its postcode")
                continue
            try:
                place = located(postcode, f"location_{n}_postcode")
            except Refused as exc:
                self.add_error(f"location_{n}_postcode", f"Place {n}: {exc.message}")
            else:
                self.locations.append((name or street or place.postcode, street, place))
        self.cost_options = []
        for n in self.rows["cost"]:
            option, amount = data.get(f"cost_{n}_option", "").strip(), data.get(f"cost_{n}_amount")
            if option or amount is not None:
                if not option:
                    self.add_error(f"cost_{n}_option", f"Cost {n}: say what the cost is for")
                else:
                    self.cost_options.append((option, amount))
        self.contacts = []
        for n in self.rows["contact"]:
            name, title, email = (data.get(f"contact_{n}_{p}") or "" for p in ROWS["contact"])
            if name or title or email:
                if not name.strip():
                    self.add_error(f"contact_{n}_name", f"Contact {n}: enter a name")
                else:
                    self.contacts.append((name.strip(), title.strip(), email))
        return data

    def show(self, refusal: Refused) -> None:
        """Show a service's refusal on this form: its fields by their names here, the rest at the top."""
        show_refusal(
            self,
            Refused(
                refusal.detail,
                [FieldError(FORM_FIELDS.get(e.field or "", e.field), e.message) for e in refusal.errors],
            ),
        )

    def details(self) -> ServiceDetails:
        data = self.cleaned_data
        return ServiceDetails(
            name=data["name"].strip(),
            description=data["description"].strip(),
            minimum_age=data.get("minimum_age"),
            maximum_age=data.get("maximum_age"),
            fees=data.get("fees", "").strip(),
            url=data.get("url", ""),
            email=data.get("email", ""),
            terms=[self.terms[pk] for pk in data.get("categories", [])],
            schedules=self.schedules,
            locations=self.locations,
            cost_options=self.cost_options,
            ward_codes=sorted(data.get("wards", [])),
            contacts=self.contacts,
            commissioned_under=data.get("commissioned_under", "").strip(),
        )
