"""Domain events published by commissioning.

No event carries a bid's content: `commissioning.bid.submitted` says only that a bidder bid for a lot,
so webhooks and the event feed cannot open a sealed bid.
"""

from civichub.core.catalogue import INTEGER, STRING, UUID, EventType, register

NUMBER_TEXT = {"type": "string", "description": "A decimal number, as text"}

COMMISSION_CHANGED = register(
    EventType(
        "commissioning.commission.changed",
        1,
        "A commission was set up, or its purpose, places, needs or status changed.",
        "commissioning.commission",
        {"commission_id": UUID, "title": STRING, "status": STRING, "change": {"enum": ["added", "changed"]}},
    )
)
PROCUREMENT_CHANGED = register(
    EventType(
        "commissioning.procurement.changed",
        1,
        "A procurement was started, its lots or award criteria were set, or it moved to another stage.",
        "commissioning.procurement",
        {"procurement_id": UUID, "ocid": STRING, "stage": STRING, "change": STRING},
    )
)
NOTICE_PUBLISHED = register(
    EventType(
        "commissioning.notice.published",
        1,
        "A UK procurement notice (UK1 to UK12) was published for a procurement or a contract.",
        "commissioning.notice",
        {
            "notice_id": UUID,
            "notice_type": STRING,
            "ocid": STRING,
            "procurement_id": {"type": ["string", "null"]},
            "contract_id": {"type": ["string", "null"]},
        },
    )
)
BID_SUBMITTED = register(
    EventType(
        "commissioning.bid.submitted",
        1,
        "A provider submitted (or replaced) its sealed bid for a lot. The event never carries the price or "
        "the response.",
        "commissioning.bid",
        {"bid_id": UUID, "procurement_id": UUID, "lot_id": UUID, "bidder_id": UUID},
    )
)
BID_SCORED = register(
    EventType(
        "commissioning.bid.scored",
        1,
        "An evaluator scored a bid against an award criterion (after the deadline).",
        "commissioning.bid",
        {"bid_id": UUID, "criterion_id": UUID, "evaluator_id": UUID},
    )
)
CONTRACT_CHANGED = register(
    EventType(
        "commissioning.contract.changed",
        1,
        "A contract was made, varied (a new version), terminated, or its open-book cost lines, outcomes, "
        "KPIs, ratings or breaches were recorded.",
        "commissioning.contract",
        {
            "contract_id": UUID,
            "ocid": STRING,
            "status": STRING,
            "version": INTEGER,
            "change": STRING,
            "value": NUMBER_TEXT,
        },
    )
)
