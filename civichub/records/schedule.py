"""The retention schedule every council starts with, from common local-authority practice.

Source: the Information and Records Management Society's *Retention Guidelines for Local Authorities*
(IRMS Local Government Group), which councils adopt and adapt; periods follow its usual rules (six years
after the last action for contracts and finance, twelve for contracts under seal, the life of a
child's or adult's case plus a period, permanent preservation for the minutes and decisions of the
council). A council changes any line on its schedule page; the change is audited and re-dates its records.
"""

from __future__ import annotations

from civichub.core.models import Council
from civichub.records.models import RecordClass

SOURCE = "IRMS Retention Guidelines for Local Authorities"

# code, name, trigger, years, action, description
SEED: list[tuple[str, str, str, int, str, str]] = [
    (
        "GOV-DEC",
        "Decisions, reports and minutes of the council, cabinet and committees",
        "decision",
        0,
        "permanent",
        "The record of what the council decided and why: kept permanently and offered to the archive.",
    ),
    (
        "GOV-DEL",
        "Officer decisions under delegated powers",
        "decision",
        6,
        "review",
        "Reviewed six years after the decision: significant ones go to the archive.",
    ),
    ("GOV-FP", "Forward plan notices", "created", 6, "destroy", "Notices of key decisions to be taken."),
    (
        "POL",
        "Policies and strategies",
        "superseded",
        6,
        "review",
        "Kept while in force and six years after being superseded, then reviewed for the archive.",
    ),
    (
        "CON",
        "Contracts and their management",
        "contract_end",
        6,
        "destroy",
        "Limitation Act 1980: six years.",
    ),
    ("CON-SEAL", "Contracts under seal", "contract_end", 12, "destroy", "Limitation Act 1980: twelve years."),
    ("TEN", "Tenders and evaluations", "created", 6, "destroy", "Unsuccessful tenders and scoring."),
    (
        "PROV",
        "Provider monitoring and quality visits",
        "contract_end",
        6,
        "destroy",
        "Visits, returns and quality ratings of providers.",
    ),
    ("SVC", "Service specifications", "superseded", 6, "destroy", "Specifications of commissioned services."),
    (
        "CASE-ADULT",
        "Adult social care case records",
        "case_closed",
        8,
        "destroy",
        "Eight years after closure.",
    ),
    (
        "FIN",
        "Financial records: invoices and payments",
        "created",
        6,
        "destroy",
        "Six years plus the current.",
    ),
    ("CORR", "General correspondence", "created", 2, "destroy", "Routine letters and emails."),
    (
        "FOI",
        "Freedom of Information request files",
        "request_closed",
        3,
        "destroy",
        "Three years after closure.",
    ),
    ("SAR", "Subject access request files", "request_closed", 3, "destroy", "Three years after closure."),
    (
        "CERT",
        "Certificates of destruction",
        "created",
        0,
        "permanent",
        "The record of what was destroyed, when and on whose authority (Section 46 Code of Practice).",
    ),
]
CERTIFICATE_CLASS = "CERT"


def seeded_class(council: Council, code: str) -> tuple[RecordClass, bool]:
    """The council's class of this code, made from the seed line if it has none yet (and whether it was)."""
    _, name, trigger, years, action, description = next(line for line in SEED if line[0] == code)
    return RecordClass.objects.for_council(council).get_or_create(
        code=code,
        defaults={
            "council": council,
            "name": name,
            "trigger": trigger,
            "retention_years": years,
            "action": action,
            "description": description,
            "source": SOURCE,
        },
    )
