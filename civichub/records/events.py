"""Domain events published by records."""

from civichub.core.catalogue import INTEGER, STRING, UUID, EventType, register

DATE = {"type": "string", "format": "date"}
NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}

DOCUMENT_ADDED = register(
    EventType(
        "records.document.added",
        1,
        "A document (or policy, or certificate of destruction) was added to a council's records.",
        "records.document",
        {"document_id": UUID, "kind": STRING, "record_class": STRING, "marking": STRING},
    )
)
VERSION_ADDED = register(
    EventType(
        "records.document.version_added",
        1,
        "A new version of a document's content was kept (the earlier ones are kept too).",
        "records.document",
        {"document_id": UUID, "version": INTEGER, "sha256": STRING},
    )
)
DOCUMENT_CHANGED = register(
    EventType(
        "records.document.changed",
        1,
        "What a document is filed as changed: its class, marking, owner, trigger date, review date or links.",
        "records.document",
        {"document_id": UUID, "fields": {"type": "array", "items": STRING}},
    )
)
POLICY_REVIEW_DUE = register(
    EventType(
        "records.policy.review_due",
        1,
        "A policy's review date has come, or is within 30 days: its owner should review it.",
        "records.document",
        {"document_id": UUID, "title": STRING, "review_on": DATE, "owner_id": UUID},
    )
)
DECISION_RECORDED = register(
    EventType(
        "records.decision.recorded",
        1,
        "A decision was entered in the register as a draft (not yet public).",
        "records.decision",
        {"decision_id": UUID, "reference": STRING},
    )
)
DECISION_PUBLISHED = register(
    EventType(
        "records.decision.published",
        1,
        "A decision was published in the council's decisions register.",
        "records.decision",
        {
            "decision_id": UUID,
            "reference": STRING,
            "title": STRING,
            "is_key": {"type": "boolean"},
            "decided_on": DATE,
            "call_in_deadline": NULLABLE_DATE,
            "short_notice": {
                "type": "boolean",
                "description": "A key decision without 28 clear days' notice",
            },
        },
    )
)
DECISION_CHANGED = register(
    EventType(
        "records.decision.changed",
        1,
        "A decision's call-in status, votes, or what it decides about changed.",
        "records.decision",
        {"decision_id": UUID, "reference": STRING, "call_in_status": STRING},
    )
)
FORWARD_PLAN_CHANGED = register(
    EventType(
        "records.forward_plan.changed",
        1,
        "A key decision was added to the forward plan, or its entry changed.",
        "records.forwardplanentry",
        {"entry_id": UUID, "reference": STRING, "expected_on": DATE, "status": STRING},
    )
)
SCHEDULE_CHANGED = register(
    EventType(
        "records.schedule.changed",
        1,
        "A line of the council's retention schedule was added or changed.",
        "records.recordclass",
        {"record_class_id": UUID, "code": STRING, "retention_years": INTEGER, "action": STRING},
    )
)
HOLD_PLACED = register(
    EventType(
        "records.hold.placed",
        1,
        "A legal hold was placed: the records it covers cannot be disposed of until it is lifted.",
        "records.legalhold",
        {"hold_id": UUID, "reason": STRING, "documents": INTEGER},
    )
)
HOLD_LIFTED = register(
    EventType(
        "records.hold.lifted",
        1,
        "A legal hold was lifted, with its reason.",
        "records.legalhold",
        {"hold_id": UUID, "reason": STRING},
    )
)
DISPOSAL_PROPOSED = register(
    EventType(
        "records.disposal.proposed",
        1,
        "A records manager proposed a disposal run; it waits for a second person's approval.",
        "records.disposalrun",
        {"run_id": UUID, "reference": STRING, "due_by": DATE, "records": INTEGER},
    )
)
DISPOSAL_APPROVED = register(
    EventType(
        "records.disposal.approved",
        1,
        "A second authorised person approved a disposal run.",
        "records.disposalrun",
        {"run_id": UUID, "reference": STRING, "scheduled_for": {"type": ["string", "null"]}},
    )
)
DISPOSAL_COMPLETED = register(
    EventType(
        "records.disposal.completed",
        1,
        "A disposal run destroyed its records' content (held ones skipped) and kept a certificate.",
        "records.disposalrun",
        {
            "run_id": UUID,
            "reference": STRING,
            "destroyed": INTEGER,
            "skipped": INTEGER,
            "certificate_id": UUID,
            "certificate_sha256": STRING,
        },
    )
)
DISPOSAL_CANCELLED = register(
    EventType(
        "records.disposal.cancelled",
        1,
        "A proposed disposal run was cancelled before it ran.",
        "records.disposalrun",
        {"run_id": UUID, "reference": STRING},
    )
)
REQUEST_OPENED = register(
    EventType(
        "records.request.opened",
        1,
        "An FOI or subject access request was logged; a hold covers the records it concerns.",
        "records.informationrequest",
        {"request_id": UUID, "kind": STRING, "reference": STRING, "due_on": DATE, "hold_id": UUID},
    )
)
REQUEST_CHANGED = register(
    EventType(
        "records.request.changed",
        1,
        "An FOI or subject access request found more records, or was answered, refused or withdrawn.",
        "records.informationrequest",
        {"request_id": UUID, "reference": STRING, "status": STRING},
    )
)
