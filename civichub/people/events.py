"""Domain events published by people. None names anyone: they carry counts and ids, never a person's
name, date of birth, address or NHS number."""

from civichub.core.catalogue import INTEGER, STRING, UUID, EventType, register

RECORDS_LOADED = register(
    EventType(
        "people.records.loaded",
        1,
        "Source records were loaded (a file, or one record through the API): how many were added, updated "
        "and left unchanged, and how many were linked on arrival.",
        "people.sourcerecord",
        {"source_systems": {"type": "array", "items": STRING}, "created": INTEGER, "updated": INTEGER},
    )
)
LINKAGE_COMPLETED = register(
    EventType(
        "people.linkage.completed",
        1,
        "A full linkage run finished: records, golden records and pairs sent for review.",
        "people.linkagerun",
        {
            "run_id": UUID,
            "records": INTEGER,
            "people": INTEGER,
            "in_review": INTEGER,
            "model_version": INTEGER,
        },
    )
)
PAIR_DECIDED = register(
    EventType(
        "people.review.decided",
        1,
        "A reviewer decided whether two records are the same person; every later run keeps the decision.",
        "people.reviewpair",
        {"pair_id": UUID, "status": STRING},
    )
)
PEOPLE_MERGED = register(
    EventType(
        "people.person.merged",
        1,
        "Golden records were merged by hand into one.",
        "people.merge",
        {"merge_id": UUID, "person_id": UUID, "merged": INTEGER},
    )
)
PEOPLE_UNMERGED = register(
    EventType(
        "people.person.unmerged",
        1,
        "A merge by hand was undone: the golden records are as they were before it.",
        "people.merge",
        {"merge_id": UUID, "person_id": UUID},
    )
)
AGREEMENT_RECORDED = register(
    EventType(
        "people.agreement.recorded",
        1,
        "A data-sharing agreement with another council was recorded (or ended early).",
        "people.datasharingagreement",
        {"agreement_id": UUID, "partner": STRING, "purpose": STRING, "ends_on": STRING},
    )
)
THRESHOLDS_SET = register(
    EventType(
        "people.thresholds.set",
        1,
        "The council set the match weights at which pairs are linked, or sent for review.",
        "people.linkagesettings",
        {"review_from": {"type": "number"}, "link_from": {"type": "number"}},
    )
)
