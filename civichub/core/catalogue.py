"""The catalogue of domain event types: name, version, meaning, and a JSON schema for `data`.

Each context declares its events in its own `events.py` (imported when the app is ready); publishing
an event of an unknown type, or with data its schema refuses, is a programming error and raises.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jsonschema import Draft202012Validator


@dataclass(frozen=True)
class EventType:
    name: str
    version: int
    description: str
    subject: str
    properties: dict[str, Any]
    required: list[str] = field(default_factory=list)
    tenant: bool = True

    @property
    def schema(self) -> dict[str, Any]:
        return {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": f"{self.name} v{self.version}",
            "description": self.description,
            "type": "object",
            "properties": self.properties,
            "required": self.required or list(self.properties),
            "additionalProperties": False,
        }

    def validate(self, data: dict[str, Any]) -> None:
        Draft202012Validator(self.schema).validate(data)


CATALOGUE: dict[str, EventType] = {}


def register(event_type: EventType) -> EventType:
    CATALOGUE[event_type.name] = event_type
    return event_type


STRING = {"type": "string"}
UUID = {"type": "string", "format": "uuid"}
INTEGER = {"type": "integer"}
