"""Domain events of the money (the ledger and the budgets it moves), registered beside comm's events.

An event names the budget and the amounts, never the holder of a personal budget: the feed and webhooks
reach provider staff, and who holds a direct payment is personal data.
"""

from civichub.core.catalogue import STRING, UUID, EventType, register

NUMBER_TEXT = {"type": "string", "description": "A decimal number, as text"}
MAYBE_UUID = {"type": ["string", "null"]}

BUDGET_CHANGED = register(
    EventType(
        "commissioning.budget.changed",
        1,
        "A budget was set up (a council budget line, a ward budget, a personal budget, external funding), "
        "an appointee was recorded for a personal budget, or a budget was put towards a commission.",
        "commissioning.budget",
        {"budget_id": UUID, "kind": STRING, "change": STRING, "ward_code": STRING},
    )
)
LEDGER_RECORDED = register(
    EventType(
        "commissioning.ledger.recorded",
        1,
        "Money moved on the ledger: an allocation to a budget, a commitment to a contract, a payment "
        "against it or the release of what was not spent. `override` is true when it took the budget "
        "below zero (or paid beyond the commitment) by an audited override.",
        "commissioning.ledger_entry",
        {
            "entry_id": UUID,
            "budget_id": UUID,
            "kind": {"enum": ["allocation", "commitment", "payment", "release"]},
            "amount": NUMBER_TEXT,
            "contract_id": MAYBE_UUID,
            "override": {"type": "boolean"},
        },
    )
)
