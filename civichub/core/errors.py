"""The one way a service refuses: `Refused`, with the fields at fault and why.

Every context raises this (or a subclass) when input or state does not allow what was asked. The API
turns it into `{"detail": …, "errors": [{"field": …, "message": …}]}` with its `status`; forms show
the same messages in the GOV.UK error summary; commands print them. Nothing else is needed to refuse,
so no context defines its own error class with its own shape.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.http import Http404


@dataclass(frozen=True)
class FieldError:
    """What is wrong with one field: `field` is a form field name or a JSON path (`locations[0].postcode`)."""

    field: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class Refused(Exception):
    """The request was refused and nothing was changed. `status` is the HTTP status the API answers with."""

    status = 400

    def __init__(self, detail: str, errors: Iterable[FieldError] = ()):
        self.detail = detail
        self.errors = list(errors)
        super().__init__(detail)

    @classmethod
    def on(cls, field: str | None, message: str) -> Refused:
        """Refuse because of one field: the detail names it, and the error carries it."""
        return cls(f"{field}: {message}" if field else message, [FieldError(field, message)])

    @property
    def field(self) -> str | None:
        """The first field at fault (forms attach the message there)."""
        return self.errors[0].field if self.errors else None

    @property
    def message(self) -> str:
        """The first problem in words, without the field name (for a form's inline error)."""
        return self.errors[0].message if self.errors else self.detail

    def as_dict(self) -> dict[str, object]:
        return {
            "detail": self.detail,
            "errors": [{"field": e.field, "message": e.message} for e in self.errors],
        }


class NotFound(Refused, Http404):
    """What was asked for does not exist, or not for this caller (another council's ids look the same).

    Also an Http404, so a page that raises it gets Django's 404 page like any other missing thing.
    """

    status = 404


class Conflict(Refused):
    """The request is valid but the current state does not allow it (already decided, already there)."""

    status = 409
